/**
 * Opens a store directory: takes the lock, recovers (latest snapshot, then the journals after
 * it), attaches the journal, and compacts the journal into a new snapshot as it grows.
 *
 * Files under dbPath: `store.lock`, `snapshot-<seq>.bson`, `journal-<seq>.log`. A snapshot with
 * sequence N holds everything written before journal N. Anything else in the directory (except
 * dotfiles) is treated as foreign and stops the store, as do damaged files: the store never
 * starts empty over data it cannot read.
 */
import fs from 'node:fs';
import path from 'node:path';
import { deserialize } from 'bson';
import type { Logger } from 'pino';
import { acquireLock, LOCK_FILE } from './lock.js';
import { JournalWriter } from './journal.js';
import { CorruptFileError, JOURNAL_MAGIC, MAGIC_SIZE, scanRecords } from './record-file.js';
import { captureStore, loadSnapshot, releaseCaptures, writeSnapshot } from './snapshot.js';
import { type ChangeRecord, Store } from './store.js';
import { removeExpired } from './ttl-monitor.js';

export interface StorageOptions {
  dbPath: string;
  logger: Logger;
  ttlMonitorIntervalMs: number;
  /** Journal size that triggers a snapshot (grows with the data so compaction stays proportional). */
  compactAfterBytes?: number;
}

export interface OpenStorage {
  store: Store;
  /** Writes the records of the last command to the journal file. */
  flush(): void;
  /** Resolves once everything flushed is fsynced. */
  sync(): Promise<void>;
  /** Writes a snapshot now and starts a fresh journal. */
  compact(): Promise<void>;
  close(): Promise<void>;
}

const JOURNAL_PATTERN = /^journal-(\d{8})\.log$/;
const SNAPSHOT_PATTERN = /^snapshot-(\d{8})\.bson$/;
const TEMP_PATTERN = /^snapshot-\d{8}\.bson\.tmp$/;
const DEFAULT_COMPACT_AFTER = 64 * 1024 * 1024;
/** Below this much journal, closing does not bother writing a snapshot. */
const SNAPSHOT_ON_CLOSE_BYTES = 1024 * 1024;
const COMPACTION_RETRY_MS = 60_000;

const journalName = (seq: number) => `journal-${String(seq).padStart(8, '0')}.log`;
const snapshotName = (seq: number) => `snapshot-${String(seq).padStart(8, '0')}.bson`;

interface DirectoryListing {
  journals: number[];
  snapshots: number[];
  temps: string[];
}

function listDirectory(dbPath: string): DirectoryListing {
  const listing: DirectoryListing = { journals: [], snapshots: [], temps: [] };
  for (const entry of fs.readdirSync(dbPath)) {
    if (entry.startsWith('.') || entry === LOCK_FILE) continue;
    const journal = JOURNAL_PATTERN.exec(entry);
    const snapshot = SNAPSHOT_PATTERN.exec(entry);
    if (journal) listing.journals.push(Number(journal[1]));
    else if (snapshot) listing.snapshots.push(Number(snapshot[1]));
    else if (TEMP_PATTERN.test(entry)) listing.temps.push(entry);
    else throw new CorruptFileError(path.join(dbPath, entry), 'unexpected file in the store directory (foreign data? move it away or choose another dbPath)');
  }
  listing.journals.sort((a, b) => a - b);
  listing.snapshots.sort((a, b) => a - b);
  return listing;
}

interface Recovered {
  store: Store;
  seq: number;
  snapshotBytes: number;
}

function recover(dbPath: string, logger: Logger): Recovered {
  const started = Date.now();
  const listing = listDirectory(dbPath);
  for (const temp of listing.temps) {
    fs.rmSync(path.join(dbPath, temp));
    logger.warn({ file: temp }, 'removed an unfinished snapshot');
  }
  const store = new Store();
  const snapshotSeq = listing.snapshots.at(-1) ?? 0;
  let documents = 0;
  let indexesSorted = 0;
  let snapshotBytes = 0;
  if (snapshotSeq > 0) {
    const file = path.join(dbPath, snapshotName(snapshotSeq));
    ({ documents, indexesSorted } = loadSnapshot(file, store));
    snapshotBytes = fs.statSync(file).size;
  }
  const journals = listing.journals.filter((seq) => seq >= snapshotSeq);
  let replayed = 0;
  journals.forEach((seq, i) => {
    replayed += replayJournal(path.join(dbPath, journalName(seq)), store, i === journals.length - 1, logger);
  });
  // Files an interrupted compaction meant to delete.
  for (const seq of listing.journals.filter((s) => s < snapshotSeq)) fs.rmSync(path.join(dbPath, journalName(seq)));
  for (const seq of listing.snapshots.filter((s) => s < snapshotSeq)) fs.rmSync(path.join(dbPath, snapshotName(seq)));
  const seq = Math.max(snapshotSeq, journals.at(-1) ?? 0, 1);
  logger.info({ dbPath, snapshotDocuments: documents, indexesSorted, journalRecordsReplayed: replayed, ms: Date.now() - started }, 'embedded store recovered');
  return { store, seq, snapshotBytes };
}

