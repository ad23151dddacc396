import { Long, ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from './test-db.js';

const t = useTestDb();

describe('handshake and server commands', () => {
  it('answers hello as a writable standalone server', async () => {
    const hello = await t.db.admin().command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: true, ok: 1 });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(17);
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(hello.logicalSessionTimeoutMinutes).toBeGreaterThan(0);
    expect(hello.localTime).toBeInstanceOf(Date);
  });

  it('answers ping and buildInfo', async () => {
    expect(await t.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const info = await t.db.admin().command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+/);
  });

  it('reports an unknown command as CommandNotFound', async () => {
    const error = await t.db.command({ noSuchThing: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 59, codeName: 'CommandNotFound' });
    expect((error as Error).message).toContain("no such command: 'noSuchThing'");
  });

  it('lists databases and collections that were written to', async () => {
    await t.db.collection('listed').insertOne({ a: 1 });
    const { databases } = await t.db.admin().listDatabases();
    expect(databases.map((d) => d.name)).toContain(t.mongo.dbName);
    const names = (await t.db.listCollections().toArray()).map((c) => c.name);
    expect(names).toContain('listed');
  });

  it('renames a collection with its documents and indexes', async () => {
    const old = t.db.collection('before_rename');
    await old.createIndex({ k: 1 }, { unique: true });
    await old.insertMany([{ k: 1 }, { k: 2 }]);
    const renamed = await old.rename('after_rename');
    expect(await renamed.countDocuments()).toBe(2);
    expect((await renamed.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'k_1']);
    expect(await renamed.insertOne({ k: 1 }).catch((e: unknown) => e)).toMatchObject({ code: 11000 });
    const names = (await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toContain('after_rename');
    expect(names).not.toContain('before_rename');
    await t.db.collection('occupied').insertOne({});
    expect(await renamed.rename('occupied').catch((e: unknown) => e)).toMatchObject({ code: 48 });
  });

  it('creates a collection once and reports NamespaceExists after', async () => {
    await t.db.createCollection('made');
    const error = await t.db.command({ create: 'made' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 48, codeName: 'NamespaceExists' });
    expect(await t.db.collection('made').drop()).toBe(true);
    const names = (await t.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).not.toContain('made');
  });
});

