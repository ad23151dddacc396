import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, HealthResponse, User } from '@crm/shared';
import { manualClock } from '../../server/src/platform/clock.js';
import { startTestApp, type TestApp } from '../support/app.js';

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

describe('signing in and role checks over HTTP', () => {
  let server: TestApp;
  const clock = manualClock('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    server = await startTestApp({ clock, config: { auth: { loginMaxFailures: 5 } } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${server.baseUrl}${path}`, init);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    api(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('reports the embedded store and in-memory live state on /healthz', async () => {
    const response = await api('/healthz');
    expect(response.status).toBe(200);
    const health = await json<HealthResponse>(response);
    expect(health.mongo).toEqual({ mode: 'embedded', up: true });
    expect(health.redis).toEqual({ mode: 'memory', up: true });
    expect(health.ami).toMatchObject({ mode: 'simulator', up: false });
    expect(health.status).toBe('degraded');
  });

  it.each([
    ['agent1', 'agent', '1001'],
    ['agent2', 'agent', '1002'],
    ['agent3', 'agent', '1003'],
    ['supervisor', 'supervisor', null],
    ['manager', 'manager', null],
    ['admin', 'admin', null],
  ] as const)('logs %s in as %s with an httpOnly session cookie', async (login, role, extension) => {
    const response = await post('/api/auth/login', { login, password: 'demo' });
    expect(response.status).toBe(200);
    const body = await json<{ user: User; token: string }>(response);
    expect(body.user).toMatchObject({ login, role, extension });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.token.length).toBeGreaterThan(20);
    const cookie = response.headers.getSetCookie().find((value) => value.startsWith('crm_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('answers who I am with the bearer token and with the cookie', async () => {
    const { token, cookie } = await server.login('agent1');
    const byToken = await json<{ user: User }>(await api('/api/auth/me', { headers: { authorization: `Bearer ${token}` } }));
    const byCookie = await json<{ user: User }>(await api('/api/auth/me', { headers: { cookie } }));
    expect(byToken.user.login).toBe('agent1');
    expect(byCookie.user.extension).toBe('1001');
  });

  it('refuses a wrong password with 401 UNAUTHENTICATED', async () => {
    const response = await post('/api/auth/login', { login: 'agent2', password: 'wrong' });
    expect(response.status).toBe(401);
    const body = await json<ErrorBody>(response);
    expect(body.error.code).toBe('UNAUTHENTICATED');
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('refuses an unknown login the same way', async () => {
    const response = await post('/api/auth/login', { login: 'nobody', password: 'demo' });
    expect(response.status).toBe(401);
    expect((await json<ErrorBody>(response)).error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 without a token and with a made-up one', async () => {
    const missing = await api('/api/auth/me');
    expect(missing.status).toBe(401);
    expect((await json<ErrorBody>(missing)).error.code).toBe('UNAUTHENTICATED');
    const madeUp = await api('/api/users', { headers: { authorization: 'Bearer not-a-session' } });
    expect(madeUp.status).toBe(401);
  });

  it('answers 403 when the role does not fit', async () => {
    const { token } = await server.login('agent1');
    const response = await api('/api/users', { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(403);
    expect((await json<ErrorBody>(response)).error.code).toBe('FORBIDDEN');
  });

  it('answers 400 naming the missing field', async () => {
    const response = await post('/api/auth/login', { login: 'agent1' });
    expect(response.status).toBe(400);
    const body = await json<ErrorBody>(response);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toBe('password: is required');
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await api('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"login":' });
    expect(response.status).toBe(400);
    expect((await json<ErrorBody>(response)).error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a 2 MB body with 413 JSON', async () => {
    const response = await post('/api/auth/login', { login: 'agent1', password: 'x'.repeat(2 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect((await json<ErrorBody>(response)).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 404 JSON for an unknown API route', async () => {
    const response = await api('/api/no-such-thing');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect((await json<ErrorBody>(response)).error.code).toBe('NOT_FOUND');
  });

  it('tags every answer with a request id and sends security headers', async () => {
    const response = await api('/api/auth/me', { headers: { 'x-request-id': 'trace-123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    const generated = await api('/healthz');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.headers.get('x-content-type-options')).toBe('nosniff');
    expect(generated.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('rate-limits repeated bad logins with 429, even with the right password then', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      statuses.push((await post('/api/auth/login', { login: 'agent3', password: `guess-${attempt}` })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const locked = await post('/api/auth/login', { login: 'agent3', password: 'demo' });
    expect(locked.status).toBe(429);
    expect((await json<ErrorBody>(locked)).error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other users on the same address are not locked out by agent3's failures.
    expect((await post('/api/auth/login', { login: 'agent2', password: 'demo' })).status).toBe(200);
  });

  it('lets a user switch their own UI language', async () => {
    const { token } = await server.login('agent2');
    const response = await api('/api/auth/me', {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'en' }),
    });
    expect(response.status).toBe(200);
    expect((await json<{ user: User }>(response)).user.language).toBe('en');
    const me = await json<{ user: User }>(await api('/api/auth/me', { headers: { authorization: `Bearer ${token}` } }));
    expect(me.user.language).toBe('en');
    const bad = await api('/api/auth/me', {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'xx' }),
    });
    expect(bad.status).toBe(400);
    expect((await json<ErrorBody>(bad)).error.message).toMatch(/^language: /);
  });

  it('lets a user change their own password, ending their other sessions', async () => {
    const here = await server.login('agent1');
    const elsewhere = await server.login('agent1');
    const change = (currentPassword: string, newPassword: string) =>
      api('/api/auth/password', {
        method: 'POST',
        headers: { authorization: `Bearer ${here.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ currentPassword, newPassword }),
      });
    const wrong = await change('not-it', 'better-pass');
    expect(wrong.status).toBe(400);
    expect((await json<ErrorBody>(wrong)).error.code).toBe('WRONG_PASSWORD');
    expect((await change('demo', 'better-pass')).status).toBe(204);
    expect((await api('/api/auth/me', { headers: { authorization: `Bearer ${here.token}` } })).status).toBe(200);
    expect((await api('/api/auth/me', { headers: { authorization: `Bearer ${elsewhere.token}` } })).status).toBe(401);
    await server.login('agent1', 'better-pass');
    expect((await change('better-pass', 'demo')).status).toBe(204);
  });

  it('ends the session on logout', async () => {
    const { token, cookie } = await server.login('supervisor');
    const logout = await api('/api/auth/logout', { method: 'POST', headers: { cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie().join()).toMatch(/crm_session=;/);
    expect((await api('/api/auth/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('expires sessions left unused for the configured lifetime', async () => {
    const { token } = await server.login('manager');
    expect((await api('/api/auth/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    clock.advance(13 * 3_600_000);
    expect((await api('/api/auth/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('keeps a session in use alive through a long shift', async () => {
    const { token } = await server.login('supervisor');
    for (let hour = 0; hour < 16; hour += 4) {
      clock.advance(4 * 3_600_000);
      expect((await api('/api/auth/me', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });
});
