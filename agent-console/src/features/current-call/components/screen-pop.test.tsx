import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildUser, fakeServer, renderWithProviders } from '@crm/shared/ui/testing/render.js';
import { startTestSocketServer, type TestServerSocket, type TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';
import { buildCall, buildContact, buildLocalTime, buildPopContact } from '../../../testing/builders.js';
import { AgentConsole } from '../../console/components/agent-console.js';

const callPanel = () => screen.getByRole('region', { name: 'Current call' });
const VLADIVOSTOK = '+74232009876';

describe('screen-pop', () => {
  let server: TestSocketServer;
  let connection: Promise<TestServerSocket>;
  const user = buildUser();
  let api: ReturnType<typeof fakeServer>;

  const routes = [
    { path: '/api/calls', body: { items: [], total: 0, page: 1, pageSize: 100 } },
    {
      path: '/api/users/directory',
      body: {
        items: [
          { id: user.id, login: 'agent1', displayName: 'Anna Petrova', role: 'agent', extension: '1001' },
          { id: '65f000000000000000000002', login: 'agent2', displayName: 'Boris Sidorov', role: 'agent', extension: '1002' },
        ],
      },
    },
  ];

  beforeEach(async () => {
    server = await startTestSocketServer();
    connection = server.nextConnection();
    api = fakeServer(routes);
    vi.stubGlobal('fetch', api.fetch);
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await server.stop();
  });

  const renderConsole = () => renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user });

  it('pops the caller’s card readable at a glance: who, segment, VIP, tags, owner, open deal, next step, history and local time', async () => {
    renderConsole();
    const socket = await connection;
    const contact = buildPopContact({
      lastInteractions: [
        { kind: 'note', at: '2026-11-20T10:00:00.000Z', note: { id: 'n1', contactId: 'c', text: 'Asked for a discount', authorId: null, authorName: 'Anna', createdAt: '2026-11-20T10:00:00.000Z' } },
      ],
    });
    socket.emit('call:ringing', { call: buildCall(), contact, localTime: buildLocalTime() });

    const panel = callPanel();
    expect(await within(panel).findByRole('heading', { name: 'Ivan Petrov' })).toBeTruthy();
    expect(within(panel).getByText('Ural Steel')).toBeTruthy();
    expect(within(panel).getByText('VIP')).toBeTruthy();
    expect(within(panel).getByText('Segment A')).toBeTruthy();
    expect(within(panel).getByText('steel')).toBeTruthy();
    expect(within(panel).getByText('key-account')).toBeTruthy();
    expect(await within(panel).findByText('Anna Petrova')).toBeTruthy();
    expect(within(panel).getByText('Rolled steel, Q2 contract')).toBeTruthy();
    expect(within(panel).getByText('Next step: Confirm the invoice was paid')).toBeTruthy();
    expect(within(panel).getByText('Asked for a discount')).toBeTruthy();
    const localTime = within(panel).getByRole('region', { name: 'Client’s local time' });
    expect(within(localTime).getByText('Yekaterinburg')).toBeTruthy();
    expect(localTime.querySelector('time')?.textContent).toMatch(/\d{1,2}:\d{2}/);
    expect(within(panel).getByText('Ringing')).toBeTruthy();
  });

  it('shows a colleague calling the agent’s extension by name, offers no client card, and stays up once answered', async () => {
    renderConsole();
    const socket = await connection;
    // Boris (1002) dialed Anna's extension: the PBX records it as his outbound call to 1001.
    const call = buildCall({ direction: 'outbound', queue: null, agentExtension: '1002', calledNumber: '1001', callerNumber: null, ringingAgents: [], answeredAt: null });
    socket.emit('call:ringing', { call, contact: null, localTime: null });

    const panel = callPanel();
    expect(await within(panel).findByRole('heading', { name: 'Boris Sidorov' })).toBeTruthy();
    expect(within(panel).getByText('Internal call')).toBeTruthy();
    expect(within(panel).getByText('Boris Sidorov, extension 1002')).toBeTruthy();
    expect(within(panel).queryByRole('form')).toBeNull();
    expect(within(panel).queryByText('Number not in contacts')).toBeNull();

    socket.emit('call:answered', { call: { ...call, answeredAt: '2026-11-23T09:00:09.000Z' } });
    expect(await within(panel).findByText('On a call')).toBeTruthy();
    expect(within(panel).getByRole('heading', { name: 'Boris Sidorov' })).toBeTruthy();
  });

  it('shows the agent’s own call to a colleague as calling them until they pick up, then on a call, then clears it', async () => {
    renderConsole();
    const socket = await connection;
    // Anna (1001) dialed Boris's extension from her phone: his phone rings, hers does not.
    const call = buildCall({ direction: 'outbound', queue: null, agentExtension: '1001', callerNumber: '1001', calledNumber: '1002', ringingAgents: [], answeredAt: null });
    socket.emit('call:ringing', { call, contact: null, localTime: null });

    const panel = callPanel();
    expect(await within(panel).findByRole('heading', { name: 'Boris Sidorov' })).toBeTruthy();
    expect(within(panel).getByText('Calling Boris Sidorov…')).toBeTruthy();
    expect(within(panel).getByText('Internal call')).toBeTruthy();
    // Her line is busy, not ringing: there is nothing for her to answer.
    const phone = screen.getByRole('region', { name: 'Phone' });
    expect(within(phone).queryByText('Ringing')).toBeNull();

    socket.emit('call:answered', { call: { ...call, answeredAt: '2026-11-23T09:00:09.000Z' } });
    expect(await within(panel).findByText('On a call')).toBeTruthy();
    expect(within(panel).queryByText('Calling Boris Sidorov…')).toBeNull();

    socket.emit('call:ended', { call: { ...call, answeredAt: '2026-11-23T09:00:09.000Z', active: false, result: 'answered', endedAt: '2026-11-23T09:01:00.000Z' } });
    expect(await within(panel).findByText('No call right now')).toBeTruthy();
  });

  it('clears the agent’s call to a colleague who does not answer', async () => {
    renderConsole();
    const socket = await connection;
    const call = buildCall({ direction: 'outbound', queue: null, agentExtension: '1001', callerNumber: '1001', calledNumber: '1002', ringingAgents: [], answeredAt: null });
    socket.emit('call:ringing', { call, contact: null, localTime: null });
    expect(await within(callPanel()).findByText('Calling Boris Sidorov…')).toBeTruthy();

    socket.emit('call:ended', { call: { ...call, active: false, result: 'no-answer', endedAt: '2026-11-23T09:00:20.000Z' } });
    expect(await within(callPanel()).findByText('No call right now')).toBeTruthy();
  });

  it('clears the pop when the ring stops because another agent answered', async () => {
    renderConsole();
    const socket = await connection;
    const call = buildCall({ ringingAgents: ['1001', '1002'] });
    socket.emit('call:ringing', { call, contact: buildPopContact(), localTime: buildLocalTime() });
    expect(await within(callPanel()).findByRole('heading', { name: 'Ivan Petrov' })).toBeTruthy();

    socket.emit('call:answered', { call: { ...call, agentExtension: '1002', answeredAt: '2026-11-23T09:00:09.000Z' } });

    expect(await within(callPanel()).findByText('No call right now')).toBeTruthy();
  });

  it('follows ringing → answered → ended and clears when the call ends', async () => {
    renderConsole();
    const socket = await connection;
    const call = buildCall();
    socket.emit('call:ringing', { call, contact: buildPopContact(), localTime: buildLocalTime() });
    expect(await within(callPanel()).findByText('Ringing')).toBeTruthy();

    socket.emit('call:answered', { call: { ...call, agentExtension: '1001', answeredAt: new Date().toISOString() } });
    expect(await within(callPanel()).findByText('On a call')).toBeTruthy();
    expect(within(callPanel()).getByRole('heading', { name: 'Ivan Petrov' })).toBeTruthy();

    socket.emit('call:ended', { call: { ...call, active: false, result: 'answered', endedAt: new Date().toISOString() } });
    expect(await within(callPanel()).findByText('No call right now')).toBeTruthy();
  });

  it('shows a pop that arrives after the agent picked up as on a call, not ringing', async () => {
    renderConsole();
    const socket = await connection;
    const call = buildCall({ agentExtension: '1001', answeredAt: new Date().toISOString() });
    socket.emit('call:answered', { call });
    socket.emit('call:ringing', { call, contact: buildPopContact(), localTime: buildLocalTime() });
    expect(await within(callPanel()).findByRole('heading', { name: 'Ivan Petrov' })).toBeTruthy();
    expect(within(callPanel()).getByText('On a call')).toBeTruthy();
    expect(within(callPanel()).queryByText('Ringing')).toBeNull();
  });

  it('shows a click-to-dial call as on the line once the agent picked up and the client is being rung', async () => {
    renderConsole();
    const socket = await connection;
    const call = buildCall({ direction: 'outbound', callerNumber: '1001', calledNumber: '+73432001122', queue: null });
    socket.emit('call:ringing', { call, contact: buildPopContact(), localTime: buildLocalTime() });
    expect(await within(callPanel()).findByText('Ringing')).toBeTruthy();

    socket.emit('call:dial-progress', { dialId: 'd1', number: '+73432001122', contactId: null, stage: 'ringing-client', outcome: null, callId: call.id });

    expect(await within(callPanel()).findByText('On a call')).toBeTruthy();
  });

  it('asks the server for the current call when it connects, so a reload mid-call brings the pop back', async () => {
    server.io.on('connection', (socket) => {
      socket.on('call:current', (ack) => {
        socket.emit('call:ringing', { call: buildCall(), contact: buildPopContact(), localTime: buildLocalTime() });
        ack({ data: { active: true } });
      });
    });
    renderConsole();
    expect(await within(callPanel()).findByRole('heading', { name: 'Ivan Petrov' })).toBeTruthy();
  });

  it('offers an unknown caller a pre-filled card, saved with one keystroke, then shows the saved card', async () => {
    api = fakeServer([
      ...routes,
      {
        method: 'POST',
        path: '/api/contacts',
        status: 201,
        body: (request: { name: string; phones: string[] }) => ({
          contact: buildContact({
            id: '66a000000000000000000009',
            name: request.name,
            company: null,
            phones: request.phones,
            leadSource: null,
            segment: null,
            vip: false,
            tags: [],
            timeZone: { zone: 'Asia/Vladivostok', source: 'number', candidates: ['Asia/Vladivostok'] },
          }),
        }),
      },
    ]);
    vi.stubGlobal('fetch', api.fetch);
    renderConsole();
    const socket = await connection;
    const localTime = buildLocalTime({
      phone: VLADIVOSTOK,
      region: 'Vladivostok',
      timeZone: { zone: 'Asia/Vladivostok', source: 'number', candidates: ['Asia/Vladivostok'] },
    });
    socket.emit('call:ringing', { call: buildCall({ callerNumber: VLADIVOSTOK }), contact: null, localTime });

    const form = await within(callPanel()).findByRole('form', { name: 'New card for this caller' });
    expect(within(form).getByText('+7 423 200 98 76')).toBeTruthy();
    expect(within(form).getByText('Russia')).toBeTruthy();
    expect(within(form).getAllByText('Vladivostok').length).toBeGreaterThan(0);
    // The name field has the keyboard as soon as the pop arrives.
    const name = within(form).getByLabelText('Name');
    expect(document.activeElement).toBe(name);

    fireEvent.change(name, { target: { value: 'Pavel Primorsky' } });
    fireEvent.keyDown(name, { key: 'Enter', ctrlKey: true });

    expect(await within(callPanel()).findByRole('heading', { name: 'Pavel Primorsky' })).toBeTruthy();
    expect(api.requests).toContainEqual({
      method: 'POST',
      path: '/api/contacts',
      body: { name: 'Pavel Primorsky', phones: [VLADIVOSTOK], company: null, leadSource: null },
    });
    // No lead source yet: the console asks for it while the client is on the line.
    expect(within(callPanel()).getByText('How did the client find us? Ask now:')).toBeTruthy();
  });

  it.each([
    ['ru', 'Текущий звонок', 'Новая карточка для звонящего', 'Приморский край', 'Primorie territory'],
    ['en', 'Current call', 'New card for this caller', 'Primorie territory', 'Приморский край'],
  ] as const)('names an unknown caller’s region in the agent’s language (%s)', async (language, panelName, formName, shown, hidden) => {
    const agent = buildUser({ language });
    renderWithProviders(<AgentConsole user={agent} socket={server.clientSocket()} />, { user: agent, language });
    const socket = await connection;
    const localTime = buildLocalTime({
      phone: VLADIVOSTOK,
      region: 'Primorie territory',
      regionNames: { ru: 'Приморский край', en: 'Primorie territory', uk: 'Primorie territory', pl: 'Primorie territory' },
      timeZone: { zone: 'Asia/Vladivostok', source: 'number', candidates: ['Asia/Vladivostok'] },
    });
    socket.emit('call:ringing', { call: buildCall({ callerNumber: VLADIVOSTOK }), contact: null, localTime });

    const form = await within(screen.getByRole('region', { name: panelName })).findByRole('form', { name: formName });
    expect(within(form).getByText(shown)).toBeTruthy();
    expect(within(form).queryByText(hidden)).toBeNull();
  });

  it('shows the pop’s region as given when the server sends no name in the agent’s language', async () => {
    const agent = buildUser({ language: 'ru' });
    renderWithProviders(<AgentConsole user={agent} socket={server.clientSocket()} />, { user: agent, language: 'ru' });
    const socket = await connection;
    const localTime = buildLocalTime({ phone: VLADIVOSTOK, region: 'Primorie territory', regionNames: { en: 'Primorie territory' } });
    socket.emit('call:ringing', { call: buildCall({ callerNumber: VLADIVOSTOK }), contact: null, localTime });

    const form = await within(screen.getByRole('region', { name: 'Текущий звонок' })).findByRole('form', { name: 'Новая карточка для звонящего' });
    expect(within(form).getByText('Primorie territory')).toBeTruthy();
  });

  it('names the existing card when the unknown caller’s number was saved meanwhile by someone else', async () => {
    api = fakeServer([
      ...routes,
      {
        method: 'POST',
        path: '/api/contacts',
        status: 409,
        body: {
          error: {
            code: 'DUPLICATE_PHONE',
            message: '+7 423 200 98 76 already belongs to the card "Pavel P."',
            details: { phone: VLADIVOSTOK, existing: { id: '66a000000000000000000007', name: 'Pavel P.', company: 'Primorye Fish' } },
          },
        },
      },
    ]);
    vi.stubGlobal('fetch', api.fetch);
    renderConsole();
    const socket = await connection;
    socket.emit('call:ringing', {
      call: buildCall({ callerNumber: VLADIVOSTOK }),
      contact: null,
      localTime: buildLocalTime({ phone: VLADIVOSTOK, timeZone: { zone: 'Asia/Vladivostok', source: 'number', candidates: ['Asia/Vladivostok'] } }),
    });
    const form = await within(callPanel()).findByRole('form', { name: 'New card for this caller' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Pavel' } });
    fireEvent.submit(form);

    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('+7 423 200 98 76 already belongs to Pavel P. (Primorye Fish).');
    expect(within(alert).getByRole('button', { name: 'Open Pavel P.' })).toBeTruthy();
    await waitFor(() => expect(api.requests.filter((request) => request.method === 'POST')).toHaveLength(1));
  });
});
