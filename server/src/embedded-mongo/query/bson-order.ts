/**
 * MongoDB's comparison order across BSON types (MinKey < null < numbers < strings < objects <
 * arrays < binary < ObjectId < booleans < dates < timestamps < regexes < MaxKey), used by index
 * keys and by `sort`. Values are the JS shapes `bson.deserialize` produces.
 */
export type Doc = Record<string, unknown>;

interface BsonTagged {
  _bsontype: string;
}

function bsonType(value: object): string | undefined {
  return (value as Partial<BsonTagged>)._bsontype;
}

/**
 * The index key of an empty array. MongoDB indexes `[]` as `undefined`, which is not `null`
 * (a missing field): two empty arrays collide in a unique index, an empty array and a missing
 * field do not, and `{ field: null }` does not select empty arrays.
 */
export const EMPTY_ARRAY_KEY = Object.freeze({ emptyArrayKey: true });

/** A bound that sorts before (`side` -1) or after (`side` 1) every value of one type rank. */
export class TypeBound {
  constructor(
    readonly rank: number,
    readonly side: -1 | 1,
  ) {}
}

export const RANK = {
  minKey: 0,
  null: 1,
  number: 2,
  string: 3,
  object: 4,
  array: 5,
  binary: 6,
  objectId: 7,
  boolean: 8,
  date: 9,
  timestamp: 10,
  regex: 11,
  maxKey: 12,
} as const;

export function typeRank(value: unknown): number {
  if (value === null || value === undefined || value === EMPTY_ARRAY_KEY) return RANK.null;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return RANK.number;
    case 'string':
      return RANK.string;
    case 'boolean':
      return RANK.boolean;
    case 'object':
      break;
    default:
      return RANK.object;
  }
  if (Array.isArray(value)) return RANK.array;
  if (value instanceof Date) return RANK.date;
  if (value instanceof RegExp) return RANK.regex;
  if (value instanceof Uint8Array) return RANK.binary;
  if (value instanceof TypeBound) return value.rank;
  switch (bsonType(value)) {
    case 'ObjectId':
      return RANK.objectId;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return RANK.number;
    case 'BSONSymbol':
      return RANK.string;
    case 'Binary':
      return RANK.binary;
    case 'Timestamp':
      return RANK.timestamp;
    case 'BSONRegExp':
      return RANK.regex;
    case 'MinKey':
      return RANK.minKey;
    case 'MaxKey':
      return RANK.maxKey;
    default:
      return RANK.object;
  }
}

