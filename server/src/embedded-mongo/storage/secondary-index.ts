/**
 * One secondary index: a B+ tree of keys pointing at the stored record. Multikey: a document
 * with an array in an indexed field gets one entry per element, as in MongoDB.
 */
import btreeModule from 'sorted-btree';
import bulkLoadModule from 'sorted-btree/extended/bulkLoad.js';
import { Query } from 'mingo';
import { MaxKey, MinKey } from 'bson';
import { compareValues, EMPTY_ARRAY_KEY, getPathValues, isPlainObject, type Doc } from '../query/bson-order.js';
import { StoredRecord } from './stored-record.js';

// sorted-btree is CommonJS with `exports.default`: node hands us the module object, bundlers
// (vitest) the class itself.
const BTree = ((btreeModule as { default?: unknown }).default ?? btreeModule) as typeof btreeModule.default;
type BTreeOf<K, V> = btreeModule.default<K, V>;
const { bulkLoad } = bulkLoadModule;
const NODE_SIZE = 64;
/** Indexes with more keys than this get their hash filled in the background. */
const BACKGROUND_HASH_KEYS = 100_000;
const HASH_SLICE_KEYS = 50_000;

export { StoredRecord };

export interface IndexSpec {
  v?: number;
  key: Record<string, number | string>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

/**
 * An entry's key: the indexed values, then the record id (which keeps equal values of different
 * documents apart, and orders them). One array per entry: at millions of entries a wrapper
 * object per key would cost about as much memory again, and as much garbage-collector time.
 */
export type IndexKey = unknown[];

/** The key of `values` for one record; ±Infinity as the id makes a bound before/after every record. */
export function indexKey(values: readonly unknown[], rid: number): IndexKey {
  // Sized exactly: pushing onto a one-element array would reserve room for 17.
  if (values.length === 1) return [values[0], rid];
  const key: IndexKey = new Array(values.length + 1);
  for (let i = 0; i < values.length; i += 1) key[i] = values[i];
  key[values.length] = rid;
  return key;
}

/** Keys in index order and the record of each (the tree is bulk-loaded from the two). */
interface LaidOutKeys {
  keys: IndexKey[];
  recs: StoredRecord[];
}

/** Keys a JS Map can hold with MongoDB's equality (primitive values of one BSON type each). */
function isHashable(value: unknown): boolean {
  const type = typeof value;
  return type === 'string' || type === 'boolean' || value === null || (type === 'number' && !Number.isNaN(value));
}

export const MIN_KEY = new MinKey();
export const MAX_KEY = new MaxKey();

export class DuplicateKeyError extends Error {
  constructor(
    readonly index: SecondaryIndex,
    readonly values: unknown[],
  ) {
    super('duplicate key');
  }
}

export class SecondaryIndex {
  readonly fields: string[];
  readonly directions: Array<1 | -1>;
  tree: BTreeOf<IndexKey, StoredRecord>;
  /** The common shape: one top-level ascending field; gets a cheaper key path. */
  private readonly simpleField: string | undefined;
  /** Top-level fields the keys come from (what a still-encoded document must reveal). */
  readonly topLevelFields: string[];
  /**
   * Unique single-field indexes also keep a hash of their primitive keys: an equality lookup
   * (a phone among a million contacts) is then one probe instead of a tree descent.
   */
  private readonly hash: Map<unknown, StoredRecord> | undefined;
  /** Keys the hash cannot hold (ObjectIds, dates, big numbers…): lookups of a miss then ask the tree. */
  private unhashedKeys = 0;
  /**
   * While a large index's hash is filled in the background (after a restart), lookups use the
   * tree, and values written meanwhile are remembered so stale captured entries are skipped.
   */
  private hashBuild: { dirty: Set<unknown> } | undefined;
  /** Set once any document put an array into an indexed field; changes what the planner may do. */
  isMultikey = false;
  private readonly partial: Query | undefined;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.directions = Object.values(spec.key).map((dir) => (Number(dir) < 0 ? -1 : 1));
    this.partial = isPlainObject(spec.partialFilterExpression) ? new Query(spec.partialFilterExpression, {}) : undefined;
    this.tree = new BTree<IndexKey, StoredRecord>(undefined, (a, b) => this.compareKeys(a, b), NODE_SIZE);
    this.topLevelFields = [...new Set(this.fields.map((field) => field.split('.')[0] as string))];
    const [only] = this.fields;
    this.simpleField = this.fields.length === 1 && !only?.includes('.') && !this.partial && !spec.sparse ? only : undefined;
    this.hash = this.isUnique && this.simpleField !== undefined ? new Map() : undefined;
  }

  get hasHash(): boolean {
    return this.hash !== undefined;
  }

  /** True while the hash is still being filled in the background (lookups use the tree). */
  get isFillingHash(): boolean {
    return this.hashBuild !== undefined;
  }

