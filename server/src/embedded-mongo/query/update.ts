/**
 * Applying MongoDB update documents: operator updates (through mingo's updater), replacement
 * documents, aggregation-pipeline updates, and building the document an upsert inserts.
 * Always works on a private copy: the stored version is swapped only once every check passed.
 */
import { deserialize, serialize } from 'bson';
import { update as mingoUpdate, updateOne as mingoUpdateOne } from 'mingo';
import { MongoCommandError } from '../errors.js';
import { forEachAndedCondition } from './and-conditions.js';
import { checkUpdateTargets } from './update-targets.js';
import { compareValues, getPathValue, idFirst, isPlainObject, parseSort, sortBy, type Doc } from './bson-order.js';

export type UpdateSpec = Doc | Doc[];

/** A deep copy with every BSON type kept (ObjectId, Date, Binary, Long…). */
export function cloneDocument(doc: Doc): Doc {
  return deserialize(serialize(doc));
}

export function isReplacement(update: UpdateSpec): update is Doc {
  return !Array.isArray(update) && Object.keys(update).every((key) => !key.startsWith('$'));
}

export interface ApplyOptions {
  arrayFilters?: Doc[];
  /** The query filter, which positional `$` updates resolve against. */
  filter: Doc;
  isInsert: boolean;
}

/** Returns the updated copy of `original`, or throws a MongoDB error. */
export function applyUpdate(original: Doc, update: UpdateSpec, { arrayFilters, filter, isInsert }: ApplyOptions): Doc {
  if (isReplacement(update)) return replaceDocument(original, update);
  const doc = cloneDocument(original);
  if (Array.isArray(update)) return applyPipeline(doc, update);
  const pushOrdering: PushOrdering[] = [];
  const modifier = prepareModifier(doc, update, isInsert, pushOrdering);
  checkUpdateTargets(doc, modifier);
  if (Object.keys(modifier).length > 0) {
    try {
      mingoUpdate(doc, modifier, arrayFilters, filter, { cloneMode: 'copy' });
    } catch (error) {
      if (error instanceof Error && error.message.includes('immutable field')) throw immutableId();
      if (error instanceof Error && error.message.includes('would create a conflict')) {
        throw new MongoCommandError('ConflictingUpdateOperators', error.message.replace(/^u/, 'U'));
      }
      throw error;
    }
  }
  applyPushOrdering(doc, pushOrdering);
  assertIdUnchanged(original, doc);
  return idFirst(doc);
}

function replaceDocument(original: Doc, replacement: Doc): Doc {
  if ('_id' in replacement && original._id !== undefined && compareValues(replacement._id, original._id) !== 0) {
    throw immutableId();
  }
  const { _id: _ignored, ...rest } = cloneDocument(replacement);
  return original._id === undefined ? rest : { _id: original._id, ...rest };
}

function applyPipeline(doc: Doc, pipeline: Doc[]): Doc {
  const docs = [doc];
  mingoUpdateOne(docs, {}, pipeline as Parameters<typeof mingoUpdateOne>[2]);
  return idFirst(docs[0] ?? doc);
}

/** Resolves `$setOnInsert`, and works around `$push` modifiers on a missing array. */
interface PushOrdering {
  path: string;
  sort?: unknown;
  slice?: number;
}

/**
 * `$push` `$sort`/`$slice` on a plain path are applied here after mingo's push: mingo sorts by
 * the first key of a sort document only and not in BSON order. Positional paths stay with mingo.
 */
function takePushOrdering(fields: Doc, out: PushOrdering[]): Doc {
  const rest: Doc = {};
  for (const [path, spec] of Object.entries(fields)) {
    if (path.includes('$') || !isPlainObject(spec) || !('$each' in spec) || !('$sort' in spec || '$slice' in spec)) {
      rest[path] = spec;
      continue;
    }
    const { $sort, $slice, ...push } = spec;
    rest[path] = push;
    out.push({ path, ...($sort !== undefined ? { sort: $sort } : {}), ...($slice !== undefined ? { slice: Number($slice) } : {}) });
  }
  return rest;
}

function applyPushOrdering(doc: Doc, orderings: PushOrdering[]): void {
  for (const { path, sort, slice } of orderings) {
    const array = getPathValue(doc, path);
    if (!Array.isArray(array)) continue;
    let ordered = array;
    if (isPlainObject(sort)) ordered = sortBy(array, (item) => (isPlainObject(item) ? item : {}), parseSort(sort));
    else if (sort !== undefined) {
      const direction = Number(sort) < 0 ? -1 : 1;
      ordered = [...array].sort((a, b) => compareValues(a, b) * direction);
    }
    if (slice !== undefined && Number.isInteger(slice)) ordered = slice < 0 ? ordered.slice(slice) : ordered.slice(0, slice);
    array.splice(0, array.length, ...ordered);
  }
}

function prepareModifier(doc: Doc, update: Doc, isInsert: boolean, pushOrdering: PushOrdering[]): Doc {
  const modifier: Doc = {};
  for (const [op, fields] of Object.entries(update)) {
    if (!op.startsWith('$')) throw new MongoCommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    if (!isPlainObject(fields)) throw new MongoCommandError('FailedToParse', `Modifiers operate on fields but we found type ${typeof fields} instead.`);
    if (op === '$setOnInsert') {
      if (isInsert) modifier.$set = { ...(modifier.$set as Doc | undefined), ...fields };
      continue;
    }
    if (op === '$push') {
      seedMissingArrays(doc, fields);
      modifier[op] = takePushOrdering(fields, pushOrdering);
      continue;
    }
    modifier[op] = op === '$set' && modifier.$set ? { ...(modifier.$set as Doc), ...fields } : fields;
  }
  return modifier;
}

/** mingo's `$push` with modifiers on a missing field misbehaves; start from an empty array instead. */
function seedMissingArrays(doc: Doc, fields: Doc): void {
  for (const [path, spec] of Object.entries(fields)) {
    if (path.includes('$') || !isPlainObject(spec) || !('$each' in spec)) continue;
    if (getPathValue(doc, path) === undefined) mingoUpdate(doc, { $set: { [path]: [] } }, undefined, undefined, { cloneMode: 'copy' });
  }
}

function assertIdUnchanged(before: Doc, after: Doc): void {
  if (before._id === undefined) return;
  if (compareValues(before._id, after._id) !== 0) throw immutableId();
}

function immutableId(): MongoCommandError {
  return new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
}


/**
 * The document an upsert starts from: the filter's equality conditions (including inside
 * `$and`), with dotted paths expanded into sub-documents.
 */
export function seedFromFilter(filter: Doc): Doc {
  const seed: Doc = {};
  forEachAndedCondition(filter, (field, condition) => {
    const value = equalityValue(condition);
    if (value.found) setPath(seed, field, value.value);
  });
  return seed;
}

function equalityValue(condition: unknown): { found: boolean; value?: unknown } {
  if (!isPlainObject(condition)) return condition instanceof RegExp ? { found: false } : { found: true, value: condition };
  const keys = Object.keys(condition);
  if (keys.every((key) => !key.startsWith('$'))) return { found: true, value: condition };
  if ('$eq' in condition) return { found: true, value: condition.$eq };
  if (Array.isArray(condition.$in) && condition.$in.length === 1) return { found: true, value: condition.$in[0] };
  return { found: false };
}

function setPath(target: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Doc;
  }
  node[parts[parts.length - 1] as string] = value;
}