/** True for documents (not arrays, dates, ObjectIds or other BSON value classes). */
export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (value instanceof Date || value instanceof RegExp || value instanceof Uint8Array) return false;
  return bsonType(value) === undefined;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const tagged = value as { toNumber?: () => number; valueOf: () => unknown; toString: () => string };
  if (typeof tagged.toNumber === 'function') return tagged.toNumber();
  return Number(tagged.toString());
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const binary = value as { buffer?: Uint8Array; id?: Uint8Array };
  return binary.buffer ?? binary.id ?? new Uint8Array();
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i += 1) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareObjects(a: Doc, b: Doc): number {
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  const shared = Math.min(aKeys.length, bKeys.length);
  for (let i = 0; i < shared; i += 1) {
    const aKey = aKeys[i] as string;
    const bKey = bKeys[i] as string;
    const rank = typeRank(a[aKey]) - typeRank(b[bKey]);
    if (rank !== 0) return rank;
    const name = compareStrings(aKey, bKey);
    if (name !== 0) return name;
    const value = compareValues(a[aKey], b[bKey]);
    if (value !== 0) return value;
  }
  return aKeys.length - bKeys.length;
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i += 1) {
    const diff = compareValues(a[i], b[i]);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/** Total order over BSON values, as MongoDB sorts and indexes them (simple collation). */
export function compareValues(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA - rankB;
  if (a instanceof TypeBound || b instanceof TypeBound) {
    const sideA = a instanceof TypeBound ? a.side : 0;
    const sideB = b instanceof TypeBound ? b.side : 0;
    return sideA - sideB;
  }
  switch (rankA) {
    case RANK.null:
      // The empty-array key sorts just before null and equals only itself.
      return Number(b === EMPTY_ARRAY_KEY) - Number(a === EMPTY_ARRAY_KEY);
    case RANK.minKey:
    case RANK.maxKey:
      return 0;
    case RANK.number: {
      const x = toNumber(a);
      const y = toNumber(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case RANK.string:
      return compareStrings(String(a), String(b));
    case RANK.object:
      return compareObjects(a as Doc, b as Doc);
    case RANK.array:
      return compareArrays(a as unknown[], b as unknown[]);
    case RANK.binary:
      return compareBytes(bytesOf(a), bytesOf(b));
    case RANK.objectId:
      return compareStrings(String(a), String(b));
    case RANK.boolean:
      return Number(a) - Number(b);
    case RANK.date:
      return (a as Date).getTime() - (b as Date).getTime();
    case RANK.timestamp: {
      const x = a as { high: number; low: number };
      const y = b as { high: number; low: number };
      return x.high - y.high || x.low - y.low;
    }
    case RANK.regex:
      return compareStrings(String(a), String(b));
    default:
      return 0;
  }
}

/**
 * Every value a dotted path reaches in a document, descending into arrays the way MongoDB's
 * index keys and sort keys do. A missing field yields `undefined`; an array at the end of the
 * path yields its elements (an empty array yields `undefined`).
 */
export function getPathValues(doc: unknown, path: string, emptyArray: unknown = undefined): unknown[] {
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out, emptyArray);
  return out;
}

function collect(value: unknown, parts: string[], i: number, out: unknown[], emptyArray: unknown = undefined): void {
  if (i === parts.length) {
    if (!Array.isArray(value)) out.push(value);
    else if (value.length === 0) out.push(emptyArray);
    else out.push(...value);
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    const before = out.length;
    if (/^\d+$/.test(part)) collect(value[Number(part)], parts, i + 1, out, emptyArray);
    for (const element of value) {
      if (isPlainObject(element)) collect(element, parts, i, out, emptyArray);
    }
    if (out.length === before) out.push(undefined);
    return;
  }
  if (isPlainObject(value)) {
    collect(value[part], parts, i + 1, out, emptyArray);
    return;
  }
  out.push(undefined);
}

/** The document with `_id` as its first field, as MongoDB stores and returns it. */
export function idFirst(doc: Doc): Doc {
  if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** The value at a dotted path without array expansion (for `_id` and simple reads). */
export function getPathValue(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Doc)[part];
  }
  return current;
}

/**
 * The key a sort uses for one document: arrays sort by their smallest (asc) or largest (desc)
 * element, and an empty array sorts below null and missing fields (as in MongoDB, and as the
 * index keys already order it).
 */
export function sortKeyOf(doc: Doc, path: string, direction: 1 | -1): unknown {
  const values = getPathValues(doc, path, EMPTY_ARRAY_KEY);
  let best = values[0];
  for (let i = 1; i < values.length; i += 1) {
    const diff = compareValues(values[i], best);
    if ((direction === 1 && diff < 0) || (direction === -1 && diff > 0)) best = values[i];
  }
  return best;
}

export type SortSpec = Array<[path: string, direction: 1 | -1]>;

export function parseSort(sort: unknown): SortSpec {
  if (!isPlainObject(sort)) return [];
  return Object.entries(sort).map(([path, dir]) => [path, Number(dir) < 0 ? -1 : 1]);
}

interface Keyed<T> {
  item: T;
  keys: unknown[];
  /** Arrival order: equal keys keep it, so the sort is stable. */
  order: number;
}

function keyedComparator<T>(spec: SortSpec): (a: Keyed<T>, b: Keyed<T>) => number {
  return (a, b) => {
    for (let i = 0; i < spec.length; i += 1) {
      const diff = compareValues(a.keys[i], b.keys[i]);
      if (diff !== 0) return diff * (spec[i]?.[1] ?? 1);
    }
    return a.order - b.order;
  };
}

/**
 * Items in sort order with MongoDB's semantics; stable for equal keys. With `limit`, only the
 * first `limit` are kept, using a bounded heap instead of sorting everything (a "latest 20"
 * over a large collection without a suitable index).
 */
export function sortBy<T>(items: T[], docOf: (item: T) => Doc, spec: SortSpec, limit = 0): T[] {
  if (spec.length === 0) return limit > 0 ? items.slice(0, limit) : items;
  const compare = keyedComparator<T>(spec);
  const keyed = (item: T, order: number): Keyed<T> => ({ item, order, keys: spec.map(([path, dir]) => sortKeyOf(docOf(item), path, dir)) });
  if (limit <= 0 || limit * 4 >= items.length) {
    const all = items.map(keyed).sort(compare);
    return (limit > 0 ? all.slice(0, limit) : all).map((entry) => entry.item);
  }
  // Max-heap of the best `limit` so far: its root is the worst of them.
  const heap: Array<Keyed<T>> = [];
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && compare(heap[left] as Keyed<T>, heap[worst] as Keyed<T>) > 0) worst = left;
      if (right < heap.length && compare(heap[right] as Keyed<T>, heap[worst] as Keyed<T>) > 0) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst] as Keyed<T>, heap[i] as Keyed<T>];
      i = worst;
    }
  };
  items.forEach((item, order) => {
    const entry = keyed(item, order);
    if (heap.length < limit) {
      heap.push(entry);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (compare(heap[i] as Keyed<T>, heap[parent] as Keyed<T>) <= 0) break;
        [heap[i], heap[parent]] = [heap[parent] as Keyed<T>, heap[i] as Keyed<T>];
        i = parent;
      }
    } else if (compare(entry, heap[0] as Keyed<T>) < 0) {
      heap[0] = entry;
      siftDown(0);
    }
  });
  return heap.sort(compare).map((entry) => entry.item);
}

/** Sorts documents by a sort spec with MongoDB's semantics; stable for equal keys. */
export function sortDocuments<T extends Doc>(docs: T[], spec: SortSpec): T[] {
  return sortBy(docs, (doc) => doc, spec);
}
