/**
 * The type checks MongoDB makes before an update operator touches a field. mingo's updater skips
 * an operator it cannot apply (`$inc` on a string, `$push` onto a number, `$set` of `a.b` where
 * `a` is a string) and reports success; MongoDB fails the statement, and the client must see that
 * rather than an acknowledged write that changed nothing.
 */
import { MongoCommandError } from '../errors.js';
import { isPlainObject, RANK, typeRank, type Doc } from './bson-order.js';

/** Operators whose target must be a number, and whose operand must be one too. */
const NUMERIC_OPERATORS: Record<string, string> = { $inc: 'increment', $mul: 'multiply' };
/** Operators whose target must be an array, each with MongoDB's error for a non-array target. */
const ARRAY_OPERATORS: Record<string, (path: string, value: unknown, doc: Doc) => MongoCommandError> = {
  $push: (path, value, doc) =>
    new MongoCommandError('BadValue', `The field '${path}' must be an array but is of type ${bsonTypeName(value)} in document {_id: ${describeId(doc)}}`),
  $addToSet: (path, value) =>
    new MongoCommandError('BadValue', `Cannot apply $addToSet to non-array field. Field named '${lastSegment(path)}' has non-array type ${bsonTypeName(value)}`),
  $pull: () => new MongoCommandError('BadValue', 'Cannot apply $pull to a non-array value'),
  $pullAll: () => new MongoCommandError('BadValue', 'Cannot apply $pull to a non-array value'),
  $pop: (path, value) => new MongoCommandError('TypeMismatch', `Path '${path}' contains an element of non-array type '${bsonTypeName(value)}'`),
};
/** Operators that may create the fields on their path (the path must then lead through documents). */
const CREATING_OPERATORS = new Set(['$set', '$inc', '$mul', '$push', '$addToSet', '$min', '$max', '$currentDate']);

type PathTarget = { kind: 'found'; value: unknown } | { kind: 'missing' } | { kind: 'blocked'; field: string; holder: string; value: unknown };

/** Follows a plain dotted path (no positional `$`) through documents and array indexes. */
function resolvePath(doc: Doc, path: string): PathTarget {
  const segments = path.split('.');
  let node: unknown = doc;
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i] as string;
    if (isPlainObject(node)) {
      if (!(segment in node)) return { kind: 'missing' };
      node = node[segment];
    } else if (Array.isArray(node) && /^\d+$/.test(segment)) {
      if (Number(segment) >= node.length) return { kind: 'missing' };
      node = node[Number(segment)];
    } else {
      return { kind: 'blocked', field: segment, holder: segments.slice(0, i).join('.'), value: node };
    }
  }
  return { kind: 'found', value: node };
}

/** Throws the error MongoDB gives when an operator of `modifier` cannot apply to `doc`. */
export function checkUpdateTargets(doc: Doc, modifier: Doc): void {
  for (const [operator, fields] of Object.entries(modifier)) {
    if (!isPlainObject(fields)) continue;
    for (const [path, operand] of Object.entries(fields)) {
      const verb = NUMERIC_OPERATORS[operator];
      if (verb && typeRank(operand) !== RANK.number) {
        throw new MongoCommandError('TypeMismatch', `Cannot ${verb} with non-numeric argument: {${path}: ${describe(operand)}}`);
      }
      // Positional paths are resolved against the query by mingo; only plain paths are checked here.
      if (path.includes('$')) continue;
      const target = resolvePath(doc, path);
      if (target.kind === 'blocked') {
        if (!CREATING_OPERATORS.has(operator)) continue;
        throw new MongoCommandError('PathNotViable', `Cannot create field '${target.field}' in element {${target.holder}: ${describe(target.value)}}`);
      }
      if (target.kind !== 'found') continue;
      if (verb && typeRank(target.value) !== RANK.number) {
        throw new MongoCommandError(
          'TypeMismatch',
          `Cannot apply ${operator} to a value of non-numeric type. {_id: ${describeId(doc)}} has the field '${lastSegment(path)}' of non-numeric type ${bsonTypeName(target.value)}`,
        );
      }
      const arrayError = ARRAY_OPERATORS[operator];
      if (arrayError && !Array.isArray(target.value)) throw arrayError(path, target.value, doc);
    }
  }
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

function describeId(doc: Doc): string {
  return describe(doc._id);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[ ${value.map(describe).join(', ')} ]`;
  if (isPlainObject(value)) return `{ ${Object.entries(value).map(([key, item]) => `${key}: ${describe(item)}`).join(', ')} }`;
  return String(value);
}

/** MongoDB's name for a value's BSON type, as its error messages print it. */
function bsonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (isPlainObject(value)) return 'object';
  const tag = (value as { _bsontype?: string })._bsontype;
  return tag === 'ObjectId' ? 'objectId' : tag ? tag.toLowerCase() : 'object';
}
