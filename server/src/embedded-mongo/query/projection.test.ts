import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import type { Doc } from './bson-order.js';
import { compileProjection } from './projection.js';

const doc: Doc = { _id: 1, name: 'Ann', phones: ['+1'], sub: { a: 1, b: 2 }, items: [{ k: 1 }, { k: 2 }] };

describe('projection', () => {
  const projections: Doc[] = [
    { name: 1 },
    { name: 1, _id: 0 },
    { phones: 0 },
    { phones: 0, _id: 0 },
    { _id: 0 },
    { _id: 1 },
    { 'sub.a': 1 },
    { items: { $slice: 1 } },
    { items: { $elemMatch: { k: 2 } }, name: true },
  ];
  it.each(projections.map((p) => [JSON.stringify(p), p]))('agrees with mingo for %s', (_name, projection) => {
    const expected = new Query({}, {}).find([doc], projection as Doc).all()[0];
    expect(compileProjection(projection)(doc)).toEqual(expected);
  });

  it('returns the document itself when there is nothing to project', () => {
    expect(compileProjection(undefined)(doc)).toBe(doc);
    expect(compileProjection({})(doc)).toBe(doc);
  });
});
