import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildUser, fakeServer, renderWithProviders } from '@crm/shared/ui/testing/render.js';
import { startTestSocketServer, type TestServerSocket, type TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';
import { buildCall } from '../../../testing/builders.js';
import { AgentConsole } from './agent-console.js';

const callPanel = () => screen.getByRole('region', { name: 'Current call' });

describe('agent console', () => {
  let server: TestSocketServer;
  let connection: Promise<TestServerSocket>;
  const user = buildUser();

  beforeEach(async () => {
    server = await startTestSocketServer();
    connection = server.nextConnection();
    vi.stubGlobal('fetch', fakeServer([{ path: '/api/calls', body: { items: [], total: 0, page: 1, pageSize: 100 } }]).fetch);
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await server.stop();
  });

  it('says there is no call until the phone rings, pops the caller, and clears when the call ends', async () => {
    renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user });
    expect(within(callPanel()).getByText('No call right now')).toBeTruthy();
    const socket = await connection;

    const ringing = buildCall();
    socket.emit('call:ringing', { call: ringing, contact: null, localTime: null });
    expect(await within(callPanel()).findByText('Number not in contacts')).toBeTruthy();
    expect(within(callPanel()).getAllByText('+7 343 200 11 22').length).toBeGreaterThan(0);
    expect(within(callPanel()).getByText('Ringing')).toBeTruthy();

    socket.emit('call:answered', { call: { ...ringing, answeredAt: '2026-11-23T09:00:09.000Z', agentExtension: '1001' } });
    expect(await within(callPanel()).findByText('On a call')).toBeTruthy();

    socket.emit('call:ended', { call: { ...ringing, active: false, result: 'answered', endedAt: '2026-11-23T09:03:00.000Z' } });
    expect(await within(callPanel()).findByText('No call right now')).toBeTruthy();
  });

  it('shows the agent’s own status and extension as the server reports them', async () => {
    renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user });
    const status = screen.getByRole('group', { name: 'Your status' });
    expect(within(status).getByText('Status not reported yet')).toBeTruthy();
    expect(within(status).getByText('Extension 1001')).toBeTruthy();
    const socket = await connection;

    socket.emit('agent:status', { extension: '1002', state: 'on-call', pauseReason: null, since: new Date().toISOString(), queues: [] });
    socket.emit('agent:status', { extension: '1001', state: 'paused', pauseReason: 'Lunch', since: new Date().toISOString(), queues: ['support'] });

    expect(await within(status).findByText(/Paused: Lunch/)).toBeTruthy();
    expect(within(status).getByText('Queues: support')).toBeTruthy();
  });

  it('focuses contact search with the / key, but not while typing elsewhere', async () => {
    renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user });
    const search = screen.getByRole('searchbox', { name: 'Search contacts' });

    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(search);

    fireEvent.keyDown(search, { key: 'Escape' });
    expect(document.activeElement).not.toBe(search);
  });

  it('lists today’s calls from the server with results in words', async () => {
    vi.stubGlobal(
      'fetch',
      fakeServer([
        {
          path: '/api/calls',
          body: {
            items: [buildCall({ id: 'c2', active: false, result: 'abandoned', talkSeconds: null }), buildCall({ id: 'c3', active: false, result: 'answered', talkSeconds: 125, callerNumber: '+48221234567' })],
            total: 2,
            page: 1,
            pageSize: 100,
          },
        },
      ]).fetch,
    );
    renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user });
    const panel = screen.getByRole('region', { name: 'Today’s calls' });

    await waitFor(() => expect(within(panel).getAllByRole('row')).toHaveLength(3));
    expect(within(panel).getByText('Abandoned')).toBeTruthy();
    expect(within(panel).getByText('2:05')).toBeTruthy();
  });
});
