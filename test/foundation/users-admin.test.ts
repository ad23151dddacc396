import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, User } from '@crm/shared';
import { startTestApp, type TestApp } from '../support/app.js';

describe('an admin manages users', () => {
  let server: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    server = await startTestApp();
    adminToken = (await server.login('admin')).token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const asAdmin = (path: string, method = 'GET', body?: unknown) =>
    fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('lists the demo users', async () => {
    const response = await asAdmin('/api/users');
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: User[] };
    expect(items.map((user) => user.login).sort()).toEqual(['admin', 'agent1', 'agent2', 'agent3', 'manager', 'supervisor']);
  });

  it('creates an agent who can then log in', async () => {
    const response = await asAdmin('/api/users', 'POST', {
      login: 'agent4',
      password: 'secret-4',
      displayName: 'Dmitry Orlov',
      role: 'agent',
      extension: '1004',
      queues: ['support'],
      language: 'en',
    });
    expect(response.status).toBe(201);
    const { user } = (await response.json()) as { user: User };
    expect(user).toMatchObject({ login: 'agent4', role: 'agent', extension: '1004', queues: ['support'], language: 'en', disabled: false });
    const login = await server.login('agent4', 'secret-4');
    expect(login.user.id).toBe(user.id);
  });

  it('refuses a duplicate login with 409, whatever its case', async () => {
    const response = await asAdmin('/api/users', 'POST', { login: 'Agent1', password: 'whatever', displayName: 'Copy', role: 'agent' });
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.code).toBe('CONFLICT');
  });

  it('refuses an extension that belongs to someone else with 409', async () => {
    const response = await asAdmin('/api/users', 'POST', { login: 'agent9', password: 'whatever', displayName: 'Nine', role: 'agent', extension: '1001' });
    expect(response.status).toBe(409);
  });

  it('names every invalid field', async () => {
    const response = await asAdmin('/api/users', 'POST', { login: 'x y', password: '1', role: 'boss' });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.message).toContain('login: ');
    expect(error.message).toContain('password: must be at least 4 characters');
    expect(error.message).toContain('displayName: is required');
    expect(error.message).toContain('role: ');
  });

  it('edits role, extension, queues and language', async () => {
    const { user: created } = (await (
      await asAdmin('/api/users', 'POST', { login: 'temp1', password: 'temp-pass', displayName: 'Temp', role: 'agent', extension: '1010' })
    ).json()) as { user: User };
    const response = await asAdmin(`/api/users/${created.id}`, 'PATCH', { role: 'supervisor', extension: null, queues: ['sales'], language: 'pl' });
    expect(response.status).toBe(200);
    const { user } = (await response.json()) as { user: User };
    expect(user).toMatchObject({ role: 'supervisor', extension: null, queues: ['sales'], language: 'pl' });
    const { user: me } = (await (await fetch(`${server.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${(await server.login('temp1', 'temp-pass')).token}` } })).json()) as { user: User };
    expect(me.role).toBe('supervisor');
  });

  it('changes a password: the old one stops working', async () => {
    const { user } = await server.login('agent2');
    expect((await asAdmin(`/api/users/${user.id}`, 'PATCH', { password: 'new-pass' })).status).toBe(200);
    await expect(server.login('agent2')).rejects.toThrow(/401/);
    await server.login('agent2', 'new-pass');
  });

  it('disables a user: their login is refused and their session stops working', async () => {
    const { user, token } = await server.login('agent3');
    const response = await asAdmin(`/api/users/${user.id}`, 'PATCH', { disabled: true });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: User }).user.disabled).toBe(true);

    const me = await fetch(`${server.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'agent3', password: 'demo' }),
    });
    expect(login.status).toBe(403);
    expect(((await login.json()) as ErrorBody).error.code).toBe('ACCOUNT_DISABLED');

    expect((await asAdmin(`/api/users/${user.id}`, 'PATCH', { disabled: false })).status).toBe(200);
    await server.login('agent3');
  });

  it('does not let an admin lock themselves out', async () => {
    const { user } = await server.login('admin');
    const response = await asAdmin(`/api/users/${user.id}`, 'PATCH', { disabled: true });
    expect(response.status).toBe(409);
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    expect((await asAdmin('/api/users/0123456789abcdef01234567', 'PATCH', { language: 'en' })).status).toBe(404);
    expect((await asAdmin('/api/users/not-an-id', 'PATCH', { language: 'en' })).status).toBe(400);
  });

  it('keeps user management to admins', async () => {
    for (const login of ['supervisor', 'manager', 'agent1']) {
      const { token } = await server.login(login);
      const response = await fetch(`${server.baseUrl}/api/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'sneaky', password: 'sneaky', displayName: 'S', role: 'admin' }),
      });
      expect(response.status).toBe(403);
    }
  });

  it('shows every signed-in user the directory of enabled users without secrets', async () => {
    const { token } = await server.login('agent1');
    const response = await fetch(`${server.baseUrl}/api/users/directory`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Array<Record<string, unknown>> };
    expect(items.find((entry) => entry.login === 'agent2')).toEqual(expect.objectContaining({ extension: '1002', role: 'agent' }));
    expect(items.every((entry) => !('passwordHash' in entry) && !('disabled' in entry))).toBe(true);
    expect((await fetch(`${server.baseUrl}/api/users/directory`)).status).toBe(401);
  });

  it('lists queues to any signed-in user', async () => {
    const { token } = await server.login('agent1');
    const response = await fetch(`${server.baseUrl}/api/queues`, { headers: { authorization: `Bearer ${token}` } });
    const { items } = (await response.json()) as { items: Array<{ name: string }> };
    expect(items.map((queue) => queue.name)).toEqual(['sales', 'support']);
  });
});
