import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

let mongo: TestMongo;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  mongo = await startTestMongo();
  client = await MongoClient.connect(mongo.url);
  db = client.db(mongo.dbName);
  await db.collection('calls').insertMany([
    { queue: 'support', result: 'answered', wait: 10, agent: 'a1', at: new Date('2026-03-02T05:30:00Z') },
    { queue: 'support', result: 'abandoned', wait: 40, at: new Date('2026-03-02T05:50:00Z') },
    { queue: 'sales', result: 'answered', wait: 5, agent: 'a2', at: new Date('2026-03-02T20:10:00Z') },
    { queue: 'support', result: 'answered', wait: 25, agent: 'a1', at: new Date('2026-03-02T21:15:00Z') },
  ]);
  await db.collection('agents').insertMany([
    { _id: 'a1' as never, name: 'Agent One' },
    { _id: 'a2' as never, name: 'Agent Two' },
  ]);
});

afterAll(async () => {
  await client?.close();
  await mongo?.stop();
});

describe('aggregation', () => {
  it('groups, sorts and counts', async () => {
    const rows = await db
      .collection('calls')
      .aggregate([
        { $match: { queue: 'support' } },
        { $group: { _id: '$result', calls: { $sum: 1 }, avgWait: { $avg: '$wait' }, maxWait: { $max: '$wait' } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { _id: 'abandoned', calls: 1, avgWait: 40, maxWait: 40 },
      { _id: 'answered', calls: 2, avgWait: 17.5, maxWait: 25 },
    ]);
    const [counted] = await db.collection('calls').aggregate([{ $match: { wait: { $gte: 10 } } }, { $count: 'n' }]).toArray();
    expect(counted).toEqual({ n: 3 });
  });

  it('buckets hours in the company time zone with $hour and $dateToString', async () => {
    const rows = await db
      .collection('calls')
      .aggregate([
        {
          $project: {
            _id: 0,
            wait: 1,
            hourMoscow: { $hour: { date: '$at', timezone: 'Europe/Moscow' } },
            dayVladivostok: { $dateToString: { date: '$at', format: '%Y-%m-%d %H:%M', timezone: 'Asia/Vladivostok' } },
          },
        },
        { $sort: { wait: 1 } },
      ])
      .toArray();
    expect(rows).toEqual([
      { wait: 5, hourMoscow: 23, dayVladivostok: '2026-03-03 06:10' },
      { wait: 10, hourMoscow: 8, dayVladivostok: '2026-03-02 15:30' },
      { wait: 25, hourMoscow: 0, dayVladivostok: '2026-03-03 07:15' },
      { wait: 40, hourMoscow: 8, dayVladivostok: '2026-03-02 15:50' },
    ]);
  });

  it('joins with $lookup, unwinds, and runs $facet and $bucket', async () => {
    const joined = await db
      .collection('calls')
      .aggregate([
        { $match: { agent: { $exists: true } } },
        { $lookup: { from: 'agents', localField: 'agent', foreignField: '_id', as: 'agentDoc' } },
        { $unwind: '$agentDoc' },
        { $group: { _id: '$agentDoc.name', calls: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ])
      .toArray();
    expect(joined).toEqual([
      { _id: 'Agent One', calls: 2 },
      { _id: 'Agent Two', calls: 1 },
    ]);
    const [facets] = await db
      .collection('calls')
      .aggregate([
        {
          $facet: {
            byQueue: [{ $sortByCount: '$queue' }],
            waits: [{ $bucket: { groupBy: '$wait', boundaries: [0, 20, 60], default: 'other', output: { n: { $sum: 1 } } } }],
          },
        },
      ])
      .toArray();
    expect(facets?.byQueue).toEqual([
      { _id: 'support', count: 3 },
      { _id: 'sales', count: 1 },
    ]);
    expect(facets?.waits).toEqual([
      { _id: 0, n: 2 },
      { _id: 20, n: 2 },
    ]);
  });

  it('does not change stored documents when a pipeline reshapes them', async () => {
    await db.collection('calls').aggregate([{ $addFields: { wait: 0, extra: true } }, { $unset: 'queue' }]).toArray();
    const stored = await db.collection('calls').find({}, { projection: { _id: 0, wait: 1, queue: 1, extra: 1 } }).sort({ wait: 1 }).toArray();
    expect(stored.map((d) => d.wait)).toEqual([5, 10, 25, 40]);
    expect(stored.every((d) => d.queue && d.extra === undefined)).toBe(true);
  });

  it('requires the cursor option and honours its batchSize', async () => {
    const error = await db.command({ aggregate: 'calls', pipeline: [] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 9 });
    const reply = await db.command({ aggregate: 'calls', pipeline: [], cursor: { batchSize: 0 } });
    expect(reply.cursor.firstBatch).toEqual([]);
  });

  it('explains a pipeline instead of running it when asked', async () => {
    const plan = (await db.collection('calls').aggregate([{ $match: { queue: 'support' } }, { $group: { _id: '$result', n: { $sum: 1 } } }]).explain()) as Record<string, unknown>;
    expect(plan.queryPlanner ?? plan.stages).toBeDefined();
    expect(plan.cursor).toBeUndefined();
  });
});
