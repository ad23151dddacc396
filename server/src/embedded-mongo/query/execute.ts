/**
 * Running a filter against a collection: plan, walk the candidates, apply the full filter,
 * sort when the plan could not, then skip/limit. Returns references to the stored documents
 * (never copies): they are immutable, and are only serialized when sent.
 */
import { Query } from 'mingo';
import type { Collection } from '../storage/collection.js';
import type { StoredRecord } from '../storage/secondary-index.js';
import { isPlainObject, parseSort, sortBy, type Doc } from './bson-order.js';
import { candidates, planQuery, type Plan } from './planner.js';
import { compileSimpleFilter } from './simple-filter.js';

export interface FindOptions {
  filter?: Doc;
  sort?: Doc;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
}

export function compileFilter(filter: Doc | undefined): (doc: Doc) => boolean {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  const simple = compileSimpleFilter(filter);
  if (simple) return simple;
  const query = new Query(filter, {});
  return (doc) => query.test(doc);
}

/** What running a query did, for `explain` with executionStats. */
export interface ExecutionStats {
  plan: Plan | undefined;
  /** Whether a sort had to be done in memory (the plan could not deliver the order). */
  sortedInMemory: boolean;
  docsExamined: number;
  nReturned: number;
}

/**
 * The top-level fields a filter reads, or undefined when it may read anything (`$expr`,
 * `$where`, `$text`…). Dotted paths count by their first part.
 */
export function fieldsTestedBy(filter: Doc): string[] | undefined {
  const fields = new Set<string>();
  const visit = (clause: Doc): boolean =>
    Object.entries(clause).every(([key, value]) => {
      if (key === '$and' || key === '$or' || key === '$nor') return Array.isArray(value) && value.every((branch) => isPlainObject(branch) && visit(branch));
      if (key === '$comment') return true;
      if (key.startsWith('$')) return false;
      fields.add(key.split('.')[0] as string);
      return true;
    });
  return visit(filter) ? [...fields] : undefined;
}

/** Matching records in result order, honouring skip and limit. */
export function findRecords(collection: Collection | undefined, options: FindOptions, stats?: ExecutionStats): StoredRecord[] {
  const { filter = {}, sort, skip = 0, limit = 0 } = options;
  if (!collection) return [];
  // `$natural` is insertion order (MongoDB: a collection scan, backwards for -1), not a field.
  const natural = isPlainObject(sort) && sort.$natural !== undefined ? (Number(sort.$natural) < 0 ? -1 : 1) : undefined;
  const spec = parseSort(sort).filter(([path]) => path !== '$natural');
  const plan: Plan = natural ? { kind: 'collection' } : planQuery(collection, filter, spec);
  const matches = compileFilter(filter);
  const isOrdered = spec.length === 0 || (plan.kind === 'index' && plan.providesSort);
  // In index order (or with no sort) the scan can stop as soon as the page is full.
  const stopAfter = isOrdered && limit > 0 ? skip + limit : Infinity;
  const found: StoredRecord[] = [];
  let examined = 0;
  const scanned = natural === -1 ? [...collection.byId.values()].reverse() : candidates(collection, plan);
  // A still-encoded document is tested on just the fields the filter names, not decoded whole.
  const tested = fieldsTestedBy(filter);
  for (const rec of scanned) {
    examined += 1;
    if (!matches(tested ? rec.fields(tested) : rec.peek())) continue;
    found.push(rec);
    if (found.length >= stopAfter) break;
  }
  const ordered = isOrdered ? found : sortBy(found, (rec) => rec.doc, spec, limit > 0 ? skip + limit : 0);
  const page = limit > 0 ? ordered.slice(skip, skip + limit) : skip > 0 ? ordered.slice(skip) : ordered;
  if (stats) Object.assign(stats, { plan, sortedInMemory: !isOrdered, docsExamined: examined, nReturned: page.length });
  return page;
}

/**
 * The matching documents. A still-encoded record stays encoded unless it is among the first
 * `keepDecodedUpTo` results: a lookup's few cards are read again soon, so keeping them decoded
 * pays; keeping every document of a large result (an export, a migration, an aggregation's input)
 * would multiply the memory the store takes.
 */
export function findDocuments(collection: Collection | undefined, options: FindOptions, { keepDecodedUpTo = KEEP_DECODED_RESULTS } = {}): Doc[] {
  const records = findRecords(collection, options);
  const keep = records.length <= keepDecodedUpTo;
  return records.map((rec) => (keep ? rec.doc : rec.peek()));
}

/** Results up to this many documents keep their records decoded. */
const KEEP_DECODED_RESULTS = 100;

/** The plan a query would use, for explain and the planner's tests. */
export function explainPlan(collection: Collection, filter: Doc, sort?: Doc): Plan {
  return planQuery(collection, filter, parseSort(sort));
}
