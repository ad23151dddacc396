/**
 * Snapshots: the whole store written as one file, so a restart loads documents instead of
 * replaying every change ever made. A snapshot is written to `*.tmp`, fsynced, then renamed:
 * a file named `snapshot-*.bson` is always complete and ends with an end record.
 *
 * Layout per collection: a collection record, its documents, then per index a spec record
 * followed by order records: for every key in index order, the position (u32 LE) of its
 * document in the collection. Loading then lays the keys out instead of sorting millions of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { deserialize } from 'bson';
import type { Doc } from '../query/bson-order.js';
import { CorruptFileError, RecordBuffer, scanRecords, SNAPSHOT_MAGIC } from './record-file.js';
import type { IndexSpec, SecondaryIndex } from './secondary-index.js';
import type { StoredRecord } from './stored-record.js';
import { TimeSlices } from '../time-slices.js';
import type { Store } from './store.js';
import { SnapshotGuard, type Collection } from './collection.js';

const TAG_COLLECTION = 0x43; // 'C'
const TAG_DOCUMENT = 0x44; // 'D'
const TAG_INDEX = 0x49; // 'I'
const TAG_ORDER = 0x4f; // 'O'
const TAG_END = 0x45; // 'E'
const DRAIN_BYTES = 1024 * 1024;
const ORDER_CHUNK_BYTES = 1024 * 1024;

/** An index as of the capture: its spec and a copy-on-write clone of its tree. */
export interface IndexCapture {
  spec: IndexSpec;
  tree: SecondaryIndex['tree'];
}

export interface CollectionCapture {
  db: string;
  name: string;
  uuid: unknown;
  options: Doc;
  /** The live collection: its documents are copied out as the snapshot is written. */
  collection: Collection;
  /** Its records at the capture, in record-id order (the order a restart gives them ids in again). */
  records: StoredRecord[];
  /** Keeps what the capture saw of records changed or removed before they are written. */
  guard: SnapshotGuard;
  indexes: IndexCapture[];
}

let lastEpoch = 0;

/**
 * Takes the store as of this instant without copying a document: index trees are cloned
 * copy-on-write, the record list is copied (references only: ~8 ms for a million), and each
 * collection gets a guard that keeps the content of a record changed or removed before the writer
 * copies it out. Writers keep writing meanwhile; nobody waits for a million documents.
 * Every capture must be passed to `writeSnapshot` (or `releaseCaptures`), which lifts the guards.
 */
export function captureStore(store: Store): CollectionCapture[] {
  const epoch = (lastEpoch += 1);
  const captures: CollectionCapture[] = [];
  for (const [db, collections] of store.databases) {
    for (const collection of collections.values()) {
      const guard = new SnapshotGuard(collection.ridLimit, epoch);
      collection.snapshotGuard = guard;
      captures.push({
        db,
        name: collection.name,
        uuid: collection.info.uuid,
        options: collection.info.options,
        collection,
        records: Array.from(collection.byId.values()),
        guard,
        // clone() is O(1): the trees share nodes until the live one changes.
        indexes: [...collection.indexes.values()].map((index) => ({ spec: index.spec, tree: index.tree.clone() })),
      });
    }
  }
  return captures;
}

/** Lifts the guards of captures that will not be written. */
export function releaseCaptures(captures: CollectionCapture[]): void {
  for (const capture of captures) {
    if (capture.collection.snapshotGuard === capture.guard) capture.collection.snapshotGuard = null;
  }
}

/** A captured record's content as of the capture: its kept content if it changed since, else its current form. */
function capturedForm(guard: SnapshotGuard, rec: StoredRecord, forms: Array<Doc | Buffer>, offsets: number[]): [Doc | Buffer, number] {
  const kept = guard.preserved.get(rec);
  if (kept) return [kept.source, kept.offset];
  forms.length = 0;
  offsets.length = 0;
  rec.captureInto(forms, offsets);
  return [forms[0] as Doc | Buffer, offsets[0] as number];
}

