import type { Connection } from 'mongoose';
import { z } from 'zod';
import { queueModel } from './queue.model.js';

export const queueDefinitionSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'may contain only letters, digits, _ and -'),
  displayName: z.string().trim().min(1).max(120),
  serviceLevelSeconds: z.number().int().min(1).max(600).default(20),
  shortAbandonSeconds: z.number().int().min(0).max(120).default(5),
});
export type QueueDefinition = z.infer<typeof queueDefinitionSchema>;

/** The demo queues (same names as the Asterisk fixture's queues.conf). */
export const DEMO_QUEUES: QueueDefinition[] = [
  { name: 'support', displayName: 'Support', serviceLevelSeconds: 20, shortAbandonSeconds: 5 },
  { name: 'sales', displayName: 'Sales', serviceLevelSeconds: 20, shortAbandonSeconds: 5 },
];

export interface QueueRepository {
  list(): Promise<QueueDefinition[]>;
  findByName(name: string): Promise<QueueDefinition | null>;
  /** Creates or updates a queue by name. */
  upsert(definition: QueueDefinition): Promise<QueueDefinition>;
}

const plain = (doc: QueueDefinition): QueueDefinition => ({
  name: doc.name,
  displayName: doc.displayName,
  serviceLevelSeconds: doc.serviceLevelSeconds,
  shortAbandonSeconds: doc.shortAbandonSeconds,
});

export function createQueueRepository(connection: Connection): QueueRepository {
  const Queues = queueModel(connection);
  return {
    async list() {
      const docs = await Queues.find().sort({ name: 1 }).lean<QueueDefinition[]>();
      return docs.map(plain);
    },
    async findByName(name) {
      const doc = await Queues.findOne({ name }).lean<QueueDefinition>();
      return doc ? plain(doc) : null;
    },
    async upsert(definition) {
      const doc = await Queues.findOneAndUpdate({ name: definition.name }, { $set: definition }, { upsert: true, returnDocument: 'after' }).lean<QueueDefinition>();
      return plain(doc ?? definition);
    },
  };
}
