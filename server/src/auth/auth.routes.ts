import { Router, type CookieOptions, type Request } from 'express';
import { changeMyPasswordSchema, loginRequestSchema, updateMyPreferencesSchema, type LoginResponse } from '@crm/shared';
import { AppError } from '../http/app-error.js';
import { parseInput } from '../http/validate.js';
import type { AppContext } from '../platform/app-context.js';
import { verifyAgainstDummy, verifyPassword } from '../users/password.js';
import { createLoginThrottle } from './login-throttle.js';
import { currentToken, currentUser, requireAuth } from './require-auth.js';
import { SESSION_COOKIE } from './session-service.js';

/**
 * A browser-session cookie (no Max-Age): the server decides when the session ends (idle timeout,
 * logout, disabled user), so the cookie never outlives or cuts short the session it carries.
 */
function cookieOptions(req: Request): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' };
}

/** `/api/auth`: login, logout, who am I, my UI language. */
export function createAuthRouter(ctx: AppContext): Router {
  const { users, sessions, liveState, config } = ctx;
  const throttle = createLoginThrottle({
    store: liveState,
    maxFailures: config.auth.loginMaxFailures,
    windowMs: config.auth.loginLockMinutes * 60_000,
  });
  const router = Router();

  router.post('/login', async (req, res) => {
    const { login, password } = parseInput(loginRequestSchema, req.body);
    const address = req.ip ?? 'unknown';
    const decision = await throttle.check(address, login);
    if (!decision.allowed) {
      throw AppError.rateLimited('Too many failed logins; try again later', decision.retryAfterSeconds);
    }
    const found = await users.findByLogin(login);
    const isValid = found ? await verifyPassword(password, found.passwordHash) : await verifyAgainstDummy(password);
    if (!found || !isValid) {
      await throttle.recordFailure(address, login);
      throw AppError.unauthenticated('Wrong login or password');
    }
    if (found.user.disabled) {
      throw new AppError('ACCOUNT_DISABLED', { message: 'This account is disabled; ask an administrator', status: 403 });
    }
    await throttle.recordSuccess(address, login);
    const session = await sessions.start(found.user.id, { userAgent: req.get('user-agent') ?? null, ip: address });
    res.cookie(SESSION_COOKIE, session.token, cookieOptions(req));
    const body: LoginResponse = { user: found.user, token: session.token };
    res.json(body);
  });

  router.post('/logout', async (req, res) => {
    const token = currentToken(res);
    if (token) await sessions.end(token);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.status(204).end();
  });

  router.get('/me', requireAuth, (_req, res) => {
    res.json({ user: currentUser(res) });
  });

  router.patch('/me', requireAuth, async (req, res) => {
    const { language } = parseInput(updateMyPreferencesSchema, req.body);
    const user = await users.update(currentUser(res).id, { language });
    res.json({ user });
  });

  router.post('/password', requireAuth, async (req, res) => {
    const { currentPassword, newPassword } = parseInput(changeMyPasswordSchema, req.body);
    const me = currentUser(res);
    const found = await users.findByLogin(me.login);
    if (!found || !(await verifyPassword(currentPassword, found.passwordHash))) {
      throw new AppError('WRONG_PASSWORD', { message: 'currentPassword: does not match', status: 400 });
    }
    await users.update(me.id, { password: newPassword });
    // Everyone else holding this account's sessions (another browser, a stolen token) is out.
    await sessions.endAllFor(me.id, { keepToken: currentToken(res) ?? undefined });
    res.status(204).end();
  });

  return router;
}
