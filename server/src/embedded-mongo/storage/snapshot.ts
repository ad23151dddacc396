/**
 * Snapshots: the whole store written as one file, so a restart loads documents instead of
 * replaying every change ever made. A snapshot is written to `*.tmp`, fsynced, then renamed:
 * a file named `snapshot-*.bson` is always complete and ends with an end record.
 */
import fs from 'node:fs';
import path from 'node:path';
import { deserialize } from 'bson';
import type { Doc } from '../query/bson-order.js';
import { CorruptFileError, RecordBuffer, scanRecords, SNAPSHOT_MAGIC } from './record-file.js';
import type { IndexSpec } from './secondary-index.js';
import type { StoredRecord } from './stored-record.js';
import type { Store } from './store.js';

const TAG_COLLECTION = 0x43; // 'C'
const TAG_DOCUMENT = 0x44; // 'D'
const TAG_INDEX = 0x49; // 'I'
const TAG_END = 0x45; // 'E'
const DRAIN_BYTES = 1024 * 1024;

export interface CollectionCapture {
  db: string;
  name: string;
  uuid: unknown;
  options: Doc;
  /** Each document as of the capture: decoded, or the buffer holding its bytes at `offsets[i]`. */
  docs: Array<Doc | Buffer>;
  offsets: number[];
  /** The records the documents came from (same order), so they can adopt their encoded form. */
  records: StoredRecord[];
  indexes: IndexSpec[];
}

/** References to every document and index at one instant (documents are immutable, so this is consistent). */
export function captureStore(store: Store): CollectionCapture[] {
  const captures: CollectionCapture[] = [];
  for (const [db, collections] of store.databases) {
    for (const collection of collections.values()) {
      const capture: CollectionCapture = {
        db,
        name: collection.name,
        uuid: collection.info.uuid,
        options: collection.info.options,
        docs: [],
        offsets: [],
        records: [...collection.byId.values()],
        indexes: [...collection.indexes.values()].map((index) => index.spec),
      };
      for (const rec of capture.records) rec.captureInto(capture.docs, capture.offsets);
      captures.push(capture);
    }
  }
  return captures;
}

/** Writes a snapshot, yielding to the event loop between chunks so clients keep being served. */
export async function writeSnapshot(file: string, captures: CollectionCapture[]): Promise<{ documents: number; bytes: number }> {
  const temp = `${file}.tmp`;
  const handle = await fs.promises.open(temp, 'w');
  const records = new RecordBuffer();
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
      for (let i = 0; i < capture.docs.length; i += 1) {
        const doc = capture.docs[i] as Doc | Buffer;
        // A document nobody touched since the last load is copied as the bytes it already is.
        if (Buffer.isBuffer(doc)) {
          const offset = capture.offsets[i] as number;
          records.appendRaw(doc.subarray(offset, offset + doc.readInt32LE(offset)), TAG_DOCUMENT);
        } else {
          records.appendDocument(doc, TAG_DOCUMENT);
          encodedHere.push([capture.records[i] as StoredRecord, doc, records.lastPayloadStart + 1]);
        }
        documents += 1;
        // Small chunks keep each pause of the event loop short while a snapshot is written.
        if (records.used >= DRAIN_BYTES) await drain();
      }
      for (const spec of capture.indexes) records.appendDocument({ spec }, TAG_INDEX);
    }
    records.appendDocument({ collections: captures.length, documents }, TAG_END);
    await drain();
    await handle.sync();
  } catch (error) {
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

/** Loads a snapshot into an empty store; any damage is an error naming the file. */
export function loadSnapshot(file: string, store: Store): { documents: number } {
  const contents = fs.readFileSync(file);
  let documents = 0;
  let lastTag = -1;
  let collection: ReturnType<Store['ensureCollection']> | undefined;
  // Documents are decoded straight out of the file buffer (no per-record copies).
  const read = (start: number) => deserialize(contents, { index: start + 1, allowObjectSmallerThanBufferSize: true });
  const { tornBytes } = scanRecords(file, contents, SNAPSHOT_MAGIC, (start) => {
    lastTag = contents[start] ?? -1;
    switch (lastTag) {
      case TAG_COLLECTION: {
        const header = read(start) as { db: string; c: string; uuid: unknown; opts: Doc };
        store.replay({ o: 'cc', db: header.db, c: header.c, opts: header.opts, uuid: header.uuid });
        collection = store.getCollection(header.db, header.c);
        return;
      }
      case TAG_DOCUMENT:
        if (!collection) throw new CorruptFileError(file, 'document record before any collection record');
        collection.loadTrusted(contents, start + 1);
        documents += 1;
        return;
      case TAG_INDEX:
        if (!collection) throw new CorruptFileError(file, 'index record before any collection record');
        collection.createIndex((read(start) as { spec: IndexSpec }).spec);
        return;
      case TAG_END:
        return;
      default:
        throw new CorruptFileError(file, `unknown record type ${String(lastTag)}`);
    }
  });
  if (tornBytes > 0) throw new CorruptFileError(file, `snapshot is truncated or damaged (${tornBytes} unreadable bytes at the end)`);
  if (lastTag !== TAG_END) throw new CorruptFileError(file, 'snapshot has no end record');
  return { documents };
}
