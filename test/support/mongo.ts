/**
 * The database every integration test uses: the server in `MONGO_URL` when set (each call gets
 * its own fresh database, dropped on stop), otherwise the embedded store on a free port in a
 * fresh temporary directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { startEmbeddedMongo } from '../../server/src/embedded-mongo/index.js';

export interface TestMongo {
  /** Server URL without a database name: `mongodb://host:port` (append `/${dbName}`). */
  url: string;
  /** A database name no other test uses. */
  dbName: string;
  /** Full connection string for `dbName`, keeping any options MONGO_URL carried (`?replicaSet=…`). */
  connectionString: string;
  stop(): Promise<void>;
}

/** Splits `mongodb://user:pw@host:port/db?opts` into its server part and its options. */
function splitMongoUrl(url: string): { server: string; options: string } {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(url);
  if (!match) throw new Error(`MONGO_URL is not a mongodb:// connection string: ${url}`);
  return { server: match[1] as string, options: match[2] ?? '' };
}

export async function startTestMongo(): Promise<TestMongo> {
  const dbName = `test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const external = process.env.MONGO_URL;
  if (external) {
    const { server, options } = splitMongoUrl(external);
    return {
      url: server,
      dbName,
      connectionString: `${server}/${dbName}${options}`,
      async stop() {
        const client = await MongoClient.connect(external);
        try {
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  }
  const dbPath = await mkdtemp(path.join(os.tmpdir(), 'crm-test-mongo-'));
  const mongo = await startEmbeddedMongo({ dbPath, port: 0, logger: pino({ level: 'warn' }) });
  return {
    url: mongo.url,
    dbName,
    connectionString: `${mongo.url}/${dbName}`,
    async stop() {
      await mongo.close();
      await rm(dbPath, { recursive: true, force: true });
    },
  };
}
