import type { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useTestDb } from './test-db.js';

const t = useTestDb();

describe('indexes', () => {
  it('lists created indexes with their options, _id_ first', async () => {
    const coll = t.db.collection('listed');
    await coll.createIndex({ company: 1, name: -1 });
    await coll.createIndex({ email: 1 }, { unique: true, sparse: true, name: 'email_unique' });
    const indexes = await coll.listIndexes().toArray();
    expect(indexes.map((i) => i.name)).toEqual(['_id_', 'company_1_name_-1', 'email_unique']);
    expect(indexes[2]).toMatchObject({ key: { email: 1 }, unique: true, sparse: true });
    expect(await coll.indexExists('company_1_name_-1')).toBe(true);
    await coll.dropIndex('company_1_name_-1');
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'email_unique']);
  });

  it('treats re-creating an identical index as a no-op and a conflicting one as an error', async () => {
    const coll = t.db.collection('recreate');
    await coll.createIndex({ a: 1 });
    await coll.createIndex({ a: 1 });
    const error = await coll.createIndex({ a: 1 }, { name: 'other_name', unique: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 85 });
  });

  it('refuses a duplicate on a multikey unique index with keyPattern and keyValue', async () => {
    const contacts = t.db.collection<{ name: string; phones: string[] }>('contacts');
    await contacts.createIndex({ phones: 1 }, { unique: true });
    await contacts.insertOne({ name: 'Ann', phones: ['+74951110000', '+74951110001'] });
    const error = (await contacts.insertOne({ name: 'Bob', phones: ['+74951110001'] }).catch((e: unknown) => e)) as Record<string, unknown>;
    expect(error.code).toBe(11000);
    expect(error.keyPattern).toEqual({ phones: 1 });
    expect(error.keyValue).toEqual({ phones: '+74951110001' });
    expect(String(error.message)).toMatch(new RegExp(`E11000 duplicate key error collection: ${t.mongo.dbName}\\.contacts index: phones_1 dup key: \\{ phones: "\\+74951110001" \\}`));
    // One document may repeat its own value, and updates are checked too.
    await contacts.insertOne({ name: 'Cid', phones: ['+74951110002', '+74951110002'] });
    const updateError = await contacts.updateOne({ name: 'Cid' }, { $push: { phones: '+74951110000' } }).catch((e: unknown) => e);
    expect(updateError).toMatchObject({ code: 11000 });
    expect((await contacts.findOne({ name: 'Cid' }))?.phones).toEqual(['+74951110002', '+74951110002']);
  });

  it('indexes an empty array apart from a missing field in a unique index', async () => {
    const coll = t.db.collection('empty_arrays');
    await coll.createIndex({ tags: 1 }, { unique: true });
    await coll.insertOne({ n: 1, tags: [] });
    await coll.insertOne({ n: 2 });
    const error = await coll.insertOne({ n: 3, tags: [] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11000 });
    expect((await coll.find({ tags: null }).toArray()).map((doc) => doc.n)).toEqual([2]);
    expect((await coll.find({ tags: { $size: 0 } }).toArray()).map((doc) => doc.n)).toEqual([1]);
  });

  it('enforces compound unique keys on the combination only', async () => {
    const coll = t.db.collection('compound');
    await coll.createIndex({ queue: 1, day: 1 }, { unique: true });
    await coll.insertMany([
      { queue: 'support', day: 1 },
      { queue: 'support', day: 2 },
      { queue: 'sales', day: 1 },
    ]);
    const error = await coll.insertOne({ queue: 'sales', day: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11000, keyValue: { queue: 'sales', day: 1 } });
  });

  it('lets a sparse unique index hold many documents without the field', async () => {
    const coll = t.db.collection('sparse');
    await coll.createIndex({ email: 1 }, { unique: true, sparse: true });
    await coll.insertMany([{ n: 1 }, { n: 2 }, { n: 3, email: 'a@x' }]);
    expect(await coll.insertOne({ email: 'a@x' }).catch((e: unknown) => e)).toMatchObject({ code: 11000 });
    expect(await coll.countDocuments({ email: null })).toBe(2);
  });

  it('counts missing fields as null in a non-sparse unique index', async () => {
    const coll = t.db.collection('nulls');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertOne({ n: 1 });
    expect(await coll.insertOne({ n: 2 }).catch((e: unknown) => e)).toMatchObject({ code: 11000 });
  });

  it('applies a partial unique index only to documents matching its filter', async () => {
    const coll = t.db.collection('partial');
    await coll.createIndex({ contactId: 1 }, { unique: true, partialFilterExpression: { open: true } });
    await coll.insertMany([
      { contactId: 7, open: false },
      { contactId: 7, open: false },
      { contactId: 7, open: true },
    ]);
    expect(await coll.insertOne({ contactId: 7, open: true }).catch((e: unknown) => e)).toMatchObject({ code: 11000 });
    expect(await coll.countDocuments({ contactId: 7 })).toBe(3);
  });

  it('fails to build a unique index over existing duplicates and leaves no index behind', async () => {
    const coll = t.db.collection('prebuilt');
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    const error = await coll.createIndex({ k: 1 }, { unique: true }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11000 });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    // Several indexes in one command are kept or refused together.
    const together = await coll.createIndexes([{ key: { other: 1 } }, { key: { k: 1 }, unique: true }]).catch((e: unknown) => e);
    expect(together).toMatchObject({ code: 11000 });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('returns the same results through an index as without one (equality, $in, ranges, sort)', async () => {
    const plain = t.db.collection('plain_tasks');
    const indexed = t.db.collection('indexed_tasks');
    const base = Date.UTC(2026, 2, 2);
    const docs = Array.from({ length: 600 }, (_, i) => ({
      i,
      status: ['open', 'done', 'claimed'][i % 3],
      dueAt: new Date(base + ((i * 7919) % 600) * 60_000),
      tags: [`t${i % 5}`, `t${i % 7}`],
      ...(i % 10 === 0 ? {} : { owner: `agent${i % 4}` }),
    }));
    await plain.insertMany(docs.map((d) => ({ ...d })));
    await indexed.insertMany(docs.map((d) => ({ ...d })));
    await indexed.createIndex({ status: 1, dueAt: 1 });
    await indexed.createIndex({ dueAt: -1 });
    await indexed.createIndex({ tags: 1 });
    await indexed.createIndex({ owner: 1 });
    const queries: Array<[object, object]> = [
      [{ status: 'open', dueAt: { $lte: new Date(base + 300 * 60_000) } }, { dueAt: 1 }],
      [{ status: { $in: ['open', 'claimed'] } }, { dueAt: -1, i: 1 }],
      [{ dueAt: { $gt: new Date(base + 100 * 60_000), $lt: new Date(base + 200 * 60_000) } }, { dueAt: -1 }],
      [{ tags: { $in: ['t1', 't6'] }, i: { $lt: 300 } }, { i: 1 }],
      [{ tags: { $gt: 't3' } }, { i: 1 }],
      [{ owner: null }, { i: -1 }],
      [{ owner: { $gte: 'agent2' } }, { owner: 1, i: 1 }],
      [{}, { dueAt: 1, i: 1 }],
      [{ $or: [{ owner: 'agent1' }, { tags: 't3' }], status: 'open' }, { i: 1 }],
      [{ $or: [{ owner: 'agent1' }, { i: { $lt: 20 } }] }, { i: -1 }],
    ];
    for (const [filter, sort] of queries) {
      const expected = (await plain.find(filter).sort(sort as never).toArray()).map((d) => d.i);
      const actual = (await indexed.find(filter).sort(sort as never).toArray()).map((d) => d.i);
      expect(actual, JSON.stringify(filter)).toEqual(expected);
      const limited = (await indexed.find(filter).sort(sort as never).limit(3).toArray()).map((d) => d.i);
      expect(limited).toEqual(expected.slice(0, 3));
    }
  });

  it('answers a lookup by phone from the index, examining one document (explain)', async () => {
    const contacts = t.db.collection('explained');
    await contacts.createIndex({ phones: 1 }, { unique: true });
    await contacts.createIndex({ dueAt: 1 });
    await contacts.insertMany(
      Array.from({ length: 2_000 }, (_, i) => ({ name: `c${i}`, phones: [`+7900${String(i).padStart(7, '0')}`], dueAt: new Date(Date.UTC(2026, 2, 2) + i * 60_000) })),
    );
    const byPhone = await contacts.find({ phones: '+79000001234' }).explain('executionStats');
    expect(stagesOf(byPhone.queryPlanner)).toContain('IXSCAN');
    expect(indexNamesOf(byPhone.queryPlanner)).toContain('phones_1');
    expect(byPhone.executionStats).toMatchObject({ nReturned: 1, totalDocsExamined: 1 });

    const { _id } = (await contacts.findOne({ name: 'c7' })) as { _id: ObjectId };
    const byId = await contacts.find({ _id }).explain('executionStats');
    expect(byId.executionStats.totalDocsExamined).toBe(1);
    expect(stagesOf(byId.queryPlanner)).not.toContain('COLLSCAN');

    const due = await contacts
      .find({ dueAt: { $gte: new Date(Date.UTC(2026, 2, 2, 10)) } })
      .sort({ dueAt: 1 })
      .limit(5)
      .explain('executionStats');
    expect(indexNamesOf(due.queryPlanner)).toContain('dueAt_1');
    expect(stagesOf(due.queryPlanner)).not.toContain('SORT');
    expect(due.executionStats.totalDocsExamined).toBe(5);

    const byName = await contacts.find({ name: 'c5' }).explain('executionStats');
    expect(stagesOf(byName.queryPlanner)).toContain('COLLSCAN');
  });
});

/** Every `stage` named anywhere in an explain plan (plan shapes differ across server versions). */
function stagesOf(plan: unknown): string[] {
  return collect(plan, 'stage');
}

function indexNamesOf(plan: unknown): string[] {
  return collect(plan, 'indexName');
}

function collect(value: unknown, field: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => collect(item, field));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === field && typeof inner === 'string' ? [inner] : collect(inner, field)));
}
