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

  it('projects the array element the query matched for a positional projection, _id first', () => {
    const projected = compileProjection({ 'phones.$': 1, name: 1 }, { phones: '+1' })(doc);
    expect(projected).toEqual({ _id: 1, phones: ['+1'], name: 'Ann' });
    expect(Object.keys(compileProjection({ items: { $elemMatch: { k: 2 } } })(doc))).toEqual(['_id', 'items']);
  });

  it('refuses a projection mixing inclusion and exclusion with MongoDB codes', () => {
    expect(() => compileProjection({ name: 1, phones: 0 })).toThrow(expect.objectContaining({ code: 31254, message: 'Cannot do exclusion on field phones in inclusion projection' }));
    expect(() => compileProjection({ phones: 0, 'sub.a': 1 })).toThrow(expect.objectContaining({ code: 31253, message: 'Cannot do inclusion on field sub.a in exclusion projection' }));
    expect(() => compileProjection({ _id: 0, name: 1 })).not.toThrow();
  });

  it('returns the document itself when there is nothing to project', () => {
    expect(compileProjection(undefined)(doc)).toBe(doc);
    expect(compileProjection({})(doc)).toBe(doc);
  });
});
