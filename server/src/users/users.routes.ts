import { Router } from 'express';
import { z } from 'zod';
import { createUserSchema, updateUserSchema } from '@crm/shared';
import { currentToken, currentUser, requireAuth, requireRole } from '../auth/require-auth.js';
import { AppError } from '../http/app-error.js';
import { parseInput } from '../http/validate.js';
import type { AppContext } from '../platform/app-context.js';

const idParams = z.object({ id: z.string().regex(/^[a-f0-9]{24}$/i, 'must be a user id') });

/**
 * `/api/users`: admins create, edit and disable users; every signed-in user reads the directory
 * (who sits on which extension) that boards and reports show names from.
 */
export function createUsersRouter(ctx: AppContext): Router {
  const { users, sessions, realtime, logger } = ctx;
  const router = Router();

  router.get('/directory', requireAuth, async (_req, res) => {
    const items = (await users.list())
      .filter((user) => !user.disabled)
      .map(({ id, login, displayName, role, extension, queues }) => ({ id, login, displayName, role, extension, queues }));
    res.json({ items });
  });

  router.use(requireRole('admin'));

  router.get('/', async (_req, res) => {
    res.json({ items: await users.list() });
  });

  router.post('/', async (req, res) => {
    const input = parseInput(createUserSchema, req.body);
    const user = await users.create(input);
    logger.info({ login: user.login, role: user.role, by: currentUser(res).login }, 'User created');
    res.status(201).json({ user });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const user = await users.findById(id);
    if (!user) throw AppError.notFound('User');
    res.json({ user });
  });

  router.patch('/:id', async (req, res) => {
    const { id } = parseInput(idParams, req.params, 'params');
    const changes = parseInput(updateUserSchema, req.body);
    const me = currentUser(res);
    if (id === me.id && (changes.disabled === true || (changes.role !== undefined && changes.role !== 'admin'))) {
      throw AppError.conflict('You cannot disable yourself or take away your own admin role');
    }
    const user = await users.update(id, changes);
    // A disabled user or a new password ends every session; any change of who they are or what
    // they hear (role, extension, queues) reconnects their sockets so they rejoin the right rooms.
    if (changes.disabled === true || changes.password !== undefined) {
      // An admin resetting their own password stays signed in here.
      await sessions.endAllFor(id, id === me.id ? { keepToken: currentToken(res) ?? undefined } : {});
    }
    if (changes.disabled === true || changes.role !== undefined || changes.extension !== undefined || changes.queues !== undefined) {
      realtime.disconnectUser(id);
    }
    logger.info({ login: user.login, fields: Object.keys(changes), by: me.login }, 'User updated');
    res.json({ user });
  });

  return router;
}