  private hashAdd(values: unknown[], rec: StoredRecord): void {
    if (!this.hash) return;
    const [value] = values;
    this.hashBuild?.dirty.add(value);
    if (isHashable(value)) this.hash.set(value, rec);
    else this.unhashedKeys += 1;
  }

  private hashRemove(values: unknown[], rec: StoredRecord): void {
    if (!this.hash) return;
    const [value] = values;
    this.hashBuild?.dirty.add(value);
    if (!isHashable(value)) this.unhashedKeys -= 1;
    else if (this.hash.get(value) === rec) this.hash.delete(value);
  }

  /**
   * Fills the hash from the keys captured at build time, a slice per event-loop turn, so a
   * restart does not wait for it. A value written since the capture is already right in the
   * hash (unique index: one record per value), so the captured entry for it is skipped.
   */
  private fillHash({ keys, recs }: LaidOutKeys): void {
    const hash = this.hash as Map<unknown, StoredRecord>;
    if (keys.length < BACKGROUND_HASH_KEYS) {
      keys.forEach((key, i) => this.hashAdd(key, recs[i] as StoredRecord));
      return;
    }
    const build = { dirty: new Set<unknown>() };
    this.hashBuild = build;
    let next = 0;
    const step = () => {
      if (this.hashBuild !== build) return;
      const end = Math.min(keys.length, next + HASH_SLICE_KEYS);
      for (; next < end; next += 1) {
        const [value] = keys[next] as IndexKey;
        const rec = recs[next] as StoredRecord;
        if (!isHashable(value)) this.unhashedKeys += 1;
        else if (!build.dirty.has(value)) hash.set(value, rec);
      }
      if (next < keys.length) setImmediate(step);
      else this.hashBuild = undefined;
    };
    setImmediate(step);
  }

  /**
   * Fills the (empty) index from every record at once and bulk-loads the tree: much cheaper than
   * one insertion per key. `recordedOrder` (from a snapshot: for each key in index order, the
   * position of its record in `records`) spares the sort; it is checked as the keys are laid out,
   * and an order that does not fit the records is ignored. Returns whether it was used.
   */
  build(records: Iterable<StoredRecord>, recordedOrder?: Uint32Array): boolean {
    const all = [...records];
    const inOrder = recordedOrder ? this.keysInRecordedOrder(all, recordedOrder) : undefined;
    const laidOut = inOrder ?? this.sortedKeys(all);
    const { keys, recs } = laidOut;
    this.hash?.clear();
    this.unhashedKeys = 0;
    this.hashBuild = undefined;
    if (this.isUnique) {
      for (let i = 1; i < keys.length; i += 1) {
        const current = keys[i] as IndexKey;
        if (recs[i] !== recs[i - 1] && this.sameValues(current, keys[i - 1] as IndexKey)) {
          throw new DuplicateKeyError(this, current.slice(0, this.fields.length));
        }
      }
    }
    if (this.hash) this.fillHash(laidOut);
    this.tree = bulkLoad<IndexKey, StoredRecord>(keys, recs, NODE_SIZE, (a, b) => this.compareKeys(a, b));
    return inOrder !== undefined;
  }

  /** A record's keys, each with the record id. */
  private keysOf(rec: StoredRecord): IndexKey[] {
    return this.keysFor(this.partial ? rec.peek() : rec.fields(this.topLevelFields), rec.rid);
  }

  private sortedKeys(records: StoredRecord[]): LaidOutKeys {
    const keys: IndexKey[] = [];
    // A loop, not push(...keys): a document with a huge array would overflow the argument list.
    for (const rec of records) for (const key of this.keysOf(rec)) keys.push(key);
    keys.sort((a, b) => this.compareKeys(a, b));
    const byRid = new Map(records.map((rec) => [rec.rid, rec]));
    return { keys, recs: keys.map((key) => byRid.get(this.ridOf(key)) as StoredRecord) };
  }

  /**
   * The keys laid out in a recorded order, or undefined when it does not fit. Record ids grow
   * with a record's position, so equal values keep their recorded order; a record's own keys
   * (several when multikey) appear in the order of their values.
   */
  private keysInRecordedOrder(records: StoredRecord[], order: Uint32Array): LaidOutKeys | undefined {
    const perRecord: unknown[][][] = new Array(records.length);
    let total = 0;
    for (let i = 0; i < records.length; i += 1) {
      const tuples = this.keysOf(records[i] as StoredRecord);
      if (tuples.length > 1) tuples.sort((a, b) => this.compareTuples(a, b));
      perRecord[i] = tuples;
      total += tuples.length;
    }
    if (total !== order.length) return undefined;
    const taken = new Uint32Array(records.length);
    const keys: IndexKey[] = new Array(total);
    const recs: StoredRecord[] = new Array(total);
    for (let k = 0; k < total; k += 1) {
      const position = order[k] as number;
      const rec = records[position];
      const key = perRecord[position]?.[taken[position] as number];
      if (!rec || !key) return undefined;
      taken[position] = (taken[position] as number) + 1;
      if (k > 0 && this.compareKeys(keys[k - 1] as IndexKey, key) >= 0) return undefined;
      keys[k] = key;
      recs[k] = rec;
    }
    return { keys, recs };
  }

