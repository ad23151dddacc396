/**
 * Projections. Plain top-level inclusion or exclusion (what mongoose's `select` sends) is done
 * directly; anything else (dotted paths, `$slice`, `$elemMatch`, expressions) goes to mingo,
 * compiled once per cursor rather than once per document.
 */
import { Query } from 'mingo';
import { isPlainObject, type Doc } from './bson-order.js';

export type Projector = (doc: Doc) => Doc;

const identity: Projector = (doc) => doc;

function flag(value: unknown): boolean | undefined {
  if (value === 1 || value === true) return true;
  if (value === 0 || value === false) return false;
  return undefined;
}

function simpleProjector(projection: Doc): Projector | undefined {
  const entries = Object.entries(projection);
  if (entries.some(([field]) => field.includes('.') || field.startsWith('$'))) return undefined;
  const flags = entries.map(([field, value]) => [field, flag(value)] as const);
  if (flags.some(([, include]) => include === undefined)) return undefined;
  const includeId = flags.find(([field]) => field === '_id')?.[1] ?? true;
  const others = flags.filter(([field]) => field !== '_id');
  const isInclusion = others.length > 0 ? others.every(([, include]) => include) : !includeId ? false : true;
  if (others.some(([, include]) => include !== isInclusion)) return undefined;
  if (isInclusion) {
    const fields = others.map(([field]) => field);
    return (doc) => {
      const out: Doc = {};
      if (includeId && '_id' in doc) out._id = doc._id;
      for (const field of fields) if (field in doc) out[field] = doc[field];
      return out;
    };
  }
  const excluded = new Set(others.map(([field]) => field));
  if (!includeId) excluded.add('_id');
  return (doc) => {
    const out: Doc = {};
    for (const field of Object.keys(doc)) if (!excluded.has(field)) out[field] = doc[field];
    return out;
  };
}

export function compileProjection(projection: unknown): Projector {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return identity;
  const simple = simpleProjector(projection);
  if (simple) return simple;
  const query = new Query({}, {});
  return (doc) => (query.find([doc], projection).all()[0] ?? {}) as Doc;
}
