/**
 * A matcher for the filters the product sends most (equality, `$in`, `$ne` and ranges on plain
 * values, combined by implicit or explicit `$and`), evaluated directly. Building a mingo Query
 * costs far more than such a match, so anything else still goes to mingo.
 */
import { compareValues, getPathValues, isPlainObject, typeRank, type Doc } from './bson-order.js';

type Test = (doc: Doc) => boolean;

function isSimpleValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return !Number.isNaN(value);
    case 'object':
      return value instanceof Date || (value !== null && (value as { _bsontype?: string })._bsontype === 'ObjectId');
    default:
      return false;
  }
}

const equals = (a: unknown, b: unknown) => compareValues(a, b) === 0;

/** `$gt`-style tests only see values of the bound's own BSON type, as in MongoDB. */
function rangeTest(op: string, bound: unknown): ((value: unknown) => boolean) | undefined {
  const rank = typeRank(bound);
  const within = (value: unknown) => typeRank(value) === rank;
  switch (op) {
    case '$gt':
      return (value) => within(value) && compareValues(value, bound) > 0;
    case '$gte':
      return (value) => within(value) && compareValues(value, bound) >= 0;
    case '$lt':
      return (value) => within(value) && compareValues(value, bound) < 0;
    case '$lte':
      return (value) => within(value) && compareValues(value, bound) <= 0;
    default:
      return undefined;
  }
}

function fieldTest(path: string, condition: unknown): Test | undefined {
  if (isSimpleValue(condition)) return (doc) => getPathValues(doc, path).some((value) => equals(value, condition));
  if (!isPlainObject(condition)) return undefined;
  const entries = Object.entries(condition);
  if (entries.length === 0) return undefined;
  const tests: Array<(values: unknown[]) => boolean> = [];
  for (const [op, operand] of entries) {
    if (op === '$eq' && isSimpleValue(operand)) tests.push((values) => values.some((value) => equals(value, operand)));
    else if (op === '$ne' && isSimpleValue(operand)) tests.push((values) => !values.some((value) => equals(value, operand)));
    else if (op === '$in' && Array.isArray(operand) && operand.every(isSimpleValue)) {
      tests.push((values) => values.some((value) => operand.some((candidate) => equals(value, candidate))));
    } else {
      const range = isSimpleValue(operand) ? rangeTest(op, operand) : undefined;
      if (!range) return undefined;
      tests.push((values) => values.some(range));
    }
  }
  return (doc) => {
    const values = getPathValues(doc, path);
    return tests.every((test) => test(values));
  };
}

/** A direct matcher for a simple filter, or undefined when the filter needs the full language. */
export function compileSimpleFilter(filter: Doc): Test | undefined {
  const tests: Test[] = [];
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) {
        const test = isPlainObject(clause) ? compileSimpleFilter(clause) : undefined;
        if (!test) return undefined;
        tests.push(test);
      }
      continue;
    }
    if (field.startsWith('$')) return undefined;
    const test = fieldTest(field, condition);
    if (!test) return undefined;
    tests.push(test);
  }
  if (tests.length === 1) return tests[0];
  return (doc) => tests.every((test) => test(doc));
}
