/**
 * Projections. Plain top-level inclusion or exclusion (what mongoose's `select` sends) is done
 * directly; anything else (dotted paths, `$slice`, `$elemMatch`, expressions) goes to mingo,
 * compiled once per cursor rather than once per document.
 */
import { Query } from 'mingo';
import { MongoCommandError } from '../errors.js';
import { idFirst, isPlainObject, type Doc } from './bson-order.js';

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

/** Refuses a projection that mixes inclusion and exclusion (other than of `_id`), with MongoDB's codes. */
function checkNotMixed(projection: Doc): void {
  let isInclusion: boolean | undefined;
  for (const [field, value] of Object.entries(projection)) {
    const include = typeof value === 'number' ? value !== 0 : typeof value === 'boolean' ? value : undefined;
    if (field === '_id' || include === undefined) continue;
    isInclusion ??= include;
    if (include === isInclusion) continue;
    throw include
      ? new MongoCommandError('Location31253', `Cannot do inclusion on field ${field} in exclusion projection`)
      : new MongoCommandError('Location31254', `Cannot do exclusion on field ${field} in inclusion projection`);
  }
}

/**
 * A projector for `find`/`findAndModify`. `filter` is the query the documents matched: the
 * positional projection `field.$` picks the array element that query matched.
 */
export function compileProjection(projection: unknown, filter: Doc = {}): Projector {
  if (!isPlainObject(projection) || Object.keys(projection).length === 0) return identity;
  const simple = simpleProjector(projection);
  if (simple) return simple;
  checkNotMixed(projection);
  const isPositional = Object.keys(projection).some((field) => field.endsWith('.$'));
  const query = new Query(isPositional ? filter : {}, {});
  // mingo appends `_id`; MongoDB returns it first, as stored.
  return (doc) => idFirst((query.find([doc], projection).all()[0] ?? {}) as Doc);
}

