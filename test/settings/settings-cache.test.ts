import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSettingsRepository } from '../../server/src/settings/settings.repository.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

describe('company settings read by every screen-pop', () => {
  let mongo: TestMongo;
  let connection: Connection;
  beforeAll(async () => {
    mongo = await startTestMongo();
    connection = await mongoose.createConnection(mongo.connectionString).asPromise();
  });
  afterAll(async () => {
    await connection?.close();
    await mongo?.stop();
  });

  it('answers from memory, and takes up another instance’s change once the copy is old', async () => {
    let now = 0;
    const thisInstance = createSettingsRepository(connection, { cacheMs: 5_000, now: () => now });
    const otherInstance = createSettingsRepository(connection, { cacheMs: 5_000, now: () => now });
    expect(thisInstance.peek()).toBeNull();
    expect((await thisInstance.get()).defaultCountry).toBe('RU');
    expect(thisInstance.peek()?.defaultCountry).toBe('RU');

    await otherInstance.update({ defaultCountry: 'PL' });
    // A change made here is seen at once; one made elsewhere only after the copy ages.
    expect((await otherInstance.get()).defaultCountry).toBe('PL');
    expect((await thisInstance.get()).defaultCountry).toBe('RU');

    now += 6_000;
    // The old copy still answers at once while one read refreshes it…
    expect(thisInstance.peek()?.defaultCountry).toBe('RU');
    // …and the next answer has the change.
    await expect.poll(async () => (await thisInstance.get()).defaultCountry).toBe('PL');
  });

});
