import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.js';
import { seedDemoContacts } from '../contacts/demo-contacts.js';
import { createQueueRepository, DEMO_QUEUES } from '../queues/queue.repository.js';
import { createUserRepository } from '../users/user.repository.js';
import { hashPassword } from '../users/password.js';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users.js';

export interface SeedContext {
  connection: Connection;
  logger: Logger;
  clock: Clock;
}

/**
 * One slice of demo data. Seeders run in order into an empty database and must be idempotent:
 * an interrupted seed is run again in full at the next start.
 */
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

// Hashing is deliberately slow; every demo user has the same public password, so hash it once per process.
let demoPasswordHash: Promise<string> | null = null;

export const demoUsersSeeder: Seeder = {
  name: 'users',
  async run({ connection }) {
    const users = createUserRepository(connection);
    demoPasswordHash ??= hashPassword(DEMO_PASSWORD);
    const passwordHash = await demoPasswordHash;
    for (const user of DEMO_USERS) {
      if (!(await users.findByLogin(user.login))) await users.create({ ...user, passwordHash });
    }
  },
};

export const demoContactsSeeder: Seeder = {
  name: 'contacts',
  async run({ connection, clock }) {
    await seedDemoContacts(connection, { clock });
  },
};

/** Every demo seeder, in order (contacts need their owners, the users). Domains add theirs here. */
export const DEMO_SEEDERS: Seeder[] = [demoQueuesSeeder, demoUsersSeeder, demoContactsSeeder];

export interface SeedResult {
  seeded: boolean;
  seeders: string[];
}

const META_COLLECTION = 'app_meta';
const SEED_MARKER = 'demo-seed';

interface SeedMarker {
  _id: string;
  startedAt: Date;
  completedAt: Date | null;
}

/** An empty database has no users: a fresh install, nobody could have logged in yet. */
export async function isDatabaseEmpty(connection: Connection): Promise<boolean> {
  const users = createUserRepository(connection);
  return (await users.count()) === 0;
}

/**
 * Seeds the demo data into an empty database. Does nothing when the database has users of its
 * own; finishes a demo seed that a previous start began but did not complete.
 */
export async function seedDemoData(context: SeedContext, seeders: Seeder[] = DEMO_SEEDERS): Promise<SeedResult> {
  const meta = context.connection.collection<SeedMarker>(META_COLLECTION);
  const marker = await meta.findOne({ _id: SEED_MARKER });
  const isUnfinished = marker !== null && marker.completedAt === null;
  if (!isUnfinished && (marker !== null || !(await isDatabaseEmpty(context.connection)))) return { seeded: false, seeders: [] };

  await meta.updateOne({ _id: SEED_MARKER }, { $set: { startedAt: context.clock.now(), completedAt: null } }, { upsert: true });
  const ran: string[] = [];
  for (const seeder of seeders) {
    context.logger.info({ seeder: seeder.name }, 'Seeding demo data');
    await seeder.run(context);
    ran.push(seeder.name);
  }
  await meta.updateOne({ _id: SEED_MARKER }, { $set: { completedAt: context.clock.now() } });
  return { seeded: true, seeders: ran };
}
