import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role, User } from '@crm/shared';
import { AppError } from '../http/app-error.js';
import { SESSION_COOKIE, type SessionService } from './session-service.js';

/**
 * How routes learn who is calling. The app installs `attachSession` once; every router then uses
 * `requireAuth` / `requireRole(...)` and reads the user with `currentUser(res)`:
 *
 *   router.get('/', requireRole('supervisor', 'manager', 'admin'), async (req, res) => {
 *     const user = currentUser(res);
 *   });
 */

interface AuthLocals {
  /** Resolves the caller's session once per request (memoised). */
  resolveUser: () => Promise<User | null>;
  token: string | null;
  user?: User;
}

/** The session token of a request: `Authorization: Bearer <token>` first, then the cookie. */
export function tokenFromRequest(req: Request): string | null {
  const header = req.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (match?.[1]) return match[1];
  }
  const cookies = (req as Request & { cookies?: Record<string, unknown> }).cookies;
  const cookie = cookies?.[SESSION_COOKIE];
  return typeof cookie === 'string' && cookie !== '' ? cookie : null;
}

export function attachSession(sessions: SessionService): RequestHandler {
  return (req, res, next) => {
    const token = tokenFromRequest(req);
    let pending: Promise<User | null> | null = null;
    const locals: AuthLocals = {
      token,
      resolveUser: () => {
        pending ??= token ? sessions.resolve(token) : Promise.resolve(null);
        return pending;
      },
    };
    res.locals.auth = locals;
    next();
  };
}

function authLocals(res: Response): AuthLocals {
  const locals = res.locals.auth as AuthLocals | undefined;
  if (!locals) throw new Error('attachSession is not installed before this route');
  return locals;
}

/** 401 unless the request carries a valid session (cookie or bearer token) of an enabled user. */
export const requireAuth: RequestHandler = (_req: Request, res: Response, next: NextFunction) => {
  const locals = authLocals(res);
  locals
    .resolveUser()
    .then((user) => {
      if (!user) return next(AppError.unauthenticated());
      locals.user = user;
      next();
    })
    .catch(next);
};

/** 401 without a session, 403 when the user's role is not one of `roles`. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    requireAuth(req, res, (error?: unknown) => {
      if (error) return next(error);
      const user = currentUser(res);
      if (!roles.includes(user.role)) return next(AppError.forbidden(`This needs one of the roles: ${roles.join(', ')}`));
      next();
    });
  };
}

/** The authenticated user; only valid after requireAuth/requireRole ran. */
export function currentUser(res: Response): User {
  const user = authLocals(res).user;
  if (!user) throw new Error('currentUser() used on a route without requireAuth');
  return user;
}

/** The raw session token of this request (for logout). */
export function currentToken(res: Response): string | null {
  return authLocals(res).token;
}
