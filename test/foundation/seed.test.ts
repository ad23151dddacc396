import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@crm/shared';
import { silentLogger } from '../../server/src/observability/logger.js';
import { systemClock } from '../../server/src/platform/clock.js';
import { DEMO_SEEDERS, seedDemoData } from '../../server/src/seed/seed.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('demo data', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startTestApp({ seed: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const seed = () => seedDemoData({ connection: server.connection, logger: silentLogger(), clock: systemClock });

  it('seeds users, queues and contacts into an empty database, once', async () => {
    expect(await seed()).toEqual({ seeded: true, seeders: DEMO_SEEDERS.map((seeder) => seeder.name) });
    expect(await seed()).toEqual({ seeded: false, seeders: [] });

    const { token, user } = await server.login('agent1');
    expect(user).toMatchObject({ role: 'agent', extension: '1001', queues: ['support', 'sales'] });
    const { items } = (await (await fetch(`${server.baseUrl}/api/users`, { headers: { authorization: `Bearer ${(await server.login('admin')).token}` } })).json()) as { items: User[] };
    expect(items).toHaveLength(6);
    const contacts = await fetch(`${server.baseUrl}/api/contacts?q=a`, { headers: { authorization: `Bearer ${token}` } });
    expect(contacts.status).toBe(200);
    expect(await server.connection.collection('contacts').countDocuments()).toBeGreaterThan(5);
  });

  it('leaves a database with its own users alone', async () => {
    const other = await startTestApp({ seed: false, mongoUrl: server.mongoUrl });
    try {
      const users = other.context.users;
      await users.create({ login: 'owner', password: 'owner-pass', displayName: 'Owner', role: 'admin' });
      expect(await seedDemoData({ connection: other.connection, logger: silentLogger(), clock: systemClock })).toEqual({ seeded: false, seeders: [] });
      expect(await users.count()).toBe(1);
    } finally {
      await other.stop();
    }
  });
});