  get name(): string {
    return this.spec.name;
  }

  get isUnique(): boolean {
    return this.spec.unique === true;
  }

  compareKeys(a: IndexKey, b: IndexKey): number {
    return this.compareTuples(a, b) || this.ridOf(a) - this.ridOf(b);
  }

  ridOf(key: IndexKey): number {
    return key[this.fields.length] as number;
  }

  /** Index order of two keys' values, ignoring which record they belong to. */
  compareTuples(a: unknown[], b: unknown[]): number {
    if (this.simpleField !== undefined) {
      // Fast path for the usual single-field index of strings or numbers.
      const x = a[0];
      const y = b[0];
      if ((typeof x === 'string' && typeof y === 'string') || (typeof x === 'number' && typeof y === 'number')) {
        return x < y ? -1 : x > y ? 1 : 0;
      }
    }
    for (let i = 0; i < this.fields.length; i += 1) {
      const diff = compareValues(a[i], b[i]);
      if (diff !== 0) return diff * (this.directions[i] ?? 1);
    }
    return 0;
  }

  /**
   * The value tuples a document contributes (none when sparse/partial exclude it); given the
   * record id, whole keys instead (values then the id).
   */
  keysFor(doc: Doc, rid?: number): unknown[][] {
    if (this.simpleField !== undefined) {
      const value = doc[this.simpleField];
      const single = !Array.isArray(value) ? value : value.length === 1 ? value[0] : undefined;
      if (single !== undefined || !Array.isArray(value)) return [rid === undefined ? [single ?? null] : [single ?? null, rid]];
      // An array of strings or plain numbers (phones, tags, search words): strict equality finds
      // the distinct values exactly, where the general path compares every pair by BSON order.
      if (value.length > 1 && value.every(isHashable)) {
        const distinct = distinctScalars(value);
        if (distinct.length > 1) this.isMultikey = true;
        return distinct.map((element) => (rid === undefined ? [element] : [element, rid]));
      }
    }
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map((field) => getPathValues(doc, field, EMPTY_ARRAY_KEY));
    if (this.spec.sparse && perField.every((values) => values.every((value) => value === undefined))) return [];
    let tuples: unknown[][] = [[]];
    for (const values of perField) {
      const distinct = dedupe(values.map((value) => (value === undefined ? null : value)));
      if (distinct.length > 1) this.isMultikey = true;
      tuples = tuples.flatMap((tuple) => distinct.map((value) => [...tuple, value]));
    }
    return rid === undefined ? tuples : tuples.map((tuple) => indexKey(tuple, rid));
  }

  /** Throws DuplicateKeyError when a unique index already holds one of `keys` for another record. */
  checkUnique(keys: unknown[][], rid: number): void {
    if (!this.isUnique) return;
    for (const values of keys) {
      const holder = this.findEqual(values);
      if (holder !== undefined && holder.rid !== rid) throw new DuplicateKeyError(this, values);
    }
  }

  add(rec: StoredRecord, keys: unknown[][]): void {
    for (const values of keys) {
      this.tree.set(indexKey(values, rec.rid), rec);
      this.hashAdd(values, rec);
    }
  }

  remove(rec: StoredRecord, keys: unknown[][]): void {
    for (const values of keys) {
      this.tree.delete(indexKey(values, rec.rid));
      this.hashRemove(values, rec);
    }
  }

  /** The first record whose key equals `values` exactly (any record id). */
  findEqual(values: unknown[]): StoredRecord | undefined {
    if (this.hash && !this.hashBuild && isHashable(values[0])) {
      const found = this.hash.get(values[0]);
      if (found || this.unhashedKeys === 0) return found;
    }
    const pair = this.tree.getPairOrNextHigher(indexKey(values, -Infinity));
    if (!pair) return undefined;
    const [key, rec] = pair;
    return this.sameValues(key, values) ? rec : undefined;
  }

  /** Whether two keys (or value tuples) hold equal values in every indexed field. */
  sameValues(a: unknown[], b: unknown[]): boolean {
    for (let i = 0; i < this.fields.length; i += 1) if (compareValues(a[i], b[i]) !== 0) return false;
    return true;
  }

  get size(): number {
    return this.tree.size;
  }
}

/** Distinct strings/numbers/booleans/null in first-seen order; short arrays need no Set. */
function distinctScalars(values: unknown[]): unknown[] {
  if (values.length > 32) return [...new Set(values)];
  const out: unknown[] = [];
  for (const value of values) if (!out.includes(value)) out.push(value);
  return out;
}

function dedupe(values: unknown[]): unknown[] {
  if (values.length < 2) return values;
  const out: unknown[] = [];
  for (const value of values) {
    if (!out.some((seen) => compareValues(seen, value) === 0)) out.push(value);
  }
  return out;
}