describe('CRUD', () => {
  it('inserts, finds, updates and deletes documents', async () => {
    const people = t.db.collection('people');
    const { insertedId } = await people.insertOne({ name: 'Ann', age: 31, tags: ['vip'] });
    await people.insertMany([
      { name: 'Bob', age: 25 },
      { name: 'Cid', age: 40, tags: ['new', 'vip'] },
    ]);
    expect(await people.findOne({ _id: insertedId })).toEqual({ _id: insertedId, name: 'Ann', age: 31, tags: ['vip'] });
    expect(await people.countDocuments({ tags: 'vip' })).toBe(2);
    const result = await people.updateMany({ age: { $gte: 30 } }, { $inc: { age: 1 }, $set: { senior: true } });
    expect(result).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    expect((await people.find({ senior: true }).sort({ name: 1 }).toArray()).map((p) => p.age)).toEqual([32, 41]);
    const deleted = await people.deleteOne({ name: 'Bob' });
    expect(deleted.deletedCount).toBe(1);
    expect(await people.countDocuments()).toBe(2);
    expect(await people.estimatedDocumentCount()).toBe(2);
  });

  it('stores _id first and keeps BSON types', async () => {
    const typed = t.db.collection('typed');
    const id = new ObjectId();
    const at = new Date('2026-03-02T10:00:00Z');
    await typed.insertOne({ kind: 'x', _id: id, at, big: Long.fromString('9007199254740993'), n: 1.5, nested: { deep: [1, { a: null }] } });
    const raw = await typed.findOne({ _id: id });
    expect(Object.keys(raw ?? {})[0]).toBe('_id');
    expect(raw?.at).toEqual(at);
    expect(String(raw?.big)).toBe('9007199254740993');
    expect(raw?.nested).toEqual({ deep: [1, { a: null }] });
  });

  it('stores $-prefixed field names on insert, as MongoDB 5.0+ permits', async () => {
    const coll = t.db.collection('dollars');
    const { insertedId } = await coll.insertOne({ $price: 50, quantity: 30, location: { $db: 'novels' } });
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, $price: 50, quantity: 30, location: { $db: 'novels' } });
  });

  it('reports a duplicate _id as E11000', async () => {
    const dup = t.db.collection('dup_ids');
    await dup.insertOne({ _id: 'same' as never });
    const error = await dup.insertOne({ _id: 'same' as never }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11000 });
    expect((error as Error).message).toContain('E11000 duplicate key error');
  });

  it('continues an unordered insertMany past a duplicate and reports it', async () => {
    const coll = t.db.collection('unordered');
    const error = (await coll
      .insertMany(
        [{ _id: 1 }, { _id: 1 }, { _id: 2 }].map((doc) => doc as never),
        { ordered: false },
      )
      .catch((e: unknown) => e)) as { code: number; insertedCount: number; writeErrors: unknown[] };
    expect(error.code).toBe(11000);
    expect(await coll.countDocuments()).toBe(2);
  });

  it('upserts with the filter equality fields and $setOnInsert', async () => {
    const coll = t.db.collection('upserts');
    const first = await coll.updateOne({ phone: '+74951234567', 'meta.source': 'web' }, { $set: { seen: 1 }, $setOnInsert: { createdBy: 'upsert' } }, { upsert: true });
    expect(first.upsertedCount).toBe(1);
    const second = await coll.updateOne({ phone: '+74951234567' }, { $set: { seen: 2 }, $setOnInsert: { createdBy: 'again' } }, { upsert: true });
    expect(second).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    const doc = await coll.findOne({ phone: '+74951234567' }, { projection: { _id: 0 } });
    expect(doc).toEqual({ phone: '+74951234567', meta: { source: 'web' }, seen: 2, createdBy: 'upsert' });
  });

  it('replaces a document keeping its _id, and refuses to change _id', async () => {
    const coll = t.db.collection('replace');
    const { insertedId } = await coll.insertOne({ a: 1, b: 2 });
    await coll.replaceOne({ _id: insertedId }, { c: 3 });
    expect(await coll.findOne({ _id: insertedId })).toEqual({ _id: insertedId, c: 3 });
    const error = await coll.updateOne({ _id: insertedId }, { $set: { _id: new ObjectId() } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 66 });
  });

  it('reports nModified 0 when an update changes nothing', async () => {
    const coll = t.db.collection('noop');
    await coll.insertOne({ a: 1 });
    expect(await coll.updateOne({ a: 1 }, { $set: { a: 1 } })).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('fails an operator that cannot apply to the stored field instead of acknowledging a no-op', async () => {
    const coll = t.db.collection('typed');
    const { insertedId } = await coll.insertOne({ n: 1, s: 'text', list: [1, 2] });
    const codeOf = async (update: object) => ((await coll.updateOne({ _id: insertedId }, update).catch((e: unknown) => e)) as { code?: number }).code;
    expect(await codeOf({ $inc: { s: 1 } })).toBe(14);
    expect(await codeOf({ $inc: { n: 'one' } })).toBe(14);
    expect(await codeOf({ $mul: { s: 2 } })).toBe(14);
    expect(await codeOf({ $push: { n: 3 } })).toBe(2);
    expect(await codeOf({ $addToSet: { s: 'x' } })).toBe(2);
    expect(await codeOf({ $pull: { n: 1 } })).toBe(2);
    expect(await codeOf({ $pop: { s: 1 } })).toBe(14);
    expect(await codeOf({ $set: { 's.inner': 1 } })).toBe(28);
    expect(await codeOf({ $set: { 'list.inner': 1 } })).toBe(28);
    expect(await codeOf({ $set: { n: 2 }, $unset: { n: 1 } })).toBe(40);
    expect(await coll.findOne({ _id: insertedId }, { projection: { _id: 0 } })).toEqual({ n: 1, s: 'text', list: [1, 2] });
    expect(await codeOf({ $inc: { n: 1, missing: 2 }, $push: { list: 3, fresh: 'a' } })).toBeUndefined();
    expect(await codeOf({ $set: { 'list.5': 9 } })).toBeUndefined();
    expect(await coll.findOne({ _id: insertedId }, { projection: { _id: 0 } })).toEqual({ n: 2, s: 'text', list: [1, 2, 3, null, null, 9], missing: 2, fresh: ['a'] });
  });

  it('creates a missing collection for an upsert only, not for updates that matched nothing', async () => {
    expect(await t.db.collection('ghost').updateMany({}, { $set: { a: 1 } })).toMatchObject({ matchedCount: 0 });
    expect(await t.db.collection('ghost').findOneAndUpdate({ a: 1 }, { $set: { a: 2 } })).toBeNull();
    expect(await t.db.collection('ghost').findOneAndDelete({ a: 1 })).toBeNull();
    expect(await t.db.listCollections({ name: 'ghost' }).toArray()).toEqual([]);
    await t.db.collection('ghost').updateOne({ a: 1 }, { $set: { b: 2 } }, { upsert: true });
    expect(await t.db.collection('ghost').find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ a: 1, b: 2 }]);
  });
});

