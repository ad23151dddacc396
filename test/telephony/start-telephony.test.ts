import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '@crm/shared';
import { startTelephony } from '../../server/src/telephony/index.js';
import { startTestDatabase, waitFor, type TestDatabase } from '../support/pbx.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

describe('starting telephony without AMI_HOST', () => {
  it('runs the built-in simulator whose callers are the contacts in the database, and reports it in health', async () => {
    const { insertedId } = await db.connection.collection('contacts').insertOne({ name: 'Anna Kovalenko', phones: ['+380441234567'] });
    const started = await startTelephony({
      ami: { host: null, port: 5038, username: 'crm', secret: 'crm-secret' },
      defaultCountry: 'RU',
      connection: db.connection,
      logger: pino({ level: 'silent' }),
      clock: { now: () => new Date() },
      simulator: { timeScale: 0.02, traffic: { enabled: true, callsPerMinute: 300, unknownShare: 0 } },
    });
    try {
      const calls: CallRecord[] = [];
      started.telephony.on('call:changed', (call) => calls.push(call));
      await waitFor(() => started.telephony.health().up, 'AMI up');
      expect(started.telephony.health()).toEqual({ mode: 'simulator', up: true });
      expect(started.amiTarget).toMatch(/^127\.0\.0\.1:\d+$/);
      await waitFor(() => calls.find((call) => call.contactId === String(insertedId)), 'a simulated call from the contact');
      expect(calls.find((call) => call.contactId)).toMatchObject({ direction: 'inbound', callerNumber: '+380441234567' });
    } finally {
      await started.close();
    }
    expect(started.telephony.health().up).toBe(false);
  });
});
