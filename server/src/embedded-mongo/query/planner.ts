/**
 * Chooses how to find the documents a filter selects: by `_id`, through a secondary index
 * (equality, `$in`, range, and sort on indexed fields), or by scanning the collection.
 * The chosen path returns a superset; the full filter is still applied to every candidate,
 * so the planner only has to be conservative, never exact.
 */
import type { Collection } from '../storage/collection.js';
import { indexKey, MAX_KEY, MIN_KEY, type IndexKey, type SecondaryIndex, type StoredRecord } from '../storage/secondary-index.js';
import { forEachAndedCondition } from './and-conditions.js';
import { compareValues, isPlainObject, typeRank, TypeBound, type Doc, type SortSpec } from './bson-order.js';

interface Bound {
  value: unknown;
  inclusive: boolean;
}

/** What the filter says about one top-level field that an index can serve. */
export interface FieldPredicate {
  points?: unknown[];
  low?: Bound;
  high?: Bound;
  /**
   * Both bounds come from one `$elemMatch`, so one array element meets both: on a multikey index
   * the scan may then stop at the upper bound too (a prefix search over array words).
   */
  sameElement?: boolean;
  /**
   * Several `$elemMatch` ranges on one array field ("ivan pe" typed in a search): each alone
   * bounds a correct scan, so the planner walks the one with the fewest index entries.
   */
  choices?: FieldPredicate[];
}

/**
 * How far the planner counts a range's entries when choosing between element ranges. The ranges
 * are counted side by side, so the cost is this many steps per range at most, and only as many
 * as the smallest range has when one ends first.
 */
const CHOICE_COUNT_LIMIT = 20_000;

export type Plan =
  | { kind: 'id'; ids: unknown[] }
  | { kind: 'index'; index: SecondaryIndex; scans: IndexScan[]; providesSort: boolean; reverse: boolean }
  | { kind: 'or'; plans: Plan[] }
  /** Records every sub-plan reaches (an index intersection: two broad words, few cards with both). */
  | { kind: 'and'; plans: Plan[] }
  | { kind: 'collection' };

export interface IndexScan {
  start: IndexKey;
  end: IndexKey;
  /** Set when the scan is one exact key of a hashed (unique single-field) index. */
  point?: unknown[];
  /** Bounds of the range field, re-checked for exclusive ends. */
  rangeField?: number;
  low?: Bound;
  high?: Bound;
}

const MAX_POINT_COMBINATIONS = 500;

/** Pulls index-usable predicates out of a filter (top-level fields and `$and` members). */
export function extractPredicates(filter: Doc): Map<string, FieldPredicate> {
  const predicates = new Map<string, FieldPredicate>();
  forEachAndedCondition(filter, (field, condition) => {
    const predicate = predicateFor(condition);
    if (predicate) predicates.set(field, mergePredicates(predicates.get(field), predicate));
  });
  return predicates;
}

function isIndexablePoint(value: unknown): boolean {
  if (Array.isArray(value) || value instanceof RegExp) return false;
  if (isPlainObject(value)) return Object.keys(value).every((key) => !key.startsWith('$'));
  return typeRank(value) !== typeRank(/x/);
}

const ELEMENT_COMPARISONS = new Set(['$eq', '$gt', '$gte', '$lt', '$lte']);

function predicateFor(condition: unknown): FieldPredicate | undefined {
  if (!isPlainObject(condition) || !Object.keys(condition).some((key) => key.startsWith('$'))) {
    return isIndexablePoint(condition) ? { points: [condition] } : undefined;
  }
  const elemMatch = condition.$elemMatch;
  if (Object.keys(condition).length === 1 && isPlainObject(elemMatch)) {
    // `{ $elemMatch: { $gte: a, $lt: b } }` on an array of scalars: one element within both bounds.
    const operators = Object.keys(elemMatch);
    if (operators.length === 0 || !operators.every((op) => ELEMENT_COMPARISONS.has(op))) return undefined;
    const predicate = predicateFor(elemMatch);
    return predicate && { ...predicate, sameElement: true };
  }
  const predicate: FieldPredicate = {};
  for (const [op, operand] of Object.entries(condition)) {
    if (op === '$eq' && isIndexablePoint(operand)) predicate.points = [operand];
    else if (op === '$in' && Array.isArray(operand) && operand.every(isIndexablePoint)) predicate.points = operand;
    else if ((op === '$gt' || op === '$gte') && isRangeOperand(operand)) predicate.low = { value: operand, inclusive: op === '$gte' };
    else if ((op === '$lt' || op === '$lte') && isRangeOperand(operand)) predicate.high = { value: operand, inclusive: op === '$lte' };
  }
  return predicate.points || predicate.low || predicate.high ? predicate : undefined;
}