describe('query operators', () => {
  beforeAll(async () => {
    await t.db.collection('ops').insertMany([
      { n: 1, s: 'alpha', tags: ['a', 'b'], sub: { x: 1 }, items: [{ k: 'p', q: 2 }, { k: 'r', q: 9 }] },
      { n: 2, s: 'beta', tags: ['b'], sub: { x: 2 }, items: [{ k: 'p', q: 7 }] },
      { n: 3, s: 'Gamma', tags: [], items: [] },
      { n: 4, s: null },
      { n: 5 },
    ]);
  });
  const ns = async (filter: object) =>
    (await t.db.collection('ops').find(filter).sort({ n: 1 }).toArray()).map((d) => d.n as number);

  it('compares, combines and tests existence', async () => {
    expect(await ns({ n: { $gt: 1, $lte: 3 } })).toEqual([2, 3]);
    expect(await ns({ n: { $in: [1, 4, 9] } })).toEqual([1, 4]);
    expect(await ns({ n: { $nin: [1, 2] } })).toEqual([3, 4, 5]);
    expect(await ns({ $or: [{ n: 1 }, { s: 'beta' }] })).toEqual([1, 2]);
    expect(await ns({ $and: [{ n: { $ne: 1 } }, { tags: 'b' }] })).toEqual([2]);
    expect(await ns({ s: { $exists: false } })).toEqual([5]);
    expect(await ns({ s: null })).toEqual([4, 5]);
    expect(await ns({ s: { $type: 'string' } })).toEqual([1, 2, 3]);
    expect(await ns({ n: { $not: { $gt: 2 } } })).toEqual([1, 2]);
  });

  it('matches regexes, arrays and dotted paths', async () => {
    expect(await ns({ s: /^g/i })).toEqual([3]);
    expect(await ns({ s: { $regex: 'ta$' } })).toEqual([2]);
    expect(await ns({ tags: { $all: ['a', 'b'] } })).toEqual([1]);
    expect(await ns({ tags: { $size: 0 } })).toEqual([3]);
    expect(await ns({ 'sub.x': 2 })).toEqual([2]);
    expect(await ns({ 'items.k': 'p' })).toEqual([1, 2]);
    expect(await ns({ items: { $elemMatch: { k: 'p', q: { $gt: 5 } } } })).toEqual([2]);
    expect(await ns({ 'items.0.q': 2 })).toEqual([1]);
  });

  it('projects fields in and out', async () => {
    const doc = await t.db.collection('ops').findOne({ n: 1 }, { projection: { s: 1, 'sub.x': 1, _id: 0 } });
    expect(doc).toEqual({ s: 'alpha', sub: { x: 1 } });
    const without = await t.db.collection('ops').findOne({ n: 2 }, { projection: { items: 0, _id: 0, tags: 0 } });
    expect(without).toEqual({ n: 2, s: 'beta', sub: { x: 2 } });
    const positional = await t.db.collection('ops').findOne({ 'items.k': 'r' }, { projection: { 'items.$': 1 } });
    expect(Object.entries(positional ?? {}).slice(1)).toEqual([['items', [{ k: 'r', q: 9 }]]]);
    expect(Object.keys(positional ?? {})[0]).toBe('_id');
    const mixed = await t.db.collection('ops').findOne({}, { projection: { s: 1, tags: 0 } }).catch((e: unknown) => e);
    expect(mixed).toMatchObject({ code: 31254 });
  });

  it('sorts mixed types in BSON order and arrays by their extreme element', async () => {
    const coll = t.db.collection('mixed');
    await coll.insertMany([{ v: 'text' }, { v: 10 }, { v: null }, { v: new Date(0) }, { v: true }, { v: { a: 1 } }, { v: [5, 1] }, {}]);
    const asc = (await coll.find({}, { projection: { _id: 0 } }).sort({ v: 1 }).toArray()).map((d) => d.v);
    // null and missing first; the array sorts by its smallest element (1) among the numbers.
    expect(asc.slice(2)).toEqual([[5, 1], 10, 'text', { a: 1 }, true, new Date(0)]);
    const desc = (await coll.find({ v: { $type: 'number' } }).sort({ v: -1 }).toArray()).map((d) => d.v);
    expect(desc).toEqual([10]);
    const withArrays = (await coll.find({ v: { $in: [10, 5] } }).sort({ v: -1 }).toArray()).map((d) => d.v);
    expect(withArrays).toEqual([10, [5, 1]]);
    // An empty array sorts below null and missing, with or without an index on the field.
    await coll.insertOne({ v: [] });
    const lowest = async () => (await coll.find({}, { projection: { _id: 0 } }).sort({ v: 1 }).limit(1).toArray())[0];
    expect(await lowest()).toEqual({ v: [] });
    await coll.createIndex({ v: 1 });
    expect(await lowest()).toEqual({ v: [] });
  });

  it('sorts by $natural in insertion order, forwards or backwards', async () => {
    const natural = async (direction: 1 | -1) =>
      (await t.db.collection('ops').find({ n: { $lte: 4 } }).sort({ $natural: direction }).toArray()).map((d) => d.n as number);
    expect(await natural(1)).toEqual([1, 2, 3, 4]);
    expect(await natural(-1)).toEqual([4, 3, 2, 1]);
  });

  it('returns distinct values, unwinding arrays', async () => {
    expect((await t.db.collection('ops').distinct('tags')).sort()).toEqual(['a', 'b']);
    expect(await t.db.collection('ops').distinct('sub.x', { n: { $lt: 3 } })).toEqual([1, 2]);
  });
});

