import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { connectRaw, opMsg } from './wire.js';

let mongo: TestMongo;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  mongo = await startTestMongo();
  client = await MongoClient.connect(mongo.url);
  db = client.db(mongo.dbName);
  await db.collection('precious').insertMany(Array.from({ length: 50 }, (_, i) => ({ i })));
});

afterAll(async () => {
  await client?.close();
  await mongo?.stop();
});

/** After every bad client: the store still serves others and has lost nothing. */
async function expectStoreIntact(): Promise<void> {
  expect(await db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  expect(await db.collection('precious').countDocuments()).toBe(50);
}

describe('bad input on the wire', () => {
  it('reassembles a command sent one byte at a time, and answers two commands sent in one write', async () => {
    const raw = await connectRaw(mongo.url);
    const message = opMsg({ ping: 1, $db: 'admin' });
    for (const byte of message) {
      raw.socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await raw.nextReply()).toMatchObject({ ok: 1 });
    raw.socket.write(Buffer.concat([opMsg({ ping: 1, $db: 'admin' }), opMsg({ count: 'precious', $db: mongo.dbName })]));
    expect(await raw.nextReply()).toMatchObject({ ok: 1 });
    expect(await raw.nextReply()).toMatchObject({ ok: 1, n: 50 });
    raw.close();
  });

  it('closes a connection that announces a message over 48 MB', async () => {
    const raw = await connectRaw(mongo.url);
    const header = Buffer.alloc(16);
    header.writeInt32LE(64 * 1024 * 1024, 0);
    header.writeInt32LE(2013, 12);
    raw.socket.write(header);
    raw.socket.write(Buffer.alloc(1024 * 1024));
    expect(await raw.nextReply()).toBe('closed');
    await expectStoreIntact();
  });

  it('closes a connection that uses an unknown opcode', async () => {
    const raw = await connectRaw(mongo.url);
    raw.socket.write(opMsg({ ping: 1, $db: 'admin' }, 4242));
    expect(await raw.nextReply()).toBe('closed');
    await expectStoreIntact();
  });

  it('answers invalid BSON with an error or closes, without storing anything', async () => {
    const raw = await connectRaw(mongo.url);
    const message = opMsg({ insert: 'precious', documents: [{ i: 999 }], $db: mongo.dbName });
    message.writeInt32LE(1_000_000, 21); // the body's own length now lies
    raw.socket.write(message);
    const reply = await raw.nextReply();
    if (reply !== 'closed') expect(reply.ok).toBe(0);
    raw.close();
    await expectStoreIntact();
  });

  it('answers a command without $db with an error and keeps the connection', async () => {
    const raw = await connectRaw(mongo.url);
    raw.socket.write(opMsg({ ping: 1 }));
    expect(await raw.nextReply()).toMatchObject({ ok: 0, code: 40571 });
    raw.socket.write(opMsg({ ping: 1, $db: 'admin' }));
    expect(await raw.nextReply()).toMatchObject({ ok: 1 });
    raw.close();
  });

  it('rejects a nonsensical message length', async () => {
    const raw = await connectRaw(mongo.url);
    const header = Buffer.alloc(16);
    header.writeInt32LE(3, 0);
    raw.socket.write(header);
    expect(await raw.nextReply()).toBe('closed');
    await expectStoreIntact();
  });

  it('forgets a client that disconnects in the middle of a message', async () => {
    const raw = await connectRaw(mongo.url);
    const message = opMsg({ insert: 'precious', documents: [{ i: 1000 }], $db: mongo.dbName });
    raw.socket.write(message.subarray(0, message.length - 5));
    raw.close();
    await expectStoreIntact();
  });

  it('stops reading from a client that sends requests without reading the replies, then answers them all', async () => {
    // Each reply is ~250 KB; a store that kept reading would buffer them all in memory. Once the
    // store stops reading, the socket buffers fill and the client's writes start to back up.
    await db.collection('bulky').insertMany(Array.from({ length: 25 }, (_, i) => ({ i, pad: 'x'.repeat(10_000) })));
    const raw = await connectRaw(mongo.url);
    const request = () => opMsg({ find: 'bulky', filter: {}, batchSize: 1000, comment: 'y'.repeat(64 * 1024), $db: mongo.dbName });
    raw.socket.pause();
    let sent = 0;
    let isBackedUp = false;
    while (!isBackedUp && sent < 2_000) {
      isBackedUp = !raw.socket.write(request());
      sent += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(isBackedUp).toBe(true);
    raw.socket.resume();
    for (let i = 0; i < sent; i += 1) {
      const reply = await raw.nextReply();
      expect(reply).toMatchObject({ ok: 1, cursor: { id: 0 } });
    }
    raw.close();
    await expectStoreIntact();
  });

  it('keeps serving a client whose command is invalid', async () => {
    const error = await db.collection('precious').find({ i: { $bogusOperator: 1 } }).toArray().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: expect.any(Number) });
    await expectStoreIntact();
  });
});
