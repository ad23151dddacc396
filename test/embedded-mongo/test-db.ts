import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

export interface TestDb {
  readonly mongo: TestMongo;
  readonly client: MongoClient;
  readonly db: Db;
}

/**
 * A fresh database for the file's tests (the embedded store, or MONGO_URL's server), reached
 * through the plain driver; opened before the first test and dropped after the last.
 */
export function useTestDb(): TestDb {
  let mongo: TestMongo | undefined;
  let client: MongoClient | undefined;
  beforeAll(async () => {
    mongo = await startTestMongo();
    client = await MongoClient.connect(mongo.url);
  });
  afterAll(async () => {
    await client?.close();
    await mongo?.stop();
  });
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the test database is opened in beforeAll');
    return value;
  };
  return {
    get mongo() {
      return opened(mongo);
    },
    get client() {
      return opened(client);
    },
    get db() {
      return opened(client).db(opened(mongo).dbName);
    },
  };
}