describe('update operators', () => {
  it('applies $push with $each/$sort/$slice, $addToSet, $pull, $pop, $unset, $rename, $min/$max, $mul, $currentDate', async () => {
    const coll = t.db.collection<{ scores: number[]; fresh?: number[]; set: string[]; list: number[]; old?: number; low: number; high: number; price?: number; renamed?: number; touchedAt?: Date }>('updates');
    const { insertedId: _id } = await coll.insertOne({ scores: [5], set: ['a'], list: [1, 2, 3, 2], old: 1, low: 5, high: 5, price: 10 });
    await coll.updateOne(
      { _id },
      {
        $push: { scores: { $each: [9, 1, 7], $sort: -1, $slice: 3 }, fresh: { $each: [3, 1, 2], $sort: 1, $slice: 2 } },
        $addToSet: { set: { $each: ['a', 'b'] } },
        $pull: { list: 2 },
        $rename: { old: 'renamed' },
        $min: { low: 3 },
        $max: { high: 8 },
        $mul: { price: 1.5 },
        $currentDate: { touchedAt: true },
      },
    );
    const doc = await coll.findOne({ _id });
    expect(doc).toMatchObject({ scores: [9, 7, 5], fresh: [1, 2], set: ['a', 'b'], list: [1, 3], renamed: 1, low: 3, high: 8, price: 15 });
    expect(doc?.old).toBeUndefined();
    expect(doc?.touchedAt).toBeInstanceOf(Date);
    await coll.updateOne({ _id }, { $pop: { scores: 1 }, $unset: { price: '' } });
    expect(await coll.findOne({ _id }, { projection: { scores: 1, price: 1, _id: 0 } })).toEqual({ scores: [9, 7] });
  });

  it('sorts pushed sub-documents by several keys and keeps the last ones with a negative $slice', async () => {
    const coll = t.db.collection<{ attempts: Array<{ day: number; n: number }> }>('push_sort');
    const { insertedId: _id } = await coll.insertOne({ attempts: [{ day: 2, n: 1 }] });
    await coll.updateOne(
      { _id },
      { $push: { attempts: { $each: [{ day: 1, n: 5 }, { day: 2, n: 0 }, { day: 1, n: 7 }], $sort: { day: 1, n: -1 }, $slice: -3 } } },
    );
    expect((await coll.findOne({ _id }))?.attempts).toEqual([
      { day: 1, n: 5 },
      { day: 2, n: 1 },
      { day: 2, n: 0 },
    ]);
  });

  it('updates array elements by positional $, $[] and $[identifier]', async () => {
    const coll = t.db.collection('positional');
    const { insertedId: _id } = await coll.insertOne({ items: [{ k: 'a', n: 1 }, { k: 'b', n: 2 }, { k: 'c', n: 3 }] });
    await coll.updateOne({ _id, 'items.k': 'b' }, { $set: { 'items.$.n': 20 } });
    await coll.updateOne({ _id }, { $inc: { 'items.$[].n': 1 } });
    await coll.updateOne({ _id }, { $set: { 'items.$[big].flag': true } }, { arrayFilters: [{ 'big.n': { $gte: 4 } }] });
    const doc = await coll.findOne({ _id });
    expect(doc?.items).toEqual([{ k: 'a', n: 2 }, { k: 'b', n: 21, flag: true }, { k: 'c', n: 4, flag: true }]);
  });

  it('applies an aggregation-pipeline update', async () => {
    const coll = t.db.collection('pipeline_updates');
    const { insertedId: _id } = await coll.insertOne({ first: 'Ann', last: 'Lee' });
    await coll.updateOne({ _id }, [{ $set: { full: { $concat: ['$first', ' ', '$last'] } } }]);
    expect((await coll.findOne({ _id }))?.full).toBe('Ann Lee');
  });
});

