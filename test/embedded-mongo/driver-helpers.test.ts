import { describe, expect, it } from 'vitest';
import { useTestDb } from './test-db.js';

const t = useTestDb();

describe('driver helpers built on the basic commands', () => {
  it('runs a mixed ordered bulkWrite and reports every count', async () => {
    const coll = t.db.collection<{ _id: number; n?: number; tag?: string }>('bulk');
    await coll.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    const result = await coll.bulkWrite([
      { insertOne: { document: { _id: 4, n: 4 } } },
      { updateOne: { filter: { _id: 1 }, update: { $set: { n: 10 } } } },
      { updateMany: { filter: { _id: { $gte: 2 } }, update: { $set: { tag: 'x' } } } },
      { replaceOne: { filter: { _id: 9 }, replacement: { n: 9 }, upsert: true } },
      { deleteOne: { filter: { _id: 3 } } },
      { deleteMany: { filter: { n: { $gt: 100 } } } },
    ]);
    expect(result).toMatchObject({ insertedCount: 1, matchedCount: 4, modifiedCount: 4, upsertedCount: 1, deletedCount: 1 });
    expect(await coll.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, n: 10 },
      { _id: 2, tag: 'x' },
      { _id: 4, n: 4, tag: 'x' },
      { _id: 9, n: 9 },
    ]);
  });

  it('stops an ordered bulkWrite at a duplicate and keeps the writes before it', async () => {
    const coll = t.db.collection<{ _id: number }>('bulk_dup');
    const error = (await coll
      .bulkWrite([{ insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 2 } } }])
      .catch((e: unknown) => e)) as { code: number };
    expect(error.code).toBe(11000);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('counts with skip and limit, and filters with $expr', async () => {
    const coll = t.db.collection('counting');
    await coll.insertMany(Array.from({ length: 30 }, (_, i) => ({ i, budget: i * 10, spent: i % 2 === 0 ? i * 20 : i })));
    expect(await coll.countDocuments({ i: { $gte: 10 } }, { skip: 5, limit: 10 })).toBe(10);
    expect(await coll.countDocuments({ $expr: { $gt: ['$spent', '$budget'] } })).toBe(14);
  });

  it('replaces with findOneAndReplace and projects an array element with $elemMatch', async () => {
    const coll = t.db.collection('replacing');
    await coll.insertOne({ key: 'a', items: [{ k: 1, v: 'x' }, { k: 2, v: 'y' }] });
    const projected = await coll.findOne({ key: 'a' }, { projection: { _id: 0, items: { $elemMatch: { k: 2 } } } });
    expect(projected).toEqual({ items: [{ k: 2, v: 'y' }] });
    const after = await coll.findOneAndReplace({ key: 'a' }, { key: 'a', replaced: true }, { returnDocument: 'after', projection: { _id: 0 } });
    expect(after).toEqual({ key: 'a', replaced: true });
  });

  it('pages a projected cursor across getMore batches', async () => {
    const coll = t.db.collection('paged');
    await coll.insertMany(Array.from({ length: 250 }, (_, i) => ({ i, secret: 's', group: i % 2 })));
    const docs = await coll.find({ group: 1 }, { projection: { secret: 0, _id: 0 }, batchSize: 20 }).sort({ i: -1 }).toArray();
    expect(docs).toHaveLength(125);
    expect(docs[0]).toEqual({ i: 249, group: 1 });
    expect(docs.every((doc) => !('secret' in doc))).toBe(true);
  });

  it('updates matching array elements in many documents with arrayFilters', async () => {
    const coll = t.db.collection('filtered');
    await coll.insertMany([
      { q: 1, attempts: [{ r: 'busy', late: 5 }, { r: 'no-answer', late: 50 }] },
      { q: 1, attempts: [{ r: 'busy', late: 70 }] },
    ]);
    const result = await coll.updateMany({ q: 1 }, { $set: { 'attempts.$[slow].flag': 'late' } }, { arrayFilters: [{ 'slow.late': { $gt: 30 } }] });
    expect(result.modifiedCount).toBe(2);
    const flagged = (await coll.find({ q: 1 }).toArray()).flatMap((doc) => (doc.attempts as Array<{ flag?: string }>).map((a) => a.flag ?? null));
    expect(flagged).toEqual([null, 'late', 'late']);
  });
});