function isRangeOperand(value: unknown): boolean {
  return value !== null && value !== undefined && !Array.isArray(value) && !isPlainObject(value) && !(value instanceof RegExp);
}

function mergePredicates(a: FieldPredicate | undefined, b: FieldPredicate): FieldPredicate {
  if (!a) return b;
  const choices = [...elementRangesOf(a), ...elementRangesOf(b)];
  const merged = mergeBounds(a, b);
  // Element ranges are remembered through merges with other conditions: any one of them is a correct scan.
  return choices.length > 0 ? { ...merged, choices } : merged;
}

function mergeBounds(a: FieldPredicate, b: FieldPredicate): FieldPredicate {
  const points = b.points ?? a.points;
  if (!b.low && !b.high) return { ...a, ...(points ? { points } : {}) };
  // Bounds from two different conditions may be met by two different elements of an array.
  const sameElement = b.sameElement === true && Boolean(b.low && b.high);
  return { ...(points ? { points } : {}), low: b.low ?? a.low, high: b.high ?? a.high, sameElement };
}

function elementRangesOf(predicate: FieldPredicate): FieldPredicate[] {
  if (predicate.choices) return predicate.choices;
  return predicate.sameElement === true && !predicate.points && predicate.low && predicate.high ? [predicate] : [];
}

interface Candidate {
  index: SecondaryIndex;
  score: number;
  eqFields: number;
  rangeField?: number;
  providesSort: boolean;
  reverse: boolean;
}

/**
 * Resolves element-range choices: the range with the fewest entries in an index on that field
 * replaces them. When even the fewest has more entries than the count goes, each broad range is
 * returned to be walked on its own and intersected (see the `and` plan).
 */
function chooseElementRanges(collection: Collection, predicates: Map<string, FieldPredicate>): Map<string, FieldPredicate[]> {
  const broad = new Map<string, FieldPredicate[]>();
  for (const [field, predicate] of predicates) {
    if (!predicate.choices) continue;
    if (predicate.points) {
      // An equality narrows best; the ranges are left to the filter.
      predicates.set(field, { points: predicate.points });
      continue;
    }
    if (predicate.choices.length === 1) {
      predicates.set(field, predicate.choices[0] as FieldPredicate);
      continue;
    }
    const index = [...collection.indexes.values()].find((candidate) => candidate.fields[0] === field && !candidate.spec.partialFilterExpression);
    const { choices: _choices, ...fallback } = predicate;
    if (!index) {
      predicates.set(field, fallback);
      continue;
    }
    const smallest = smallestRange(index, predicate.choices, CHOICE_COUNT_LIMIT);
    predicates.set(field, smallest ?? predicate.choices[0] ?? fallback);
    if (!smallest && predicate.choices.length > 1) broad.set(field, predicate.choices);
  }
  return broad;
}

/** Walks each broad element range through the index (whose leading field they are on) and keeps the records found by all. */
function intersectionPlan(candidate: Candidate, choices: FieldPredicate[]): Plan | undefined {
  const { index } = candidate;
  const plans: Plan[] = [];
  for (const choice of choices) {
    const scans = buildScans(candidate, new Map([[index.fields[0] as string, choice]]));
    if (!scans) return undefined;
    plans.push({ kind: 'index', index, scans, providesSort: false, reverse: false });
  }
  return { kind: 'and', plans };
}

/**
 * The range with the fewest entries of an index's leading field, found by walking all ranges one
 * step at a time until one ends; undefined when none ends within `limit` entries (all broad).
 */
function smallestRange(index: SecondaryIndex, ranges: FieldPredicate[], limit: number): FieldPredicate | undefined {
  const fill = (value: unknown, rid: number) => indexKey([value, ...index.fields.slice(1).map(() => (rid < 0 ? MIN_KEY : MAX_KEY))], rid);
  if (index.directions[0] !== 1) return undefined;
  const walks = ranges.flatMap((range) => {
    const bounds = rangeBounds(range, false);
    return bounds ? [{ range, end: fill(bounds.high.value, Infinity), entries: index.tree.entries(fill(bounds.low.value, -Infinity)) }] : [];
  });
  if (walks.length === 0) return undefined;
  for (let step = 0; step <= limit; step += 1) {
    for (const walk of walks) {
      const next = walk.entries.next();
      if (next.done || index.compareKeys(next.value[0], walk.end) > 0) return walk.range;
    }
  }
  return undefined;
}

