import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@crm/shared';
import { manualClock } from '../../server/src/platform/clock.js';
import { startTestApp, type TestApp } from '../support/app.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ReadyPayload = Parameters<ServerToClientEvents['session:ready']>[0];

describe('Socket.IO sessions and rooms', () => {
  let server: TestApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    server = await startTestApp();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const readyOf = new WeakMap<ClientSocket, Promise<ReadyPayload>>();

  function open(options: { token?: string; cookie?: string } = {}): ClientSocket {
    const socket: ClientSocket = connect(server.baseUrl, {
      reconnection: false,
      ...(options.token ? { auth: { token: options.token } } : {}),
      ...(options.cookie ? { extraHeaders: { cookie: options.cookie } } : {}),
    });
    sockets.push(socket);
    // Listen from the start: session:ready may arrive before the test awaits it.
    const isReady = new Promise<ReadyPayload>((resolve, reject) => {
      socket.once('session:ready', resolve);
      socket.once('connect_error', reject);
    });
    isReady.catch(() => {});
    readyOf.set(socket, isReady);
    return socket;
  }

  function refusal(socket: ClientSocket): Promise<string> {
    return new Promise((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the socket was accepted')));
      socket.once('connect_error', (error) => resolve(error.message));
    });
  }

  function ready(socket: ClientSocket): Promise<ReadyPayload> {
    return readyOf.get(socket)!;
  }

  /** Resolves with the payload if the event arrives before a round trip to the server completes. */
  async function receivedBeforePing<E extends keyof ServerToClientEvents>(socket: ClientSocket, event: E): Promise<unknown> {
    let received: unknown = undefined;
    const listener = (payload: unknown) => {
      received = payload;
    };
    socket.on(event as 'agent:status', listener as never);
    await socket.emitWithAck('session:ping');
    socket.off(event as 'agent:status', listener as never);
    return received;
  }

  it('refuses a socket without a token', async () => {
    expect(await refusal(open())).toBe('UNAUTHENTICATED');
  });

  it('refuses a socket with an invalid token', async () => {
    expect(await refusal(open({ token: 'forged-token' }))).toBe('UNAUTHENTICATED');
  });

  it('accepts the token and tells the console who it is', async () => {
    const { token, user } = await server.login('agent1');
    const session = await ready(open({ token }));
    // No telephony in this app: the phone cannot be driven from the console.
    expect(session).toEqual({ userId: user.id, login: 'agent1', role: 'agent', extension: '1001', phoneControl: false });
  });

  it('accepts the session cookie', async () => {
    const { cookie } = await server.login('supervisor');
    const session = await ready(open({ cookie }));
    expect(session.role).toBe('supervisor');
  });

  it('answers session:ping with the server time', async () => {
    const { token } = await server.login('agent2');
    const socket = open({ token });
    await ready(socket);
    const ack = await socket.emitWithAck('session:ping');
    expect('data' in ack && typeof ack.data.serverTime).toBe('string');
  });

  it('joins each user to the right rooms once: pushes reach only their addressees', async () => {
    const agent1 = open({ token: (await server.login('agent1')).token });
    const agent2 = open({ token: (await server.login('agent2')).token });
    const supervisor = open({ token: (await server.login('supervisor')).token });
    await Promise.all([ready(agent1), ready(agent2), ready(supervisor)]);

    const status = { extension: '1001', state: 'ready' as const, pauseReason: null, since: '2026-03-02T09:00:00.000Z', queues: ['support'] };
    const realtime = server.context.realtime;

    const toAgent = [receivedBeforePing(agent1, 'agent:status'), receivedBeforePing(agent2, 'agent:status'), receivedBeforePing(supervisor, 'agent:status')];
    realtime.emitToAgent('1001', 'agent:status', status);
    expect(await Promise.all(toAgent)).toEqual([status, undefined, undefined]);

    const toSupervisors = [receivedBeforePing(agent1, 'metrics:update'), receivedBeforePing(supervisor, 'metrics:update')];
    realtime.emitToSupervisors('metrics:update', { queues: [] });
    expect(await Promise.all(toSupervisors)).toEqual([undefined, { queues: [] }]);

    const toQueue = [receivedBeforePing(agent1, 'metrics:update'), receivedBeforePing(agent2, 'metrics:update'), receivedBeforePing(supervisor, 'metrics:update')];
    realtime.emitToQueue('support', 'metrics:update', { queue: 'support' });
    expect(await Promise.all(toQueue)).toEqual([{ queue: 'support' }, { queue: 'support' }, { queue: 'support' }]);

    const agent1Sockets = await server.app.io.in('agent:1001').fetchSockets();
    expect(agent1Sockets).toHaveLength(1);
    expect([...agent1Sockets[0]!.rooms].sort()).toEqual(['agent:1001', 'queue:sales', 'queue:support', `user:${agent1Sockets[0]!.data.userId}`, agent1Sockets[0]!.id].sort());
  });

  it('drops the sockets of a user an admin disables', async () => {
    const agent = await server.login('agent3');
    const socket = open({ token: agent.token });
    await ready(socket);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const admin = await server.login('admin');
    const response = await fetch(`${server.baseUrl}/api/users/${agent.user.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ disabled: true }),
    });
    expect(response.status).toBe(200);
    expect(await disconnected).toBe('io server disconnect');
    expect(await refusal(open({ token: agent.token }))).toBe('UNAUTHENTICATED');
  });

  it('counts connections in /metrics', async () => {
    const socket = open({ token: (await server.login('manager')).token });
    await ready(socket);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/crm_socketio_connections\{role="manager"\} 1/);
    expect(metrics).toMatch(/crm_socketio_connects_total\{result="refused"\} \d+/);
    expect(metrics).toMatch(/crm_http_requests_total\{method="POST",route="\/api\/auth\/login",status="200"\} \d+/);
    expect(metrics).toContain('crm_ami_events_total');
  });
});

describe('a socket whose session ends', () => {
  it('is disconnected once the session expires', async () => {
    const clock = manualClock('2026-03-02T09:00:00Z');
    const server = await startTestApp({ clock, config: { realtime: { sessionRecheckMs: 100 } } });
    const { token } = await server.login('agent1');
    const socket: ClientSocket = connect(server.baseUrl, { auth: { token }, reconnection: false });
    try {
      await new Promise((resolve, reject) => {
        socket.once('session:ready', resolve);
        socket.once('connect_error', reject);
      });
      const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      clock.advance(13 * 3_600_000);
      expect(await disconnected).toBe('io server disconnect');
    } finally {
      socket.disconnect();
      await server.stop();
    }
  });
});
