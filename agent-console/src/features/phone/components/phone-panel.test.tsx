import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PhoneAction } from '@crm/shared';
import { buildUser, fakeServer, renderWithProviders } from '@crm/shared/ui/testing/render.js';
import { startTestSocketServer, type TestServerSocket, type TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';
import { buildCall, buildLocalTime, buildPopContact } from '../../../testing/builders.js';
import { AgentConsole } from '../../console/components/agent-console.js';

const phonePanel = () => screen.getByRole('region', { name: 'Phone' });

describe('softphone', () => {
  let server: TestSocketServer;
  const user = buildUser();
  const actions: PhoneAction[] = [];

  /** The server greets every console as the real one does, then answers phone commands like `answer`. */
  const greet = (phoneControl: boolean, answer: (action: PhoneAction) => { data: { ok: true } } | { error: { code: string; message: string } }) => {
    server.io.on('connection', (socket: TestServerSocket) => {
      socket.emit('session:ready', { userId: user.id, login: user.login, role: 'agent', extension: '1001', phoneControl });
      socket.on('phone:control', ({ action }, ack) => {
        actions.push(action);
        ack(answer(action));
      });
    });
  };

  beforeEach(async () => {
    actions.length = 0;
    server = await startTestSocketServer();
    vi.stubGlobal('fetch', fakeServer([{ path: '/api/calls', body: { items: [], total: 0, page: 1, pageSize: 100 } }]).fetch);
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await server.stop();
  });

  it('answers a ringing call with A and hangs up with H when the phone can be driven from the console', async () => {
    greet(true, () => ({ data: { ok: true } }));
    const connection = server.nextConnection();
    renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user });
    const controls = await within(phonePanel()).findByRole('group', { name: 'Phone controls' });
    expect(within(controls).getByRole('button', { name: /Answer/ }).hasAttribute('disabled')).toBe(true);

    const socket = await connection;
    const call = buildCall();
    socket.emit('call:ringing', { call, contact: buildPopContact(), localTime: buildLocalTime() });
    await waitFor(() => expect(within(controls).getByRole('button', { name: /Answer/ }).hasAttribute('disabled')).toBe(false));

    fireEvent.keyDown(document.body, { key: 'a' });
    await waitFor(() => expect(actions).toEqual(['answer']));

    socket.emit('call:answered', { call: { ...call, agentExtension: '1001', answeredAt: new Date().toISOString() } });
    await waitFor(() => expect(within(controls).getByRole('button', { name: /Hang up/ }).hasAttribute('disabled')).toBe(false));
    fireEvent.keyDown(document.body, { key: 'h' });
    await waitFor(() => expect(actions).toEqual(['answer', 'hangup']));
  });

  it('cancels the agent’s own call to a colleague with H while it still rings', async () => {
    greet(true, () => ({ data: { ok: true } }));
    const connection = server.nextConnection();
    renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user });
    const controls = await within(phonePanel()).findByRole('group', { name: 'Phone controls' });
    const call = buildCall({ direction: 'outbound', queue: null, agentExtension: '1001', callerNumber: '1001', calledNumber: '1002', ringingAgents: [], answeredAt: null });
    (await connection).emit('call:ringing', { call, contact: null, localTime: null });
    await waitFor(() => expect(within(controls).getByRole('button', { name: /Hang up/ }).hasAttribute('disabled')).toBe(false));
    // Nothing rings on the caller's own phone.
    expect(within(controls).getByRole('button', { name: /Answer/ }).hasAttribute('disabled')).toBe(true);

    fireEvent.keyDown(document.body, { key: 'h' });
    await waitFor(() => expect(actions).toEqual(['hangup']));
  });

  it('says the phone itself must be used when the PBX refuses console control', async () => {
    greet(true, () => ({ error: { code: 'PHONE_CONTROL_UNAVAILABLE', message: 'Use your desk phone' } }));
    const connection = server.nextConnection();
    renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user });
    const controls = await within(phonePanel()).findByRole('group', { name: 'Phone controls' });
    (await connection).emit('call:ringing', { call: buildCall(), contact: null, localTime: null });
    await waitFor(() => expect(within(controls).getByRole('button', { name: /Reject/ }).hasAttribute('disabled')).toBe(false));

    fireEvent.click(within(controls).getByRole('button', { name: /Reject/ }));

    const alert = await within(phonePanel()).findByRole('alert');
    expect(alert.textContent).toBe('This phone cannot be controlled from the console; use the phone itself.');
    // The line may be cut with an ellipsis (its height is reserved); the full text stays in the tooltip.
    expect(alert.getAttribute('title')).toBe('This phone cannot be controlled from the console; use the phone itself.');
  });

  it('explains instead of showing buttons when a real PBX is used', async () => {
    greet(false, () => ({ data: { ok: true } }));
    renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user, language: 'ru' });
    const panel = screen.getByRole('region', { name: 'Телефон' });
    expect(
      await within(panel).findByText('Ваш телефон подключён к настоящей АТС: отвечайте и завершайте звонки на самом телефоне.'),
    ).toBeTruthy();
    expect(within(panel).queryByRole('group', { name: 'Управление телефоном' })).toBeNull();
  });
});
