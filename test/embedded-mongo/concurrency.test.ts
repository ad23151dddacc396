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
});