/** Picks the plan for a filter and an optional sort. */
export function planQuery(collection: Collection, filter: Doc, sort: SortSpec = []): Plan {
  const predicates = extractPredicates(filter);
  const broad = chooseElementRanges(collection, predicates);
  const idPoints = predicates.get('_id')?.points;
  if (idPoints) return { kind: 'id', ids: idPoints };

  let best: Candidate | undefined;
  for (const index of collection.indexes.values()) {
    const candidate = scoreIndex(index, predicates, sort);
    if (candidate && (!best || candidate.score > best.score)) best = candidate;
  }
  if (!best) return planOr(collection, filter);
  const broadChoices = best.eqFields === 0 && best.rangeField === 0 ? broad.get(best.index.fields[0] as string) : undefined;
  if (broadChoices) {
    const intersection = intersectionPlan(best, broadChoices);
    if (intersection) return intersection;
  }
  const scans = buildScans(best, predicates);
  if (!scans) return planOr(collection, filter);
  return { kind: 'index', index: best.index, scans, providesSort: best.providesSort && scans.length <= 1, reverse: best.reverse };
}

/**
 * A top-level `$or` whose every branch can use an index (or `_id`) is served by the union of
 * the branches' candidates — e.g. a number that may be the caller or the called party.
 */
function planOr(collection: Collection, filter: Doc): Plan {
  const branches = filter.$or;
  if (!Array.isArray(branches) || branches.length === 0 || !branches.every(isPlainObject)) return { kind: 'collection' };
  const plans = branches.map((branch) => planQuery(collection, branch));
  return plans.every((plan) => plan.kind !== 'collection') ? { kind: 'or', plans } : { kind: 'collection' };
}

function scoreIndex(index: SecondaryIndex, predicates: Map<string, FieldPredicate>, sort: SortSpec): Candidate | undefined {
  // A partial index may lack documents the filter selects; proving the filter implies the
  // partial expression is not worth the risk here, so such indexes only enforce uniqueness.
  if (index.spec.partialFilterExpression) return undefined;
  let eqFields = 0;
  while (eqFields < index.fields.length) {
    const predicate = predicates.get(index.fields[eqFields] as string);
    if (!predicate?.points || (index.spec.sparse && predicate.points.some((p) => p === null))) break;
    eqFields += 1;
  }
  const next = eqFields < index.fields.length ? predicates.get(index.fields[eqFields] as string) : undefined;
  const hasRange = Boolean(next && !next.points && (next.low || next.high));
  const sortMatch = matchSort(index, sort, predicates);
  const usable = eqFields > 0 || hasRange || (sortMatch && !index.spec.sparse);
  if (!usable) return undefined;
  const score = eqFields * 4 + (hasRange ? 2 : 0) + (sortMatch ? 1 : 0) + (index.isUnique && eqFields === index.fields.length ? 3 : 0);
  return {
    index,
    score,
    eqFields,
    ...(hasRange ? { rangeField: eqFields } : {}),
    providesSort: Boolean(sortMatch),
    reverse: sortMatch ? sortMatch.reverse : false,
  };
}

/** Whether walking the index (forwards or backwards) yields documents in `sort` order. */
function matchSort(index: SecondaryIndex, sort: SortSpec, predicates: Map<string, FieldPredicate>): { reverse: boolean } | undefined {
  if (sort.length === 0 || index.isMultikey) return undefined;
  let reverse: boolean | undefined;
  let i = 0;
  for (const [path, direction] of sort) {
    while (i < index.fields.length && index.fields[i] !== path && predicates.get(index.fields[i] as string)?.points?.length === 1) i += 1;
    if (index.fields[i] !== path) return undefined;
    const flipped = index.directions[i] !== direction;
    if (reverse !== undefined && reverse !== flipped) return undefined;
    reverse = flipped;
    i += 1;
  }
  return { reverse: reverse ?? false };
}

