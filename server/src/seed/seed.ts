import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import { createQueueRepository, DEMO_QUEUES } from '../queues/queue.repository.js';
import { createUserRepository } from '../users/user.repository.js';
import { DEMO_USERS } from './demo-users.js';

export interface SeedContext {
  connection: Connection;
  logger: Logger;
  clock: Clock;
}

/** One slice of demo data. Seeders run in order, only into an empty database. */
export interface Seeder {
  name: string;
  run(context: SeedContext): Promise<void>;
}

export const demoQueuesSeeder: Seeder = {
  name: 'queues',
  async run({ connection }) {
    const queues = createQueueRepository(connection);
    for (const queue of DEMO_QUEUES) await queues.upsert(queue);
  },
};

export const demoUsersSeeder: Seeder = {
  name: 'users',
  async run({ connection }) {
    const users = createUserRepository(connection);
    for (const user of DEMO_USERS) {
      if (!(await users.findByLogin(user.login))) await users.create(user);
    }
  },
};

/**
 * Every demo seeder, in order. Domains add theirs here, e.g.
 * `{ name: 'contacts', run: ({ connection }) => seedDemoContacts(connection) }`.
 */
export const DEMO_SEEDERS: Seeder[] = [demoQueuesSeeder, demoUsersSeeder];

export interface SeedResult {
  seeded: boolean;
  seeders: string[];
}

/** An empty database has no users: a fresh install, nobody could have logged in yet. */
export async function isDatabaseEmpty(connection: Connection): Promise<boolean> {
  const users = createUserRepository(connection);
  return (await users.count()) === 0;
}

/** Seeds the demo data into an empty database; does nothing when users exist. */
export async function seedDemoData(context: SeedContext, seeders: Seeder[] = DEMO_SEEDERS): Promise<SeedResult> {
  if (!(await isDatabaseEmpty(context.connection))) return { seeded: false, seeders: [] };
  const ran: string[] = [];
  for (const seeder of seeders) {
    context.logger.info({ seeder: seeder.name }, 'Seeding demo data');
    await seeder.run(context);
    ran.push(seeder.name);
  }
  return { seeded: true, seeders: ran };
}
