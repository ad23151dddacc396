/**
 * The append-only journal writer. Records are buffered while a command runs and written to the
 * file (the OS) before its reply is sent, so an acknowledged write survives `kill -9`. fsync is
 * batched — group commit — every `commitIntervalMs`, or at once when a client waits on `j: true`;
 * one fsync then acknowledges every waiter whose records it covers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { JOURNAL_MAGIC, RecordBuffer } from './record-file.js';
import type { Doc } from '../query/bson-order.js';
import type { StoredRecord } from './stored-record.js';
import type { ChangeRecord } from './store.js';

/** Offset of the `d` document inside a `{ d: …, o: 'put', … }` record: int32 size, type 0x03, "d\0". */
const PUT_DOC_OFFSET = 7;

interface Waiter {
  target: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class JournalWriter {
  private fd: number;
  private readonly pending = new RecordBuffer();
  /** Records whose document was just encoded into `pending`: [record, document, offset of its bytes]. */
  private encoded: Array<[StoredRecord, Doc, number]> = [];
  private written = 0;
  private synced = 0;
  private waiters: Waiter[] = [];
  private isSyncing = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  /** Bytes in the current file, so compaction knows when the journal has grown. */
  size: number;

  constructor(
    public file: string,
    private readonly commitIntervalMs = 100,
  ) {
    this.fd = JournalWriter.open(file);
    this.size = fs.fstatSync(this.fd).size;
  }

  /** Opens (creating with its magic header when new) a journal file for appending. */
  static open(file: string): number {
    const fd = fs.openSync(file, 'a');
    if (fs.fstatSync(fd).size === 0) {
      fs.writeSync(fd, JOURNAL_MAGIC);
      fs.fsyncSync(fd);
      // The new file's directory entry must be durable too, or a crash could lose the whole file.
      const directory = fs.openSync(path.dirname(file), 'r');
      try {
        fs.fsyncSync(directory);
      } finally {
        fs.closeSync(directory);
      }
    }
    return fd;
  }

  record(change: ChangeRecord, rec?: StoredRecord): void {
    this.pending.appendDocument(change);
    if (rec && change.o === 'put') this.noteEncoded(rec, change.d);
    // A huge batch is written out as it goes rather than held in memory.
    if (this.pending.isFull) this.flush();
  }

  /**
   * Remembers where a written document's bytes are, so that after the write the record can keep
   * just those bytes instead of the decoded objects (far less for the garbage collector to walk).
   */
  private noteEncoded(rec: StoredRecord, doc: Doc): void {
    const view = this.pending.view();
    const start = this.pending.lastPayloadStart;
    const isDocFirst = view[start + 4] === 0x03 && view[start + 5] === 0x64 && view[start + 6] === 0;
    if (isDocFirst) this.encoded.push([rec, doc, start + PUT_DOC_OFFSET]);
  }

  /** Writes buffered records to the file; cheap when there are none. */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.pending.used === 0) return;
    const bytes = this.pending.used;
    try {
      // With documents to hand over, the bytes are copied out of the reusable buffer and kept.
      const framed = this.encoded.length > 0 ? Buffer.from(this.pending.view()) : this.pending.view();
      let done = 0;
      while (done < bytes) done += fs.writeSync(this.fd, framed, done, bytes - done);
      this.pending.clear();
      for (const [rec, doc, offset] of this.encoded) rec.adoptEncoded(doc, framed, offset);
      this.encoded = [];
    } catch (error) {
      // A journal that cannot be written must not keep acknowledging writes.
      this.failure = error instanceof Error ? error : new Error(String(error));
      throw this.failure;
    }
    this.written += bytes;
    this.size += bytes;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.runSync();
    }, this.commitIntervalMs);
  }

  /** Resolves once everything written so far is on disk. */
  sync(): Promise<void> {
    this.flush();
    if (this.synced >= this.written) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ target: this.written, resolve, reject });
      // Let other connections' commands in the same tick join this fsync.
      setImmediate(() => void this.runSync());
    });
  }

  private async runSync(): Promise<void> {
    if (this.isSyncing) return;
    this.isSyncing = true;
    try {
      while (this.synced < this.written) {
        const target = this.written;
        await new Promise<void>((resolve, reject) => fs.fdatasync(this.fd, (error) => (error ? reject(error) : resolve())));
        this.synced = target;
        this.waiters = this.waiters.filter((waiter) => {
          if (waiter.target > target) return true;
          waiter.resolve();
          return false;
        });
      }
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      for (const waiter of this.waiters) waiter.reject(this.failure);
      this.waiters = [];
    } finally {
      this.isSyncing = false;
    }
  }

  /** Switches to a new file (after fsyncing this one): compaction starts a fresh journal. */
  rotate(file: string): void {
    this.flush();
    fs.fsyncSync(this.fd);
    this.synced = this.written;
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters = [];
    fs.closeSync(this.fd);
    this.file = file;
    this.fd = JournalWriter.open(file);
    this.size = fs.fstatSync(this.fd).size;
  }

  async close(): Promise<void> {
    this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.isSyncing) await new Promise((resolve) => setTimeout(resolve, 5));
    fs.fsyncSync(this.fd);
    this.synced = this.written;
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters = [];
    fs.closeSync(this.fd);
  }
}
