import { Router } from 'express';
import { z } from 'zod';
import { requireAuth, requireRole } from '../auth/require-auth.js';
import { AppError } from '../http/app-error.js';
import { parseInput } from '../http/validate.js';
import type { AppContext } from '../platform/app-context.js';
import { createQueueRepository, queueDefinitionSchema } from './queue.repository.js';

const nameParams = z.object({ name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a queue name') });

/** `/api/queues`: every signed-in user reads the queue list; admins add or change queues. */
export function createQueuesRouter(ctx: AppContext): Router {
  const queues = createQueueRepository(ctx.connection);
  const router = Router();

  router.get('/', requireAuth, async (_req, res) => {
    res.json({ items: await queues.list() });
  });

  router.put('/:name', requireRole('admin'), async (req, res) => {
    const { name } = parseInput(nameParams, req.params, 'params');
    const body = parseInput(queueDefinitionSchema.omit({ name: true }), req.body);
    res.json({ queue: await queues.upsert({ ...body, name }) });
  });

  router.get('/:name', requireAuth, async (req, res) => {
    const { name } = parseInput(nameParams, req.params, 'params');
    const queue = await queues.findByName(name);
    if (!queue) throw AppError.notFound('Queue');
    res.json({ queue });
  });

  return router;
}
