import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {
  Ack,
  CallRingingPayload,
  ClientToServerEvents,
  DialAccepted,
  DialProgressPayload,
  ListCallsResponse,
} from '@crm/shared';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { manualClock } from '../../server/src/platform/clock.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { clockRunningFrom } from '../support/clock.js';
import { startTestPbx, startTestTelephony, waitFor } from '../support/pbx.js';
import { openConsole, pushes, type ClientSocket, type Console } from './console-socket.js';

const IVAN = '+73432001122';

function dial(console: Console, request: Parameters<ClientToServerEvents['call:dial']>[0]): Promise<Ack<DialAccepted>> {
  return new Promise((resolve) => console.socket.emit('call:dial', request, resolve));
}

// Demo clients are in Yekaterinburg (UTC+5): dialing them is allowed 09:00–21:00 their time, whenever the tests run.
const inCallingHours = clockRunningFrom('2026-11-23T06:00:00.000Z');

describe("the agent's desk against the PBX simulator", () => {
  let pbx: PbxSimulator;
  let app: TestApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    pbx = await startTestPbx();
    app = await startTestApp({ clock: inCallingHours, telephony: ({ connection, clock }) => startTestTelephony({ port: pbx.port, connection, clock }) });
    // Only agent 1001 takes queue calls in these tests.
    await app.context.telephony!.queuePause({ extension: '1002', paused: true, reason: 'training' });
    await app.context.telephony!.queuePause({ extension: '1003', paused: true, reason: 'lunch' });
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await app?.stop();
    await pbx?.close();
  });

  it("pops Ivan Petrov's card with Yekaterinburg time on agent1's screen only, then follows answer and hang-up", async () => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    const agent2 = await openConsole(app, 'agent2', sockets);

    const callId = pbx.placeInboundCall({ from: IVAN, name: 'Ivan Petrov', queue: 'support', patienceSeconds: 60, talkSeconds: 11 });

    const pop = await waitFor(() => pushes<CallRingingPayload>(agent1, 'call:ringing')[0], 'the screen-pop on agent1');
    expect(pop.call.id).toBe(callId);
    expect(pop.call.callerNumber).toBe(IVAN);
    expect(pop.contact?.name).toBe('Ivan Petrov');
    expect(pop.localTime?.facts?.zone).toBe('Asia/Yekaterinburg');
    expect(pop.localTime?.facts?.offsetToAgentLabel).toBe('+2 h');

    await waitFor(() => pushes(agent1, 'call:answered')[0], 'call:answered on agent1');
    const ended = await waitFor(() => pushes<{ call: { id: string; result: string } }>(agent1, 'call:ended')[0], 'call:ended on agent1');
    expect(ended.call).toMatchObject({ id: callId, result: 'answered' });

    expect(pushes(agent2, 'call:ringing')).toEqual([]);
    expect(pushes(agent2, 'call:answered')).toEqual([]);
  });

  it("sends a console the agents' current states as soon as it connects", async () => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    const supervisor = await openConsole(app, 'supervisor', sockets);
    await waitFor(() => pushes(agent1, 'agent:status').length > 0 && pushes(supervisor, 'agent:status').length >= 3, 'the first agent states');
    expect(pushes<{ extension: string }>(agent1, 'agent:status').map((status) => status.extension)).toEqual(['1001']);
    const board = pushes<{ extension: string; state: string; pauseReason: string | null }>(supervisor, 'agent:status');
    expect(board.find((status) => status.extension === '1002')).toMatchObject({ state: 'paused', pauseReason: 'training' });
  });

  it.each([
    { behaviour: { kind: 'answer' as const, ringSeconds: 2, talkSeconds: 5 }, number: '+73432005501', outcome: 'answered', result: 'answered' },
    { behaviour: { kind: 'busy' as const }, number: '+73432005502', outcome: 'client-busy', result: 'busy' },
    { behaviour: { kind: 'no-answer' as const }, number: '+73432005503', outcome: 'client-no-answer', result: 'no-answer' },
  ])('click-to-dial to a client who is $outcome reports it in words and stores an outbound call', async ({ behaviour, number, outcome, result }) => {
    pbx.setDestinationBehaviour(number, behaviour);
    const agent1 = await openConsole(app, 'agent1', sockets);

    const accepted = await dial(agent1, { number });
    if (!('data' in accepted)) throw new Error(`dial refused: ${accepted.error.message}`);
    expect(accepted.data.number).toBe(number);

    const finished = await waitFor(
      () => pushes<DialProgressPayload>(agent1, 'call:dial-progress').find((progress) => progress.stage === 'finished'),
      'the end of the dial',
      40_000,
    );
    expect(finished).toMatchObject({ dialId: accepted.data.dialId, outcome });
    expect(pushes<DialProgressPayload>(agent1, 'call:dial-progress').map((progress) => progress.stage)).toContain('ringing-client');
    // The pop follows the dial like any call: answered only when the client picked up.
    const answeredPushes = pushes<{ call: { id: string } }>(agent1, 'call:answered');
    expect(answeredPushes.map((push) => push.call.id)).toEqual(result === 'answered' ? [finished.callId] : []);

    const { token } = await app.login('supervisor');
    const calls = await waitFor(async () => {
      const response = await fetch(`${app.baseUrl}/api/calls?direction=outbound&number=${encodeURIComponent(number)}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await response.json()) as ListCallsResponse;
      return body.items.find((call) => call.endedAt) ? body.items : null;
    }, 'the stored outbound call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ direction: 'outbound', calledNumber: number, agentExtension: '1001', result });
  });

  it('refuses to dial an unknown number badly typed, naming the problem', async () => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    const refused = await dial(agent1, { number: '12' });
    expect(refused).toMatchObject({ error: { code: 'INVALID_PHONE_NUMBER' } });
  });
});

describe("the agent's simulated phone driven from the console", () => {
  let pbx: PbxSimulator;
  let app: TestApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    // Real time here: the queue's 15 s ring timeout must not run out while the console answers.
    pbx = await startTestPbx({ timeScale: 1 });
    app = await startTestApp({ clock: inCallingHours, telephony: ({ connection, clock }) => startTestTelephony({ port: pbx.port, connection, clock }) });
    await app.context.telephony!.queuePause({ extension: '1002', paused: true });
    await app.context.telephony!.queuePause({ extension: '1003', paused: true });
  });
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await app?.stop();
    await pbx?.close();
  });

  it('tells the console it may drive the simulated phone, and answers it from the console', async () => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    expect(agent1.ready.phoneControl).toBe(true);
    // Any phone command makes the phone human-driven: it no longer answers by itself.
    await app.context.telephony!.simPhone('1001', 'attach');
    try {
      pbx.placeInboundCall({ from: '+74232001234', queue: 'support', patienceSeconds: 60, talkSeconds: 600 });
      const pop = await waitFor(() => pushes<CallRingingPayload>(agent1, 'call:ringing')[0], 'the pop of an unknown caller');
      expect(pop.contact).toBeNull();
      expect(pop.localTime?.timeZone.zone).toBe('Asia/Vladivostok');

      // A reload mid-call: a fresh console asks for the current call and gets the pop back.
      const reloaded = await openConsole(app, 'agent1', sockets);
      const current = await new Promise<Ack<{ active: boolean }>>((resolve) => reloaded.socket.emit('call:current', resolve));
      expect(current).toEqual({ data: { active: true } });
      expect(pushes<CallRingingPayload>(reloaded, 'call:ringing')[0]?.call.id).toBe(pop.call.id);

      const answered = await new Promise<Ack<{ ok: true }>>((resolve) => agent1.socket.emit('phone:control', { action: 'answer' }, resolve));
      expect(answered).toEqual({ data: { ok: true } });
      await waitFor(() => pushes(agent1, 'call:answered')[0], 'call:answered after answering from the console');

      await new Promise((resolve) => agent1.socket.emit('phone:control', { action: 'hangup' }, resolve));
      const ended = await waitFor(() => pushes<{ call: { result: string } }>(agent1, 'call:ended').at(-1), 'call:ended after hanging up');
      expect(ended.call.result).toBe('answered');
    } finally {
      await app.context.telephony!.simPhone('1001', 'detach');
    }
  });

});

describe("the console against a real Asterisk (agents use their own phones)", () => {
  let pbx: PbxSimulator;
  let app: TestApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    pbx = await startTestPbx();
    app = await startTestApp({ clock: inCallingHours, telephony: ({ connection, clock }) => startTestTelephony({ port: pbx.port, connection, clock, mode: 'external' }) });
  });
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await app?.stop();
    await pbx?.close();
  });

  it('refuses to drive the phone from the console, with a code the console explains', async () => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    const refused = await new Promise<Ack<{ ok: true }>>((resolve) => agent1.socket.emit('phone:control', { action: 'answer' }, resolve));
    expect(refused).toMatchObject({ error: { code: 'PHONE_CONTROL_UNAVAILABLE' } });
  });
});

describe('dialing outside the client calling window', () => {
  let pbx: PbxSimulator;
  let app: TestApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    pbx = await startTestPbx();
    // 02:00 UTC is 07:00 in Yekaterinburg: before the default 09:00–21:00 window.
    app = await startTestApp({
      clock: manualClock('2026-11-23T02:00:00.000Z'),
      telephony: ({ connection }) => startTestTelephony({ port: pbx.port, connection }),
    });
  });
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await app?.stop();
    await pbx?.close();
  });

  it('asks for confirmation with the next allowed time, then dials once confirmed', async () => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    const refused = await dial(agent1, { number: IVAN });
    expect(refused).toMatchObject({
      error: { code: 'OUTSIDE_CALLING_WINDOW', details: { zone: 'Asia/Yekaterinburg', nextAllowedAt: '2026-11-23T04:00:00.000Z' } },
    });

    const confirmed = await dial(agent1, { number: IVAN, confirmOutsideWindow: true });
    expect(confirmed).toMatchObject({ data: { number: IVAN } });
  });
});
