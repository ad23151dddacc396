import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCardByNumber } from '../../server/src/contacts/card-by-number.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

describe('the card holding a number, asked for by telephony and screen-pop at once', () => {
  let mongo: TestMongo;
  let connection: Connection;
  const finds: unknown[] = [];

  beforeAll(async () => {
    mongo = await startTestMongo();
    connection = await mongoose.createConnection(mongo.connectionString, { monitorCommands: true }).asPromise();
    connection.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'find' && event.command.find === 'contacts') finds.push(event.command.filter);
    });
    await connection.collection('contacts').insertOne({ name: 'Ivan Petrov', phones: ['+73432001122'] });
  });
  afterAll(async () => {
    await connection?.close();
    await mongo?.stop();
  });

  it('reads the store once for lookups under way together, and again for a later one', async () => {
    const [forTelephony, forScreenPop] = await Promise.all([findCardByNumber(connection, '+73432001122'), findCardByNumber(connection, '+73432001122')]);
    expect(forTelephony?.name).toBe('Ivan Petrov');
    expect(forScreenPop).toBe(forTelephony);
    expect(finds).toHaveLength(1);

    // Nothing is kept afterwards: a card saved or edited since is found as it is now.
    await connection.collection('contacts').updateOne({ phones: '+73432001122' }, { $set: { name: 'Ivan Petrov jr' } });
    expect((await findCardByNumber(connection, '+73432001122'))?.name).toBe('Ivan Petrov jr');
    expect(finds).toHaveLength(2);
  });
});
