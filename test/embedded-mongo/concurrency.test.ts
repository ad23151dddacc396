import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

let mongo: TestMongo;
let clients: MongoClient[];
let db: Db;

beforeAll(async () => {
  mongo = await startTestMongo();
  // Several clients with their own connection pools, like several server instances.
  clients = await Promise.all(Array.from({ length: 4 }, () => MongoClient.connect(mongo.url, { maxPoolSize: 50 })));
  db = (clients[0] as MongoClient).db(mongo.dbName);
});

afterAll(async () => {
  await Promise.all((clients ?? []).map((client) => client.close()));
  await mongo?.stop();
});

describe('concurrent writes', () => {
  it('never hands one task to two of 200 agents claiming at once', async () => {
    const tasks = db.collection('tasks');
    await tasks.createIndex({ status: 1, dueAt: 1 });
    await tasks.insertMany(Array.from({ length: 150 }, (_, i) => ({ n: i, status: 'open', dueAt: new Date(Date.UTC(2026, 2, 2, 9, i)) })));
    const claims = await Promise.all(
      Array.from({ length: 200 }, (_, agent) =>
        (clients[agent % clients.length] as MongoClient)
          .db(mongo.dbName)
          .collection('tasks')
          .findOneAndUpdate({ status: 'open' }, { $set: { status: 'claimed', agent } }, { sort: { dueAt: 1 }, returnDocument: 'after' }),
      ),
    );
    const won = claims.filter((task) => task !== null);
    expect(won).toHaveLength(150);
    expect(new Set(won.map((task) => task?.n)).size).toBe(150);
    const stored = await tasks.find({ status: 'claimed' }).toArray();
    expect(stored).toHaveLength(150);
    expect(new Set(stored.map((task) => task.agent)).size).toBe(150);
  });

  it('applies every concurrent $inc exactly once', async () => {
    const counters = db.collection('counters');
    await counters.insertOne({ _id: 'calls' as never, n: 0 });
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        (clients[i % clients.length] as MongoClient).db(mongo.dbName).collection('counters').updateOne({ _id: 'calls' as never }, { $inc: { n: 1 } }),
      ),
    );
    expect((await counters.findOne({ _id: 'calls' as never }))?.n).toBe(300);
  });

  it('lets exactly one of many concurrent inserts of one unique phone succeed', async () => {
    const contacts = db.collection('contacts');
    await contacts.createIndex({ phones: 1 }, { unique: true });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        (clients[i % clients.length] as MongoClient).db(mongo.dbName).collection('contacts').insertOne({ name: `dup${i}`, phones: ['+79990000000'] }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 11000)).toBe(true);
  });

  it('keeps answering other clients while one client writes a large batch', async () => {
    const bulk = db.collection('bulk');
    const watcher = (clients[1] as MongoClient).db(mongo.dbName).collection('bulk');
    const total = 40_000;
    let finished = false;
    const writing = bulk
      .insertMany(Array.from({ length: total }, (_, i) => ({ i, name: `Contact ${i}`, tags: ['lead', `t${i % 50}`] })))
      .finally(() => {
        finished = true;
      });
    // Another client counts while the batch goes in: it must be served mid-batch, not only after.
    const seen: number[] = [];
    while (!finished) seen.push(await watcher.countDocuments());
    await writing;
    expect(seen.some((count) => count > 0 && count < total)).toBe(true);
    expect(await watcher.countDocuments()).toBe(total);
  });

  it('does not touch documents that stopped matching while a multi-document update was under way', async () => {
    const items = db.collection('items');
    const total = 30_000;
    await items.insertMany(Array.from({ length: total }, (_, i) => ({ i, status: 'open' })));
    const other = (clients[2] as MongoClient).db(mongo.dbName).collection('items');
    const closing = items.updateMany({ status: 'open' }, { $set: { status: 'closed' } });
    // Once the update is under way, another client takes the last documents away from its filter.
    while ((await other.countDocuments({ status: 'closed' })) === 0);
    const taken = await other.updateMany({ i: { $gte: total - 100 }, status: 'open' }, { $set: { status: 'taken' } });
    const result = await closing;
    const counts = Object.fromEntries((await items.aggregate([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray()).map((g) => [g._id, g.n]));
    // Whatever the interleaving, no document is both taken and closed, and every document is accounted for.
    expect((counts.closed ?? 0) + (counts.taken ?? 0)).toBe(total);
    expect(counts.taken ?? 0).toBe(taken.modifiedCount);
    expect(result.matchedCount).toBe(counts.closed);
    expect(result.modifiedCount).toBe(counts.closed);
  });
});
