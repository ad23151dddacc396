import { describe, expect, it } from 'vitest';
import { Collection } from '../storage/collection.js';
import type { IndexSpec } from '../storage/secondary-index.js';
import { parseSort } from './bson-order.js';
import { candidates, planQuery, type Plan } from './planner.js';

function collectionWith(specs: Array<Partial<IndexSpec> & { key: IndexSpec['key'] }>, docs: object[] = []): Collection {
  const collection = new Collection('crm', 'things', { uuid: null, options: {} });
  docs.forEach((doc, i) => collection.insert({ _id: i, ...doc }));
  for (const spec of specs) collection.createIndex({ name: Object.keys(spec.key).join('_'), ...spec });
  return collection;
}

const indexName = (plan: Plan) => (plan.kind === 'index' ? plan.index.name : plan.kind);

describe('query planner', () => {
  const tasks = collectionWith([{ key: { status: 1, dueAt: 1 } }, { key: { dueAt: 1 } }, { key: { phones: 1 }, unique: true }, { key: { owner: 1 }, sparse: true }]);

  it('looks documents up by _id without any index scan', () => {
    expect(planQuery(tasks, { _id: 5, status: 'open' })).toEqual({ kind: 'id', ids: [5] });
  });

  it('uses the unique index for an equality on the phone', () => {
    expect(indexName(planQuery(tasks, { phones: '+74951234567' }))).toBe('phones');
  });

  it('prefers the compound index that covers equality and range', () => {
    const plan = planQuery(tasks, { status: 'open', dueAt: { $lte: new Date() } }, parseSort({ dueAt: 1 }));
    expect(indexName(plan)).toBe('status_dueAt');
    expect(plan.kind === 'index' && plan.providesSort).toBe(true);
  });

  it('walks an index backwards for a descending sort on its field', () => {
    const plan = planQuery(tasks, {}, parseSort({ dueAt: -1 }));
    expect(plan).toMatchObject({ kind: 'index', providesSort: true, reverse: true });
    expect(indexName(plan)).toBe('dueAt');
  });

  it('uses an index for a range with $gt/$lt and for $in', () => {
    expect(indexName(planQuery(tasks, { dueAt: { $gt: new Date(0), $lt: new Date() } }))).toBe('dueAt');
    expect(indexName(planQuery(tasks, { phones: { $in: ['a', 'b'] } }))).toBe('phones');
  });

  it('scans the collection when no index serves the filter', () => {
    expect(planQuery(tasks, { name: 'Ann' }).kind).toBe('collection');
    expect(planQuery(tasks, { phones: /^\+7/ }).kind).toBe('collection');
    expect(planQuery(tasks, { status: { $ne: 'done' } }).kind).toBe('collection');
  });

  it('does not use a sparse index to find documents missing the field', () => {
    expect(planQuery(tasks, { owner: null }).kind).toBe('collection');
    expect(indexName(planQuery(tasks, { owner: 'agent1' }))).toBe('owner');
  });

  it('yields only the documents inside the bounds, each once, from a multikey index', () => {
    const contacts = collectionWith([{ key: { tags: 1 } }], [{ tags: ['a', 'b'] }, { tags: ['b', 'c'] }, { tags: ['d'] }, { tags: 'b' }]);
    const plan = planQuery(contacts, { tags: { $in: ['b', 'c'] } });
    expect([...candidates(contacts, plan)].map((rec) => rec.doc._id)).toEqual([0, 1, 3]);
    const range = planQuery(contacts, { tags: { $gt: 'b' } });
    expect([...candidates(contacts, range)].map((rec) => rec.doc._id).sort()).toEqual([1, 2]);
  });

  it('stops a multikey range at its upper bound only when one $elemMatch holds both bounds', () => {
    const words = collectionWith([{ key: { words: 1 } }], [{ words: ['ivan', 'zoe'] }, { words: ['ivanova'] }, { words: ['anna', 'petrov'] }, { words: ['iz'] }]);
    const prefix = { $gte: 'ivan', $lt: 'ivan\uffff' };
    // Two plain conditions may be met by two elements ('anna' < end, 'petrov' >= start): the scan
    // has no upper bound and walks every key from 'ivan' on.
    const plain = planQuery(words, { words: prefix });
    expect([...candidates(words, plain)].map((rec) => rec.doc._id).sort()).toEqual([0, 1, 2, 3]);
    // One element within both bounds: the scan walks the prefix only.
    const element = planQuery(words, { $and: [{ words: prefix }, { words: { $elemMatch: prefix } }] });
    expect([...candidates(words, element)].map((rec) => rec.doc._id).sort()).toEqual([0, 1]);
    expect(indexName(planQuery(words, { words: { $elemMatch: { $gte: 'a', $lt: 'b' } } }))).toBe('words');
    // An $elemMatch with other operators is left to the filter.
    expect(planQuery(words, { words: { $elemMatch: { $ne: 'a' } } }).kind).toBe('collection');
  });

  it('walks the element range with the fewest entries when several are given', () => {
    const docs = [...Array.from({ length: 50 }, (_, i) => ({ words: ['ivan', `n${i}`] })), { words: ['ivan', 'petrov'] }, { words: ['petrova'] }];
    const words = collectionWith([{ key: { words: 1 } }], docs);
    const range = (prefix: string) => ({ $gte: prefix, $lt: `${prefix}\uffff` });
    // "petr ivan": the broad word comes last, yet the narrow one is walked.
    const plan = planQuery(words, { $and: [{ words: { $elemMatch: range('petr') } }, { words: range('ivan') }, { words: { $elemMatch: range('ivan') } }] });
    expect([...candidates(words, plan)].map((rec) => rec.doc._id).sort()).toEqual([50, 51]);
  });

  it('walks the smaller of two element ranges, however large the other', () => {
    // 'ivan' on half the documents, 'petrov' on a tenth: both past what a fixed small count would tell apart.
    const docs = Array.from({ length: 30_000 }, (_, i) => ({ words: [i % 2 === 0 ? `ivan${i}` : `oleg${i}`, i % 10 === 0 ? `petrov${i}` : `smirnov${i}`] }));
    const words = collectionWith([{ key: { words: 1 } }], docs);
    const range = (prefix: string) => ({ $gte: prefix, $lt: `${prefix}\uffff` });
    const plan = planQuery(words, { $and: [{ words: { $elemMatch: range('ivan') } }, { words: { $elemMatch: range('petrov') } }] });
    expect(plan.kind).toBe('index');
    // The candidates are the 3 000 'petrov' documents, not the 15 000 'ivan' ones.
    expect([...candidates(words, plan)]).toHaveLength(3000);
  });

  it('intersects two broad element ranges instead of filtering the whole of one', () => {
    const docs = Array.from({ length: 66_000 }, (_, i) => ({ words: [i % 2 === 0 ? `ivan${i}` : `oleg${i}`, i % 3 === 0 ? `petrov${i}` : `smirnov${i}`] }));
    const words = collectionWith([{ key: { words: 1 } }], docs);
    const range = (prefix: string) => ({ $gte: prefix, $lt: `${prefix}\uffff` });
    const plan = planQuery(words, { $and: [{ words: { $elemMatch: range('ivan') } }, { words: range('petrov') }, { words: { $elemMatch: range('petrov') } }] });
    expect(plan.kind).toBe('and');
    const found = [...candidates(words, plan)].map((rec) => rec.doc._id as number);
    expect(found).toHaveLength(11_000);
    expect(found.every((id) => id % 6 === 0)).toBe(true);
  });

  it('keeps a range inside the bound value type', () => {
    const mixed = collectionWith([{ key: { v: 1 } }], [{ v: 1 }, { v: 5 }, { v: 'x' }, { v: new Date(0) }, { v: null }]);
    const plan = planQuery(mixed, { v: { $gt: 2 } });
    expect([...candidates(mixed, plan)].map((rec) => rec.doc._id)).toEqual([1]);
  });
});

