/** Walking the conditions a filter requires all at once. */
import { isPlainObject, type Doc } from './bson-order.js';

/**
 * Calls `visit` with every `field: condition` pair the filter ANDs together: its top-level
 * fields and, recursively, the members of `$and`. Other operators (`$or`, `$nor`, `$expr`…)
 * are skipped: nothing they hold is required of every matching document.
 */
export function forEachAndedCondition(filter: Doc, visit: (field: string, condition: unknown) => void): void {
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const clause of condition) if (isPlainObject(clause)) forEachAndedCondition(clause, visit);
      continue;
    }
    if (!field.startsWith('$')) visit(field, condition);
  }
}
