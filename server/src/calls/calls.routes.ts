import { Router } from 'express';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { listCallsQuerySchema } from '@crm/shared';
import { requireAuth } from '../auth/require-auth.js';
import { AppError } from '../http/app-error.js';
import { parseInput } from '../http/validate.js';
import { settingsRepositoryFor } from '../settings/settings.repository.js';
import { toE164 } from '../telephony/phone-number.js';
import { createCallRepository } from './call.repository.js';

const idParams = z.object({ id: z.string().min(1).max(128) });

/**
 * `/api/calls`: call records for every signed-in user.
 *   GET /        ?from&to&queue&agent&direction&result&number&page&pageSize → { items, total, page, pageSize }
 *   GET /:id     one call (id = Linkedid)
 */
export function createCallsRouter(deps: { connection: Connection }): Router {
  const calls = createCallRepository(deps.connection);
  const settings = settingsRepositoryFor(deps.connection);
  const router = Router();

  router.get('/', requireAuth, async (req, res) => {
    const query = parseInput(listCallsQuerySchema, req.query, 'query');
    if (query.from && query.to && new Date(query.from) > new Date(query.to)) throw AppError.validation('from: must not be after to');
    if (query.number) {
      // A whole number as people type it (`8 343 200-11-22`) is searched as stored, in E.164; a fragment as typed.
      const e164 = toE164(query.number, (await settings.get()).defaultCountry);
      if (e164?.startsWith('+')) query.number = e164;
    }
    res.json(await calls.list(query));
  });

  router.get('/:id', requireAuth, async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const call = await calls.findByLinkedid(id);
    if (!call) throw AppError.notFound('Call');
    res.json({ call });
  });

  return router;
}
