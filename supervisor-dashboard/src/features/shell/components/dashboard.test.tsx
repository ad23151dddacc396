import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildUser, fakeServer, renderWithProviders } from '@crm/shared/ui/testing/render.js';
import { startTestSocketServer, type TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';
import { Dashboard } from './dashboard.js';

const health = {
  status: 'degraded',
  mongo: { mode: 'embedded', up: true },
  redis: { mode: 'memory', up: true },
  ami: { mode: 'simulator', up: false, detail: 'AMI login refused' },
};

describe('supervisor dashboard', () => {
  let server: TestSocketServer;

  beforeEach(async () => {
    server = await startTestSocketServer();
    window.history.replaceState(null, '', '/supervisor/');
    vi.stubGlobal(
      'fetch',
      fakeServer([
        { path: '/healthz', body: health },
        { path: '/api/users', body: { items: [] } },
        { path: '/api/calls', body: { items: [], total: 0, page: 1, pageSize: 500 } },
      ]).fetch,
    );
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await server.stop();
  });

  it('says the live board is waiting for metrics and shows what /healthz reports', async () => {
    const supervisor = buildUser({ role: 'supervisor', login: 'supervisor', extension: null });
    renderWithProviders(<Dashboard user={supervisor} socket={server.clientSocket()} />, { user: supervisor });

    expect(screen.getByRole('heading', { level: 1, name: 'Live board' })).toBeTruthy();
    expect(screen.getByText('Waiting for live metrics')).toBeTruthy();
    const system = screen.getByRole('region', { name: 'System status' });
    expect(await within(system).findByText('Degraded')).toBeTruthy();
    const ami = within(system).getByText('Telephony (AMI)').closest('li');
    expect(ami && within(ami).getByText('Down')).toBeTruthy();
    expect(within(system).getByText('AMI login refused')).toBeTruthy();
  });

  it('fills the agents table from pushed agent states', async () => {
    const supervisor = buildUser({ role: 'supervisor', login: 'supervisor', extension: null });
    const connection = server.nextConnection();
    renderWithProviders(<Dashboard user={supervisor} socket={server.clientSocket()} />, { user: supervisor });
    const agents = screen.getByRole('region', { name: 'Agents' });
    expect(within(agents).getByText('No agent status has been reported yet.')).toBeTruthy();

    (await connection).emit('agent:status', { extension: '1002', state: 'wrap-up', pauseReason: null, since: new Date().toISOString(), queues: ['sales'] });

    expect(await within(agents).findByText('Wrap-up')).toBeTruthy();
    expect(within(agents).getByText('1002')).toBeTruthy();
  });

  it('offers the admin section to administrators only', async () => {
    const supervisor = buildUser({ role: 'supervisor', login: 'supervisor', extension: null });
    renderWithProviders(<Dashboard user={supervisor} socket={server.clientSocket()} />, { user: supervisor });
    const nav = screen.getByRole('navigation', { name: 'Sections' });
    expect(within(nav).queryByRole('link', { name: 'Admin' })).toBeNull();
    cleanup();

    const admin = buildUser({ role: 'admin', login: 'admin', extension: null });
    renderWithProviders(<Dashboard user={admin} socket={server.clientSocket()} />, { user: admin });
    fireEvent.click(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('link', { name: 'Admin' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Users' })).toBeTruthy();
    expect(window.location.pathname).toBe('/supervisor/admin');
    expect(within(screen.getByRole('navigation', { name: 'Sections' })).getByRole('link', { name: 'Admin' }).getAttribute('aria-current')).toBe('page');
  });
});
