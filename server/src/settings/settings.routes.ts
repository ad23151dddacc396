import { updateCompanySettingsSchema } from '@crm/shared';
import { Router } from 'express';
import { requireAuth, requireRole } from '../auth/require-auth.js';
import { parseInput } from '../http/validate.js';
import type { AppContext } from '../platform/app-context.js';
import { settingsRepositoryFor } from './settings.repository.js';

/** `/api/settings`: everyone signed in reads them (consoles need the window and funnel); admins change them. */
export function createSettingsRouter(ctx: AppContext): Router {
  const settings = settingsRepositoryFor(ctx.connection);
  const router = Router();

  router.get('/', requireAuth, async (_req, res) => {
    res.json({ settings: await settings.get() });
  });

  router.patch('/', requireRole('admin'), async (req, res) => {
    const change = parseInput(updateCompanySettingsSchema, req.body);
    res.json({ settings: await settings.update(change) });
  });

  return router;
}
