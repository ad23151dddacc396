/**
 * Open cursors: the rest of a result set, served in batches by `getMore`. A cursor holds
 * references to immutable stored documents, so later writes never change a batch half-sent.
 */
import { calculateObjectSize, Long } from 'bson';
import { MongoCommandError } from '../errors.js';
import type { Doc } from '../query/bson-order.js';
import { compileProjection, type Projector } from '../query/projection.js';

const DEFAULT_FIRST_BATCH = 101;
/** Replies stay under the 16 MiB document limit with room for the envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  namespace: string;
  docs: Doc[];
  position: number;
  project: Projector;
  lastUsed: number;
  /** The client asked for `noCursorTimeout`: only killCursors or exhaustion ends it. */
  isImmortal: boolean;
}

export interface CursorOptions {
  batchSize?: unknown;
  projection?: unknown;
  /** The query the documents matched, for a positional (`field.$`) projection. */
  filter?: Doc;
  singleBatch?: unknown;
  noCursorTimeout?: unknown;
}

export type CursorReply = {
  cursor: { firstBatch?: Doc[]; nextBatch?: Doc[]; id: Long; ns: string };
  ok: 1;
};

export class CursorRegistry {
  private readonly open = new Map<string, OpenCursor>();
  private nextId = BigInt(Date.now()) * 1000n;

  /** Replies with the first batch, keeping a cursor only when more documents remain. */
  start(namespace: string, docs: Doc[], options: CursorOptions): CursorReply {
    const cursor: OpenCursor = {
      namespace,
      docs,
      position: 0,
      project: compileProjection(options.projection, options.filter),
      lastUsed: Date.now(),
      isImmortal: options.noCursorTimeout === true,
    };
    // batchSize 0 opens the cursor with an empty first batch (MongoDB: "the cursor will be established").
    const firstBatch = this.takeBatch(cursor, batchSizeOf(options.batchSize) ?? DEFAULT_FIRST_BATCH);
    let id = Long.ZERO;
    if (cursor.position < docs.length && options.singleBatch !== true) {
      this.nextId += 1n;
      id = Long.fromBigInt(this.nextId);
      this.open.set(id.toString(), cursor);
    }
    return { cursor: { firstBatch, id, ns: namespace }, ok: 1 };
  }

  getMore(id: unknown, namespace: string, batchSize: unknown): CursorReply {
    const key = String(id);
    const cursor = this.open.get(key);
    if (!cursor) throw new MongoCommandError('CursorNotFound', `cursor id ${key} not found`);
    if (cursor.namespace !== namespace) {
      throw new MongoCommandError('Unauthorized', `Requested getMore on namespace '${namespace}', but cursor belongs to a different namespace ${cursor.namespace}`);
    }
    cursor.lastUsed = Date.now();
    // On getMore, batchSize 0 (or none) means as many as fit in one reply.
    const nextBatch = this.takeBatch(cursor, batchSizeOf(batchSize) || Infinity);
    const isDone = cursor.position >= cursor.docs.length;
    if (isDone) this.open.delete(key);
    return { cursor: { nextBatch, id: isDone ? Long.ZERO : Long.fromString(key), ns: namespace }, ok: 1 };
  }

  kill(ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) {
      const key = String(id);
      const long = Long.fromString(key);
      if (this.open.delete(key)) killed.push(long);
      else notFound.push(long);
    }
    return { killed, notFound };
  }

  /** Drops cursors idle for 10 minutes (`cursorTimeoutMillis`), as MongoDB does, unless opened with noCursorTimeout. */
  reapIdle(now = Date.now()): void {
    for (const [key, cursor] of this.open) {
      if (!cursor.isImmortal && now - cursor.lastUsed > IDLE_TIMEOUT_MS) this.open.delete(key);
    }
  }

  get size(): number {
    return this.open.size;
  }

  private takeBatch(cursor: OpenCursor, limit: number): Doc[] {
    const batch: Doc[] = [];
    let bytes = 0;
    while (cursor.position < cursor.docs.length && batch.length < limit) {
      const doc = cursor.project(cursor.docs[cursor.position] as Doc);
      // A single document always fits (at most 16 MiB); only batches need measuring.
      const size = limit === 1 ? 0 : calculateObjectSize(doc);
      if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      batch.push(doc as Doc);
      bytes += size;
      cursor.position += 1;
    }
    return batch;
  }
}

/** A requested batch size: undefined when absent; a negative one is refused as MongoDB does. */
function batchSizeOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  return nonNegativeField('batchSize', value);
}

/** A count field such as batchSize, limit or skip: MongoDB refuses negative values with 51024. */
export function nonNegativeField(field: string, value: unknown): number {
  const number = Number(value);
  if (!Number.isFinite(number)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' must be a number`);
  if (number < 0) throw new MongoCommandError('Location51024', `BSON field '${field}' value must be >= 0, actual value '${Math.floor(number)}'`);
  return Math.floor(number);
}
