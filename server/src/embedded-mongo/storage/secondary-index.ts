/**
 * One secondary index: a B+ tree of key tuples (plus the record id, so equal keys from different
 * documents stay distinct) pointing at the stored record. Multikey: a document with an array in
 * an indexed field gets one entry per element, as in MongoDB.
 */
import btreeModule from 'sorted-btree';
import { Query } from 'mingo';
import { MaxKey, MinKey } from 'bson';
import { compareValues, getPathValues, isPlainObject, type Doc } from '../query/bson-order.js';

// sorted-btree is CommonJS with `exports.default`: node hands us the module object, bundlers
// (vitest) the class itself.
const BTree = ((btreeModule as { default?: unknown }).default ?? btreeModule) as typeof btreeModule.default;
type BTreeOf<K, V> = btreeModule.default<K, V>;

export interface StoredRecord {
  /** Stable record id: tie-breaker inside index trees and the document's natural order. */
  readonly rid: number;
  /** The current version of the document. Never mutated in place: updates swap in a new object. */
  doc: Doc;
}

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

export interface IndexKey {
  values: unknown[];
  rid: number;
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
  readonly tree: BTreeOf<IndexKey, StoredRecord>;
  /** Set once any document put an array into an indexed field; changes what the planner may do. */
  isMultikey = false;
  private readonly partial: Query | undefined;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.directions = Object.values(spec.key).map((dir) => (Number(dir) < 0 ? -1 : 1));
    this.partial = isPlainObject(spec.partialFilterExpression) ? new Query(spec.partialFilterExpression, {}) : undefined;
    this.tree = new BTree<IndexKey, StoredRecord>(undefined, (a, b) => this.compareKeys(a, b), 64);
  }

  get name(): string {
    return this.spec.name;
  }

  get isUnique(): boolean {
    return this.spec.unique === true;
  }

  compareKeys(a: IndexKey, b: IndexKey): number {
    for (let i = 0; i < this.fields.length; i += 1) {
      const diff = compareValues(a.values[i], b.values[i]);
      if (diff !== 0) return diff * (this.directions[i] ?? 1);
    }
    return a.rid - b.rid;
  }

  /** The key tuples a document contributes (none when sparse/partial exclude it). */
  keysFor(doc: Doc): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return [];
    const perField = this.fields.map((field) => getPathValues(doc, field));
    if (this.spec.sparse && perField.every((values) => values.every((value) => value === undefined))) return [];
    let tuples: unknown[][] = [[]];
    for (const values of perField) {
      const distinct = dedupe(values.map((value) => (value === undefined ? null : value)));
      if (distinct.length > 1) this.isMultikey = true;
      tuples = tuples.flatMap((tuple) => distinct.map((value) => [...tuple, value]));
    }
    return tuples;
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
    for (const values of keys) this.tree.set({ values, rid: rec.rid }, rec);
  }

  remove(rec: StoredRecord, keys: unknown[][]): void {
    for (const values of keys) this.tree.delete({ values, rid: rec.rid });
  }

  /** The first record whose key equals `values` exactly (any record id). */
  findEqual(values: unknown[]): StoredRecord | undefined {
    const pair = this.tree.getPairOrNextHigher({ values, rid: -Infinity });
    if (!pair) return undefined;
    const [key, rec] = pair;
    return this.sameValues(key.values, values) ? rec : undefined;
  }

  private sameValues(a: unknown[], b: unknown[]): boolean {
    return a.every((value, i) => compareValues(value, b[i]) === 0);
  }

  get size(): number {
    return this.tree.size;
  }
}

function dedupe(values: unknown[]): unknown[] {
  if (values.length < 2) return values;
  const out: unknown[] = [];
  for (const value of values) {
    if (!out.some((seen) => compareValues(seen, value) === 0)) out.push(value);
  }
  return out;
}