/** Writes a snapshot, yielding to the event loop every few milliseconds so clients keep being served. */
export async function writeSnapshot(file: string, captures: CollectionCapture[]): Promise<{ documents: number; bytes: number }> {
  const temp = `${file}.tmp`;
  const handle = await fs.promises.open(temp, 'w').catch((error: unknown) => {
    releaseCaptures(captures);
    throw error;
  });
  const records = new RecordBuffer();
  const orderChunk = Buffer.allocUnsafe(ORDER_CHUNK_BYTES);
  const slices = new TimeSlices();
  let documents = 0;
  let bytes = SNAPSHOT_MAGIC.length;
  // Decoded documents written in the chunk being filled: [record, document, offset of its bytes].
  let encodedHere: Array<[StoredRecord, Doc, number]> = [];
  const drain = async () => {
    // The chunk is copied out and kept: documents nobody changed meanwhile drop their decoded
    // form for these bytes, which the garbage collector does not have to walk.
    const framed = Buffer.from(records.view());
    records.clear();
    for (const [rec, doc, offset] of encodedHere) rec.adoptEncoded(doc, framed, offset);
    encodedHere = [];
    await handle.write(framed, 0, framed.length);
    bytes += framed.length;
  };
  try {
    await handle.write(SNAPSHOT_MAGIC);
    for (const capture of captures) {
      records.appendDocument({ db: capture.db, c: capture.name, uuid: capture.uuid, opts: capture.options }, TAG_COLLECTION);
      const forms: Array<Doc | Buffer> = [];
      const offsets: number[] = [];
      for (let position = 0; position < capture.records.length; position += 1) {
        const rec = capture.records[position] as StoredRecord;
        const [form, offset] = capturedForm(capture.guard, rec, forms, offsets);
        // A document nobody touched since the last load is copied as the bytes it already is.
        if (Buffer.isBuffer(form)) {
          records.appendRaw(form.subarray(offset, offset + form.readInt32LE(offset)), TAG_DOCUMENT);
        } else {
          records.appendDocument(form, TAG_DOCUMENT);
          encodedHere.push([rec, form, records.lastPayloadStart + 1]);
        }
        rec.snapshotPosition = position;
        rec.snapshotEpoch = capture.guard.epoch;
        documents += 1;
        // Small chunks and short turns keep each pause of the event loop short.
        if (records.used >= DRAIN_BYTES) await drain();
        else if (slices.isDue()) await slices.pause();
      }
      // Every record of the capture is written: later changes need nothing kept.
      releaseCaptures([capture]);
      for (const index of capture.indexes) {
        records.appendDocument({ spec: index.spec, entries: index.tree.size }, TAG_INDEX);
        let used = 0;
        for (const rec of index.tree.values()) {
          orderChunk.writeUInt32LE(rec.snapshotPosition, used);
          used += 4;
          if (used < orderChunk.length) {
            if (slices.isDue()) await slices.pause();
            continue;
          }
          records.appendRaw(orderChunk, TAG_ORDER);
          used = 0;
          if (records.used >= DRAIN_BYTES) await drain();
        }
        if (used > 0) records.appendRaw(orderChunk.subarray(0, used), TAG_ORDER);
      }
    }
    records.appendDocument({ collections: captures.length, documents }, TAG_END);
    await drain();
    await handle.sync();
  } catch (error) {
    releaseCaptures(captures);
    await handle.close();
    // A failed compaction is retried with a new sequence number: leaving its partial file would
    // pile one up per retry, on a disk that may be failing because it is full.
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await fs.promises.rename(temp, file);
  // Make the rename itself durable before the caller deletes the files this snapshot replaces.
  const directory = await fs.promises.open(path.dirname(file), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
  return { documents, bytes };
}

interface PendingIndex {
  spec: IndexSpec;
  /** Absent in snapshots written before the order was recorded: those indexes are sorted. */
  order: Uint32Array | undefined;
  filled: number;
}

/** Loads a snapshot into an empty store; any damage is an error naming the file. */
export function loadSnapshot(file: string, store: Store): { documents: number; indexesSorted: number } {
  const contents = fs.readFileSync(file);
  let documents = 0;
  let indexesSorted = 0;
  let lastTag = -1;
  let collection: ReturnType<Store['ensureCollection']> | undefined;
  let pending: PendingIndex | undefined;
  // Documents are decoded straight out of the file buffer (no per-record copies).
  const read = (start: number) => deserialize(contents, { index: start + 1, allowObjectSmallerThanBufferSize: true });
  const buildPending = () => {
    if (!pending || !collection) return;
    const { spec, order, filled } = pending;
    pending = undefined;
    // An order that does not fit is not damage (checksums vouch for the bytes): sort instead.
    const usedOrder = collection.createIndex(spec, order && filled === order.length ? order : undefined);
    if (!usedOrder) indexesSorted += 1;
  };
  const { tornBytes } = scanRecords(file, contents, SNAPSHOT_MAGIC, (start, end) => {
    lastTag = contents[start] ?? -1;
    switch (lastTag) {
      case TAG_COLLECTION: {
        buildPending();
        const header = read(start) as { db: string; c: string; uuid: unknown; opts: Doc };
        store.replay({ o: 'cc', db: header.db, c: header.c, opts: header.opts, uuid: header.uuid });
        collection = store.getCollection(header.db, header.c);
        return;
      }
      case TAG_DOCUMENT:
        if (!collection || pending) throw new CorruptFileError(file, 'document record outside a collection\'s documents');
        collection.loadTrusted(contents, start + 1);
        documents += 1;
        return;
      case TAG_INDEX: {
        if (!collection) throw new CorruptFileError(file, 'index record before any collection record');
        buildPending();
        const { spec, entries } = read(start) as { spec: IndexSpec; entries?: number };
        pending = { spec, order: typeof entries === 'number' ? new Uint32Array(entries) : undefined, filled: 0 };
        return;
      }
      case TAG_ORDER: {
        const order = pending?.order;
        if (!pending || !order || (end - start - 1) % 4 !== 0 || pending.filled + (end - start - 1) / 4 > order.length) {
          throw new CorruptFileError(file, 'index order record that does not belong to an index');
        }
        for (let offset = start + 1; offset < end; offset += 4) order[pending.filled++] = contents.readUInt32LE(offset);
        return;
      }
      case TAG_END:
        buildPending();
        return;
      default:
        throw new CorruptFileError(file, `unknown record type ${String(lastTag)}`);
    }
  });
  if (tornBytes > 0) throw new CorruptFileError(file, `snapshot is truncated or damaged (${tornBytes} unreadable bytes at the end)`);
  if (lastTag !== TAG_END) throw new CorruptFileError(file, 'snapshot has no end record');
  return { documents, indexesSorted };
}