function buildScans(candidate: Candidate, predicates: Map<string, FieldPredicate>): IndexScan[] | undefined {
  const { index, eqFields, rangeField } = candidate;
  let combos: unknown[][] = [[]];
  for (let i = 0; i < eqFields; i += 1) {
    const points = sortedDistinct(predicates.get(index.fields[i] as string)?.points ?? []);
    if (index.directions[i] === -1) points.reverse();
    combos = combos.flatMap((combo) => points.map((point) => [...combo, point]));
    if (combos.length > MAX_POINT_COMBINATIONS) return undefined;
  }
  const predicate = rangeField === undefined ? undefined : predicates.get(index.fields[rangeField] as string);
  const range = predicate && rangeBounds(predicate, index.isMultikey && !predicate.sameElement);
  return combos.map((combo) => {
    const startValues = [...combo];
    const endValues = [...combo];
    for (let i = combo.length; i < index.fields.length; i += 1) {
      const ascending = index.directions[i] === 1;
      if (i === rangeField && range) {
        startValues.push(ascending ? range.low.value : range.high.value);
        endValues.push(ascending ? range.high.value : range.low.value);
      } else {
        startValues.push(ascending ? MIN_KEY : MAX_KEY);
        endValues.push(ascending ? MAX_KEY : MIN_KEY);
      }
    }
    const isPoint = index.hasHash && combo.length === index.fields.length;
    return {
      start: indexKey(startValues, -Infinity),
      end: indexKey(endValues, Infinity),
      ...(isPoint ? { point: combo } : {}),
      ...(range ? { rangeField, low: range.low, high: range.high } : {}),
    };
  });
}

/**
 * Range bounds stay inside the operand's BSON type, as MongoDB's comparison operators do.
 * On a multikey index `{$gt: a, $lt: b}` may be met by two different elements, so only the
 * lower bound narrows the scan there (`boundsMayDiffer`), unless one `$elemMatch` holds both.
 */
function rangeBounds(predicate: FieldPredicate | undefined, boundsMayDiffer: boolean): { low: Bound; high: Bound } | undefined {
  if (!predicate) return undefined;
  const { low, high } = predicate;
  const rank = typeRank((low ?? high)?.value);
  const useHigh = high && !(boundsMayDiffer && low);
  return {
    low: low ?? { value: new TypeBound(rank, -1), inclusive: true },
    high: useHigh ? high : { value: new TypeBound(low ? typeRank(low.value) : rank, 1), inclusive: true },
  };
}

function sortedDistinct(values: unknown[]): unknown[] {
  const sorted = [...values].sort(compareValues);
  return sorted.filter((value, i) => i === 0 || compareValues(value, sorted[i - 1]) !== 0);
}

/** Records the plan reaches, each once, in index order when the plan walks an index. */
export function* candidates(collection: Collection, plan: Plan): Generator<StoredRecord> {
  if (plan.kind === 'id') {
    for (const id of sortedDistinct(plan.ids)) {
      const rec = collection.getById(id);
      if (rec) yield rec;
    }
    return;
  }
  if (plan.kind === 'collection') {
    yield* collection.byId.values();
    return;
  }
  if (plan.kind === 'and') {
    // Record ids reached by every plan but the last, then the last plan's records found in all.
    const [last, ...others] = [...plan.plans].reverse();
    const sets = others.map((other) => new Set<number>(Array.from(candidates(collection, other), (rec) => rec.rid)));
    for (const rec of candidates(collection, last as Plan)) {
      if (sets.every((set) => set.has(rec.rid))) yield rec;
    }
    return;
  }
  if (plan.kind === 'or') {
    const seen = new Set<number>();
    for (const branch of plan.plans) {
      for (const rec of candidates(collection, branch)) {
        if (seen.has(rec.rid)) continue;
        seen.add(rec.rid);
        yield rec;
      }
    }
    return;
  }
  const seen = plan.index.isMultikey || plan.scans.length > 1 ? new Set<number>() : undefined;
  for (const scan of plan.reverse ? [...plan.scans].reverse() : plan.scans) {
    for (const rec of walkScan(plan.index, scan, plan.reverse)) {
      if (seen) {
        if (seen.has(rec.rid)) continue;
        seen.add(rec.rid);
      }
      yield rec;
    }
  }
}

function* walkScan(index: SecondaryIndex, scan: IndexScan, reverse: boolean): Generator<StoredRecord> {
  if (scan.point) {
    const rec = index.findEqual(scan.point);
    if (rec) yield rec;
    return;
  }
  const entries = reverse ? index.tree.entriesReversed(scan.end) : index.tree.entries(scan.start);
  for (const [key, rec] of entries) {
    if (reverse ? index.compareKeys(key, scan.start) < 0 : index.compareKeys(key, scan.end) > 0) return;
    if (scan.rangeField !== undefined && !withinExclusiveBounds(key[scan.rangeField], scan)) continue;
    yield rec;
  }
}

function withinExclusiveBounds(value: unknown, scan: IndexScan): boolean {
  if (scan.low && !scan.low.inclusive && compareValues(value, scan.low.value) === 0) return false;
  if (scan.high && !scan.high.inclusive && compareValues(value, scan.high.value) === 0) return false;
  return true;
}