describe('sorting without an index', () => {
  it('keeps only the first documents of a limited sort, stable for equal keys', async () => {
    const { sortBy } = await import('./bson-order.js');
    const docs = Array.from({ length: 1000 }, (_, i) => ({ _id: i, v: (i * 37) % 100 }));
    const top = sortBy(docs, (doc) => doc, parseSort({ v: -1 }), 15);
    const full = sortBy(docs, (doc) => doc, parseSort({ v: -1 }));
    expect(top).toEqual(full.slice(0, 15));
    expect(top.slice(0, 3).map((doc) => doc._id)).toEqual([27, 127, 227]);
  });
});

describe('unique index hash filled in the background', () => {
  it('finds every key through the tree while filling and through the hash after, including writes made meanwhile', async () => {
    const { SecondaryIndex } = await import('../storage/secondary-index.js');
    const { StoredRecord } = await import('../storage/stored-record.js');
    const index = new SecondaryIndex({ key: { phone: 1 }, name: 'phone_1', unique: true });
    const records = Array.from({ length: 120_000 }, (_, i) => new StoredRecord(i + 1, { _id: i, phone: `p${i}` }));
    index.build(records);
    // While filling: remove one captured key, move another, add a new one.
    const removed = records[5] as InstanceType<typeof StoredRecord>;
    index.remove(removed, [['p5']]);
    const moved = records[7] as InstanceType<typeof StoredRecord>;
    index.remove(moved, [['p7']]);
    index.add(moved, [['p7-new']]);
    const added = new StoredRecord(200_000, { _id: 'new', phone: 'fresh' });
    index.add(added, [['fresh']]);
    expect(index.findEqual(['p119999'])?.rid).toBe(120_000);
    expect(index.findEqual(['p5'])).toBeUndefined();
    expect(index.isFillingHash).toBe(true);
    while (index.isFillingHash) await new Promise((resolve) => setImmediate(resolve));
    expect(index.findEqual(['p5'])).toBeUndefined();
    expect(index.findEqual(['p7'])).toBeUndefined();
    expect(index.findEqual(['p7-new'])).toBe(moved);
    expect(index.findEqual(['fresh'])).toBe(added);
    expect(index.findEqual(['p119999'])?.rid).toBe(120_000);
    expect(index.findEqual(['missing'])).toBeUndefined();
  });
});

describe('$or planning', () => {
  const calls = collectionWith(
    [{ key: { caller: 1 } }, { key: { called: 1 } }],
    [
      { caller: 'a', called: 'b' },
      { caller: 'b', called: 'a' },
      { caller: 'c', called: 'd' },
      { caller: 'a', called: 'a' },
    ],
  );

  it('unions the index scans of every branch, each document once', () => {
    const plan = planQuery(calls, { $or: [{ caller: 'a' }, { called: 'a' }] });
    expect(plan.kind).toBe('or');
    expect([...candidates(calls, plan)].map((rec) => rec.doc._id).sort()).toEqual([0, 1, 3]);
  });

  it('scans when any branch has no index', () => {
    expect(planQuery(calls, { $or: [{ caller: 'a' }, { note: 'x' }] }).kind).toBe('collection');
  });
});
