/**
 * Snapshots: the whole store written as one file, so a restart loads documents instead of
 * replaying every change ever made. A snapshot is written to `*.tmp`, fsynced, then renamed:
 * a file named `snapshot-*.bson` is always complete and ends with an end record.
 */
import fs from 'node:fs';
import { deserialize, serialize } from 'bson';
import type { Doc } from '../query/bson-order.js';
import { CorruptFileError, frameRecord, scanRecords, SNAPSHOT_MAGIC } from './record-file.js';
import type { IndexSpec } from './secondary-index.js';
import type { Store } from './store.js';

const TAG_COLLECTION = 0x43; // 'C'
const TAG_DOCUMENT = 0x44; // 'D'
const TAG_INDEX = 0x49; // 'I'
const TAG_END = 0x45; // 'E'
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface CollectionCapture {
  db: string;
  name: string;
  uuid: unknown;
  options: Doc;
  docs: Doc[];
  indexes: IndexSpec[];
}

/** References to every document and index at one instant (documents are immutable, so this is consistent). */
export function captureStore(store: Store): CollectionCapture[] {
  const captures: CollectionCapture[] = [];
  for (const [db, collections] of store.databases) {
    for (const collection of collections.values()) {
      captures.push({
        db,
        name: collection.name,
        uuid: collection.info.uuid,
        options: collection.info.options,
        docs: Array.from(collection.byId.values(), (rec) => rec.doc),
        indexes: [...collection.indexes.values()].map((index) => index.spec),
      });
    }
  }
  return captures;
}

function tagged(tag: number, body: Uint8Array): Buffer {
  const payload = Buffer.allocUnsafe(body.length + 1);
  payload[0] = tag;
  payload.set(body, 1);
  return frameRecord(payload);
}

/** Writes a snapshot, yielding to the event loop between chunks so clients keep being served. */
export async function writeSnapshot(file: string, captures: CollectionCapture[]): Promise<{ documents: number; bytes: number }> {
  const temp = `${file}.tmp`;
  const handle = await fs.promises.open(temp, 'w');
  let documents = 0;
  let bytes = 0;
  try {
    let chunk: Buffer[] = [SNAPSHOT_MAGIC];
    let chunkBytes = SNAPSHOT_MAGIC.length;
    const push = async (frame: Buffer) => {
      chunk.push(frame);
      chunkBytes += frame.length;
      if (chunkBytes < CHUNK_BYTES) return;
      await handle.writev(chunk);
      bytes += chunkBytes;
      chunk = [];
      chunkBytes = 0;
    };
    for (const capture of captures) {
      await push(tagged(TAG_COLLECTION, serialize({ db: capture.db, c: capture.name, uuid: capture.uuid, opts: capture.options })));
      for (const doc of capture.docs) {
        await push(tagged(TAG_DOCUMENT, serialize(doc)));
        documents += 1;
      }
      for (const spec of capture.indexes) await push(tagged(TAG_INDEX, serialize({ spec })));
    }
    await push(tagged(TAG_END, serialize({ collections: captures.length, documents })));
    if (chunk.length > 0) await handle.writev(chunk);
    bytes += chunkBytes;
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, file);
  return { documents, bytes };
}

/** Loads a snapshot into an empty store; any damage is an error naming the file. */
export function loadSnapshot(file: string, store: Store): { documents: number } {
  const { payloads, tornBytes } = scanRecords(file, fs.readFileSync(file), SNAPSHOT_MAGIC);
  if (tornBytes > 0) throw new CorruptFileError(file, `snapshot is truncated or damaged (${tornBytes} unreadable bytes at the end)`);
  const last = payloads[payloads.length - 1];
  if (!last || last[0] !== TAG_END) throw new CorruptFileError(file, 'snapshot has no end record');
  let documents = 0;
  let collection: ReturnType<Store['ensureCollection']> | undefined;
  for (const payload of payloads) {
    const body = payload.subarray(1);
    switch (payload[0]) {
      case TAG_COLLECTION: {
        const header = deserialize(body) as { db: string; c: string; uuid: unknown; opts: Doc };
        store.replay({ o: 'cc', db: header.db, c: header.c, opts: header.opts, uuid: header.uuid });
        collection = store.getCollection(header.db, header.c);
        break;
      }
      case TAG_DOCUMENT:
        if (!collection) throw new CorruptFileError(file, 'document record before any collection record');
        collection.insert(deserialize(body));
        documents += 1;
        break;
      case TAG_INDEX:
        if (!collection) throw new CorruptFileError(file, 'index record before any collection record');
        collection.createIndex((deserialize(body) as { spec: IndexSpec }).spec);
        break;
      case TAG_END:
        break;
      default:
        throw new CorruptFileError(file, `unknown record type ${String(payload[0])}`);
    }
  }
  return { documents };
}
