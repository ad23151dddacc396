import { ObjectId } from 'bson';
import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import type { Doc } from './bson-order.js';
import { compileSimpleFilter } from './simple-filter.js';

const id = new ObjectId();
const docs: Doc[] = [
  { _id: id, phones: ['+1', '+2'], n: 5, status: 'open', at: new Date(10), sub: { k: 'a' } },
  { _id: new ObjectId(), phones: '+3', n: '5', status: 'done', items: [{ k: 'a' }, { k: 'b' }] },
  { _id: new ObjectId(), n: 7.5, status: 'open', at: new Date(20) },
  { _id: new ObjectId() },
];

describe('simple filter matcher', () => {
  const filters: Doc[] = [
    { phones: '+2' },
    { phones: '+3' },
    { _id: new ObjectId(id.toHexString()) },
    { n: 5 },
    { n: { $gt: 4 } },
    { n: { $gte: '5' } },
    { n: { $gt: 4, $lt: 6 } },
    { status: 'open', at: { $lte: new Date(15) } },
    { status: { $ne: 'done' } },
    { status: { $in: ['done', 'x'] } },
    { 'sub.k': 'a' },
    { 'items.k': 'b' },
    { $and: [{ status: 'open' }, { n: { $lt: 7 } }] },
  ];

  it.each(filters.map((filter) => [JSON.stringify(filter), filter]))('agrees with mingo on %s', (_name, filter) => {
    const test = compileSimpleFilter(filter as Doc);
    expect(test).toBeDefined();
    const query = new Query(filter as Doc, {});
    expect(docs.map((doc) => test?.(doc))).toEqual(docs.map((doc) => query.test(doc)));
  });

  it('leaves filters with other operators or null to mingo', () => {
    expect(compileSimpleFilter({ a: null })).toBeUndefined();
    expect(compileSimpleFilter({ a: { $exists: true } })).toBeUndefined();
    expect(compileSimpleFilter({ $or: [{ a: 1 }] })).toBeUndefined();
    expect(compileSimpleFilter({ a: /x/ })).toBeUndefined();
    expect(compileSimpleFilter({ a: [1, 2] })).toBeUndefined();
  });
});
