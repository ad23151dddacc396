export { createQueueRepository, DEMO_QUEUES, queueDefinitionSchema } from './queue.repository.js';
export type { QueueDefinition, QueueRepository } from './queue.repository.js';
export { createQueuesRouter } from './queues.routes.js';
