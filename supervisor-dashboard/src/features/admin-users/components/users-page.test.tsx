import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { User } from '@crm/shared';
import { buildUser, fakeServer, renderWithProviders } from '@crm/shared/ui/testing/render.js';
import { UsersPage } from './users-page.js';

const admin = buildUser({ id: 'a1', login: 'admin', displayName: 'Admin', role: 'admin', extension: null, queues: [] });
const agent = buildUser({ id: 'u1', login: 'agent1', displayName: 'Anna Petrova' });

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('admin users page', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('lists users with their role, extension and status', async () => {
    vi.stubGlobal('fetch', fakeServer([{ path: '/api/users', body: { items: [admin, agent] } }]).fetch);
    renderWithProviders(<UsersPage />, { user: admin });

    const row = (await screen.findByText('agent1')).closest('tr');
    if (!row) throw new Error('no row for agent1');
    expect(within(row).getByText('Anna Petrova')).toBeTruthy();
    expect(within(row).getByText('Agent')).toBeTruthy();
    expect(within(row).getByText('1001')).toBeTruthy();
    expect(within(row).getByText('Active')).toBeTruthy();
  });

  it('shows each of the server’s validation messages under the field it names', async () => {
    const server = fakeServer([
      { path: '/api/users', body: { items: [admin] } },
      {
        method: 'POST',
        path: '/api/users',
        status: 400,
        body: {
          error: {
            code: 'VALIDATION_FAILED',
            message: 'password: must be at least 4 characters; extension: must be 2–8 digits',
            details: { fields: [{ field: 'password', message: 'must be at least 4 characters' }, { field: 'extension', message: 'must be 2–8 digits' }] },
          },
        },
      },
    ]);
    vi.stubGlobal('fetch', server.fetch);
    renderWithProviders(<UsersPage />, { user: admin });

    fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
    fill('Login', 'agent9');
    fill('Full name', 'Ivan Sidorov');
    fill('Password', 'x');
    fill('Extension', '1');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect((await screen.findByRole('alert')).textContent).toContain('Correct the highlighted fields.');
    const password = screen.getByLabelText('Password');
    const extension = screen.getByLabelText('Extension');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must be at least 4 characters').id).toBe(password.getAttribute('aria-describedby')?.split(' ').pop());
    expect(extension.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('must be 2–8 digits')).toBeTruthy();
    expect(screen.getByLabelText('Login').getAttribute('aria-invalid')).toBeNull();
    expect(document.activeElement).toBe(password);
  });

  it('creates a user and shows them in the list', async () => {
    const created: User = buildUser({ id: 'u9', login: 'agent9', displayName: 'Ivan Sidorov', extension: '1009', queues: ['support'], language: 'ru' });
    let users = [admin];
    const server = fakeServer([
      { path: '/api/users', body: () => ({ items: users }) },
      {
        method: 'POST',
        path: '/api/users',
        status: 201,
        body: () => {
          users = [...users, created];
          return { user: created };
        },
      },
    ]);
    vi.stubGlobal('fetch', server.fetch);
    renderWithProviders(<UsersPage />, { user: admin });

    fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
    fill('Login', 'agent9');
    fill('Full name', 'Ivan Sidorov');
    fill('Password', 'secret');
    fill('Extension', '1009');
    fill('Queues', 'support, ');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('User agent9 created.')).toBeTruthy();
    expect(await screen.findByText('Ivan Sidorov')).toBeTruthy();
    expect(server.requests.find((r) => r.method === 'POST')?.body).toEqual({
      login: 'agent9',
      password: 'secret',
      displayName: 'Ivan Sidorov',
      role: 'agent',
      extension: '1009',
      queues: ['support'],
      language: 'ru',
    });
  });

  it('puts a duplicate-login conflict under the login field', async () => {
    vi.stubGlobal(
      'fetch',
      fakeServer([
        { path: '/api/users', body: { items: [admin, agent] } },
        { method: 'POST', path: '/api/users', status: 409, body: { error: { code: 'CONFLICT', message: 'A user with this login already exists', details: { field: 'login' } } } },
      ]).fetch,
    );
    renderWithProviders(<UsersPage />, { user: admin });

    fireEvent.click(await screen.findByRole('button', { name: 'New user' }));
    fill('Login', 'agent1');
    fill('Full name', 'Second Anna');
    fill('Password', 'secret');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('A user with this login already exists')).toBeTruthy();
    expect(screen.getByLabelText('Login').getAttribute('aria-invalid')).toBe('true');
  });

  it('disables a user with one click', async () => {
    let current = agent;
    const server = fakeServer([
      { path: '/api/users', body: () => ({ items: [admin, current] }) },
      {
        method: 'PATCH',
        path: '/api/users/u1',
        body: (request: Partial<User>) => {
          current = { ...current, ...request };
          return { user: current };
        },
      },
    ]);
    vi.stubGlobal('fetch', server.fetch);
    renderWithProviders(<UsersPage />, { user: admin });

    fireEvent.click(await screen.findByRole('button', { name: 'Disable agent1' }));

    expect(await screen.findByRole('button', { name: 'Enable agent1' })).toBeTruthy();
    const row = screen.getByText('agent1').closest('tr');
    expect(row && within(row).getByText('Disabled')).toBeTruthy();
    await waitFor(() => expect(server.requests).toContainEqual({ method: 'PATCH', path: '/api/users/u1', body: { disabled: true } }));
  });
});