function replayJournal(file: string, store: Store, isLast: boolean, logger: Logger): number {
  const contents = fs.readFileSync(file);
  if (contents.length < MAGIC_SIZE && isLast && JOURNAL_MAGIC.subarray(0, contents.length).equals(contents)) {
    fs.writeFileSync(file, JOURNAL_MAGIC);
    return 0;
  }
  let applied = 0;
  const { records, validEnd, tornBytes } = scanRecords(file, contents, JOURNAL_MAGIC, (start) => {
    try {
      store.replay(deserialize(contents, { index: start, allowObjectSmallerThanBufferSize: true }) as ChangeRecord);
    } catch (error) {
      throw new CorruptFileError(file, `record ${applied + 1} cannot be replayed: ${error instanceof Error ? error.message : String(error)}`);
    }
    applied += 1;
  });
  if (tornBytes > 0) {
    if (!isLast) throw new CorruptFileError(file, `damaged record at byte ${validEnd} in a journal that is not the latest`);
    fs.truncateSync(file, validEnd);
    logger.warn({ file, droppedBytes: tornBytes, recordsKept: records }, 'dropped a torn record at the end of the journal');
  }
  return records;
}

export async function openStorage({ dbPath, logger, ttlMonitorIntervalMs, compactAfterBytes = DEFAULT_COMPACT_AFTER }: StorageOptions): Promise<OpenStorage> {
  fs.mkdirSync(dbPath, { recursive: true });
  const release = acquireLock(dbPath);
  let recovered: Recovered;
  try {
    recovered = recover(dbPath, logger);
  } catch (error) {
    release();
    throw error;
  }
  const { store } = recovered;
  let seq = recovered.seq;
  let snapshotBytes = recovered.snapshotBytes;
  const journal = new JournalWriter(path.join(dbPath, journalName(seq)));
  store.attachSink(journal);
  let compaction: Promise<void> | undefined;
  let retryCompactionAt = 0;

  const compact = (): Promise<void> => {
    if (compaction) return compaction;
    const started = Date.now();
    const nextSeq = seq + 1;
    const captures = captureStore(store);
    try {
      journal.rotate(path.join(dbPath, journalName(nextSeq)));
    } catch (error) {
      releaseCaptures(captures);
      throw error;
    }
    seq = nextSeq;
    compaction = writeSnapshot(path.join(dbPath, snapshotName(nextSeq)), captures)
      .then((written) => {
        snapshotBytes = written.bytes;
        // The new snapshot holds everything before journal `nextSeq`: older files are redundant.
        const { journals, snapshots } = listDirectory(dbPath);
        for (const old of journals.filter((n) => n < nextSeq)) fs.rmSync(path.join(dbPath, journalName(old)));
        for (const old of snapshots.filter((n) => n < nextSeq)) fs.rmSync(path.join(dbPath, snapshotName(old)));
        logger.info({ documents: written.documents, bytes: written.bytes, ms: Date.now() - started }, 'compacted the journal into a snapshot');
      })
      .catch((error: unknown) => {
        // Keep the journals (recovery still has everything) and do not retry on every write.
        retryCompactionAt = Date.now() + COMPACTION_RETRY_MS;
        logger.error({ err: error }, 'compaction failed; the journal is kept');
      })
      .finally(() => {
        compaction = undefined;
      });
    return compaction;
  };

  const flush = () => {
    journal.flush();
    if (!compaction && journal.size > Math.max(compactAfterBytes, snapshotBytes) && Date.now() >= retryCompactionAt) void compact();
  };

  const ttlTimer = setInterval(() => {
    const removed = removeExpired(store, new Date());
    if (removed > 0) {
      flush();
      logger.debug({ removed }, 'TTL monitor removed expired documents');
    }
  }, ttlMonitorIntervalMs);
  ttlTimer.unref();

  return {
    store,
    flush,
    sync: () => journal.sync(),
    compact,
    async close() {
      clearInterval(ttlTimer);
      if (compaction) await compaction;
      if (journal.size > SNAPSHOT_ON_CLOSE_BYTES) await compact();
      await journal.close();
      release();
    },
  };
}
