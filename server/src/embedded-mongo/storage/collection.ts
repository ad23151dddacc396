/**
 * One collection in memory: records by `_id`, in insertion (natural) order, plus its secondary
 * indexes. Every method is synchronous, so a write is checked against every unique index and
 * applied as one step that no other request can interleave with.
 */
import { MongoCommandError } from '../errors.js';
import { EMPTY_ARRAY_KEY, isPlainObject, typeRank, RANK, type Doc } from '../query/bson-order.js';
import { DuplicateKeyError, SecondaryIndex, type IndexSpec } from './secondary-index.js';
import { StoredRecord } from './stored-record.js';

export const ID_INDEX_NAME = '_id_';
const ID_FIELD = ['_id'];

/** A string that identifies an `_id` value in a Map: equal BSON values give equal strings. */
export function idKeyOf(id: unknown): string {
  switch (typeRank(id)) {
    // ObjectIds (most ids) are their bare hex string; every other type carries an upper-case
    // prefix and a colon, which a lower-case hex string never has, so keys cannot collide.
    case RANK.objectId:
      return String(id);
    case RANK.number:
      return `N:${Number(typeof id === 'object' ? String(id) : id)}`;
    case RANK.string:
      return `S:${String(id)}`;
    case RANK.date:
      return `D:${(id as Date).getTime()}`;
    case RANK.null:
      return 'Z:';
    case RANK.boolean:
      return `B:${String(id)}`;
    default:
      return `J:${stableString(id)}`;
  }
}

function stableString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableString).join(',')}]`;
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${stableString(v)}`).join(',')}}`;
  if (value instanceof Date) return `D${value.getTime()}`;
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeRank(value)}:${String(value)}`;
}

/** How MongoDB prints a key value inside an E11000 message. */
export function formatKeyValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (typeRank(value) === RANK.objectId) return `ObjectId('${String(value)}')`;
  if (Array.isArray(value)) return `[ ${value.map(formatKeyValue).join(', ')} ]`;
  if (isPlainObject(value)) return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${formatKeyValue(v)}`).join(', ')} }`;
  return String(value);
}

/**
 * A snapshot being written while clients keep writing: the records that existed when it was
 * taken (record id below `ridLimit`) and are not written yet keep their content as of then, so the
 * writer can copy them out over many turns of the event loop instead of all at once.
 */
export class SnapshotGuard {
  /** Content as of the capture of records changed or removed since, before the writer got to them. */
  readonly preserved = new Map<StoredRecord, { source: Doc | Buffer; offset: number }>();

  constructor(
    readonly ridLimit: number,
    /** Marks the records this snapshot wrote (their `snapshotEpoch`). */
    readonly epoch: number,
  ) {}

  /** Whether `rec` belongs to the snapshot and is not written yet. */
  isPending(rec: StoredRecord): boolean {
    return rec.rid < this.ridLimit && rec.snapshotEpoch !== this.epoch;
  }

  /** Called before `rec` changes or is removed: keeps its content as of the capture, once. */
  beforeChange(rec: StoredRecord): void {
    if (!this.isPending(rec) || this.preserved.has(rec)) return;
    const sources: Array<Doc | Buffer> = [];
    const offsets: number[] = [];
    rec.captureInto(sources, offsets);
    this.preserved.set(rec, { source: sources[0] as Doc | Buffer, offset: offsets[0] as number });
  }
}

export interface CollectionInfo {
  uuid: unknown;
  options: Doc;
}

export class Collection {
  /** Records by `_id` key. Iteration order is insertion order, which is also record-id order. */
  readonly byId = new Map<string, StoredRecord>();
  readonly indexes = new Map<string, SecondaryIndex>();
  /** Set while a snapshot of this collection is being written. */
  snapshotGuard: SnapshotGuard | null = null;
  private nextRid = 1;

  constructor(
    /** Changed only by a rename. */
    public dbName: string,
    public name: string,
    readonly info: CollectionInfo,
  ) {}

  get namespace(): string {
    return `${this.dbName}.${this.name}`;
  }

  get count(): number {
    return this.byId.size;
  }

