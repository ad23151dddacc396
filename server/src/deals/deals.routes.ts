import { createDealSchema, listDealsQuerySchema, moveDealStageSchema, updateDealSchema } from '@crm/shared';
import { Router } from 'express';
import { z } from 'zod';
import { currentUser, requireAuth } from '../auth/require-auth.js';
import { parseInput } from '../http/validate.js';
import type { AppContext } from '../platform/app-context.js';
import { createDealsService } from './deals.service.js';

const idParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/i, 'must be a deal id') });

/** `/api/deals`: every signed-in user works deals (agents move them through outcomes too). */
export function createDealsRouter(ctx: AppContext): Router {
  const deals = createDealsService(ctx);
  const router = Router();

  router.get('/', requireAuth, async (req, res) => {
    const query = parseInput(listDealsQuerySchema, req.query, 'query');
    const { items, total } = await deals.repository.list(query);
    res.json({ items, total, page: query.page, pageSize: query.pageSize });
  });

  router.post('/', requireAuth, async (req, res) => {
    const input = parseInput(createDealSchema, req.body);
    res.status(201).json({ deal: await deals.create(input, currentUser(res)) });
  });

  router.get('/:id', requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    res.json({ deal: await deals.get(id) });
  });

  router.patch('/:id', requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const input = parseInput(updateDealSchema, req.body);
    res.json({ deal: await deals.update(id, input) });
  });

  router.post('/:id/stage', requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const input = parseInput(moveDealStageSchema, req.body);
    res.json({ deal: await deals.moveStage(id, input, currentUser(res)) });
  });

  return router;
}