describe('findOneAndUpdate / findOneAndDelete', () => {
  it('returns the document before or after, honouring sort', async () => {
    const coll = t.db.collection('fam');
    await coll.insertMany([
      { q: 'x', due: 3 },
      { q: 'x', due: 1 },
      { q: 'x', due: 2 },
    ]);
    const before = await coll.findOneAndUpdate({ q: 'x' }, { $set: { taken: true } }, { sort: { due: 1 } });
    expect(before).toMatchObject({ due: 1 });
    expect(before?.taken).toBeUndefined();
    const after = await coll.findOneAndUpdate({ q: 'x', taken: { $ne: true } }, { $set: { taken: true } }, { sort: { due: -1 }, returnDocument: 'after' });
    expect(after).toMatchObject({ due: 3, taken: true });
    const removed = await coll.findOneAndDelete({ q: 'x' }, { sort: { due: 1 } });
    expect(removed?.due).toBe(1);
    const upserted = await coll.findOneAndUpdate({ q: 'new' }, { $set: { due: 9 } }, { upsert: true, returnDocument: 'after' });
    expect(upserted).toMatchObject({ q: 'new', due: 9 });
    const missing = await coll.findOneAndUpdate({ q: 'none' }, { $set: { due: 0 } });
    expect(missing).toBeNull();
  });
});

describe('cursors', () => {
  it('pages through 10 000 documents with getMore and honours skip/limit/batchSize', async () => {
    const coll = t.db.collection('many');
    const docs = Array.from({ length: 10_000 }, (_, i) => ({ i, group: i % 7 }));
    await coll.insertMany(docs);
    const all = await coll.find({}, { batchSize: 500 }).sort({ i: 1 }).toArray();
    expect(all).toHaveLength(10_000);
    expect(all.every((doc, index) => doc.i === index)).toBe(true);
    const page = await coll.find({ group: 3 }).sort({ i: -1 }).skip(10).limit(5).toArray();
    expect(page.map((d) => d.i)).toEqual([9_929, 9_922, 9_915, 9_908, 9_901]);
    let streamed = 0;
    for await (const _doc of coll.find({ group: { $lt: 2 } }).batchSize(101)) streamed += 1;
    expect(streamed).toBe(2_858);
  });

  it('opens a cursor with an empty first batch for batchSize 0, and refuses negative counts', async () => {
    const opened = await t.db.command({ find: 'many', filter: { group: 0 }, batchSize: 0 });
    expect(opened.cursor.firstBatch).toEqual([]);
    expect(opened.cursor.id.toString()).not.toBe('0');
    const rest = await t.db.command({ getMore: opened.cursor.id, collection: 'many' });
    expect(rest.cursor.nextBatch).toHaveLength(1_429);
    expect(rest.cursor.id.toString()).toBe('0');
    for (const field of ['batchSize', 'limit', 'skip']) {
      const error = await t.db.command({ find: 'many', [field]: -1 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 51024, message: `BSON field '${field}' value must be >= 0, actual value '-1'` });
    }
  });

  it('closes a cursor early without errors', async () => {
    const coll = t.db.collection('many');
    const cursor = coll.find({}).batchSize(10);
    expect(await cursor.next()).not.toBeNull();
    await cursor.close();
    expect(await coll.countDocuments({ group: 0 })).toBe(1_429);
  });
});