  getById(id: unknown): StoredRecord | undefined {
    return this.byId.get(idKeyOf(id));
  }

  /** Inserts a document that already has its `_id`; throws E11000 on any unique conflict. */
  insert(doc: Doc): StoredRecord {
    const key = idKeyOf(doc._id);
    if (this.byId.has(key)) throw this.duplicateIdError(doc._id);
    const rec = new StoredRecord(this.nextRid++, doc);
    const keys = this.checkIndexes(doc, rec.rid);
    this.byId.set(key, rec);
    let i = 0;
    for (const index of this.indexes.values()) index.add(rec, keys[i++] ?? []);
    return rec;
  }

  /** The record id the next insert gets: every record below it exists already. */
  get ridLimit(): number {
    return this.nextRid;
  }

  /** Swaps in a new version of a stored document; `_id` must not change. */
  replace(rec: StoredRecord, doc: Doc): void {
    const newKeys = this.checkIndexes(doc, rec.rid);
    this.snapshotGuard?.beforeChange(rec);
    let i = 0;
    for (const index of this.indexes.values()) {
      index.remove(rec, index.keysFor(rec.doc));
      index.add(rec, newKeys[i++] ?? []);
    }
    rec.doc = doc;
  }

  remove(rec: StoredRecord): void {
    this.snapshotGuard?.beforeChange(rec);
    const doc = rec.doc;
    for (const index of this.indexes.values()) index.remove(rec, index.keysFor(doc));
    this.byId.delete(idKeyOf(doc._id));
  }

  /**
   * Builds an index over the existing documents; fails (and builds nothing) on duplicates.
   * `recordedOrder` is a snapshot's record of the index order (see SecondaryIndex.build); returns
   * whether it could be used.
   */
  createIndex(spec: IndexSpec, recordedOrder?: Uint32Array): boolean {
    const index = new SecondaryIndex(spec);
    let usedOrder: boolean;
    try {
      usedOrder = index.build(this.byId.values(), recordedOrder);
    } catch (error) {
      throw this.translateDuplicate(error);
    }
    this.indexes.set(spec.name, index);
    return usedOrder;
  }

  /**
   * Adds documents known to be valid (a snapshot) without per-document index work; the
   * snapshot's index records then build each index in one pass.
   */
  loadTrusted(buffer: Buffer, offset: number): void {
    const rec = StoredRecord.encoded(this.nextRid++, buffer, offset);
    this.byId.set(rec.rawIdHex() ?? idKeyOf(rec.fields(ID_FIELD)._id), rec);
  }

  dropIndex(name: string): boolean {
    return this.indexes.delete(name);
  }

  /** Key tuples for every index (in index order), after checking no unique index would be violated. */
  private checkIndexes(doc: Doc, rid: number): unknown[][][] {
    const keys: unknown[][][] = [];
    for (const index of this.indexes.values()) {
      const indexKeys = index.keysFor(doc);
      try {
        index.checkUnique(indexKeys, rid);
      } catch (error) {
        throw this.translateDuplicate(error);
      }
      keys.push(indexKeys);
    }
    return keys;
  }

  private translateDuplicate(error: unknown): unknown {
    if (!(error instanceof DuplicateKeyError)) return error;
    const { index, values } = error;
    const keyValue: Doc = {};
    index.fields.forEach((field, i) => {
      // MongoDB reports the key of an empty array as `undefined`.
      keyValue[field] = values[i] === EMPTY_ARRAY_KEY ? undefined : (values[i] ?? null);
    });
    return duplicateKeyError(this.namespace, index.name, index.spec.key, keyValue);
  }

  private duplicateIdError(id: unknown): MongoCommandError {
    return duplicateKeyError(this.namespace, ID_INDEX_NAME, { _id: 1 }, { _id: id });
  }
}

export function duplicateKeyError(namespace: string, indexName: string, keyPattern: Doc, keyValue: Doc): MongoCommandError {
  const shown = Object.entries(keyValue)
    .map(([field, value]) => `${field}: ${formatKeyValue(value)}`)
    .join(', ');
  return new MongoCommandError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${namespace} index: ${indexName} dup key: { ${shown} }`,
    { keyPattern, keyValue },
  );
}
