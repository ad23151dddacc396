import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, AgentStatus, CallRingingPayload, CallUpdatePayload, PhoneAction } from '@crm/shared';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startTestPbx, startTestTelephony, waitFor } from '../support/pbx.js';
import { startAmiTap, type AmiTap } from './ami-tap.js';
import { openConsole, pushes, type ClientSocket, type Console } from './console-socket.js';

const askForCurrentCall = (console: Console) =>
  new Promise<Ack<{ active: boolean }>>((resolve) => console.socket.emit('call:current', resolve));

const pressOnPhone = (console: Console, action: PhoneAction) =>
  new Promise<Ack<{ ok: true }>>((resolve) => console.socket.emit('phone:control', { action }, resolve));

/** The states the supervisor board went through for an agent since it connected, repeats folded. */
const boardStates = (supervisor: Console, extension: string) =>
  pushes<AgentStatus>(supervisor, 'agent:status')
    .filter((status) => status.extension === extension)
    .map((status) => status.state)
    .filter((state, index, all) => state !== all[index - 1]);

/** Waits until the board went through `states` for the agent (in this order, others may come between). */
const boardWentThrough = (supervisor: Console, extension: string, states: string[]) =>
  waitFor(() => {
    const seen = boardStates(supervisor, extension);
    let from = 0;
    for (const state of states) {
      const at = seen.indexOf(state as AgentStatus['state'], from);
      if (at < 0) return false;
      from = at + 1;
    }
    return true;
  }, `agent ${extension} shown ${states.join(' → ')} on the supervisor board`);

/**
 * Agent 1001 calls agent 1002's desk phone directly (no queue, no client), as Asterisk 22 reports
 * it for `Dial(PJSIP/1002)` from the `from-internal` context.
 */
function internalCall(tap: AmiTap, linkedid: string) {
  const caller = {
    Channel: 'PJSIP/1001-000000a1',
    ChannelState: '4',
    ChannelStateDesc: 'Ring',
    CallerIDNum: '1001',
    CallerIDName: 'Agent One',
    ConnectedLineNum: '<unknown>',
    ConnectedLineName: '<unknown>',
    Context: 'from-internal',
    Exten: '1002',
    Priority: '1',
    Uniqueid: linkedid,
    Linkedid: linkedid,
  };
  const called = {
    Channel: 'PJSIP/1002-000000a2',
    ChannelState: '0',
    ChannelStateDesc: 'Down',
    CallerIDNum: '1002',
    CallerIDName: 'Agent Two',
    ConnectedLineNum: '1001',
    ConnectedLineName: 'Agent One',
    Context: 'from-internal',
    Exten: '1002',
    Priority: '1',
    Uniqueid: `${linkedid.split('.')[0]}.${Number(linkedid.split('.')[1]) + 1}`,
    Linkedid: linkedid,
  };
  const dest = Object.fromEntries(Object.entries(called).map(([key, value]) => [`Dest${key}`, value]));
  return {
    ring() {
      tap.inject('Newchannel', caller);
      tap.inject('Newchannel', called);
      tap.inject('DialBegin', { ...caller, ...dest, DialString: '1002' });
      tap.inject('Newstate', { ...called, ChannelState: '5', ChannelStateDesc: 'Ringing' });
      tap.inject('DialState', { ...caller, ...dest, DestChannelState: '5', DialStatus: 'RINGING' });
    },
    answer() {
      tap.inject('Newstate', { ...called, ChannelState: '6', ChannelStateDesc: 'Up' });
      tap.inject('Newstate', { ...caller, ChannelState: '6', ChannelStateDesc: 'Up' });
      tap.inject('DialEnd', { ...caller, ...dest, DestChannelState: '6', DialStatus: 'ANSWER' });
      tap.inject('BridgeEnter', { ...caller, ChannelState: '6', BridgeUniqueid: `bridge-${linkedid}` });
      tap.inject('BridgeEnter', { ...called, ChannelState: '6', BridgeUniqueid: `bridge-${linkedid}` });
    },
    noAnswer() {
      tap.inject('DialEnd', { ...caller, ...dest, DestChannelState: '5', DialStatus: 'NOANSWER' });
      tap.inject('Hangup', { ...called, ChannelState: '5', Cause: '0', 'Cause-txt': 'Unknown' });
      tap.inject('Hangup', { ...caller, Cause: '16', 'Cause-txt': 'Normal Clearing' });
    },
    hangUp() {
      tap.inject('Hangup', { ...called, ChannelState: '6', Cause: '16', 'Cause-txt': 'Normal Clearing' });
      tap.inject('Hangup', { ...caller, ChannelState: '6', Cause: '16', 'Cause-txt': 'Normal Clearing' });
    },
  };
}

describe('a call between two agents’ extensions', () => {
  let pbx: PbxSimulator;
  let tap: AmiTap;
  let app: TestApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    pbx = await startTestPbx();
    tap = await startAmiTap(pbx.port);
    app = await startTestApp({ telephony: ({ connection }) => startTestTelephony({ port: tap.port, connection }) });
    await waitFor(() => app.context.telephony!.status().up, 'the AMI link');
    // The first resync after connecting must be done before the test's own call starts.
    await app.context.telephony!.coreShowChannels();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  afterAll(async () => {
    await app?.stop();
    await tap?.close();
    await pbx?.close();
  });

  it('shows the ringing internal call on the called agent’s console, then gives both agents their call back after a reload', async () => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    const agent2 = await openConsole(app, 'agent2', sockets);
    const supervisor = await openConsole(app, 'supervisor', sockets);
    await waitFor(() => boardStates(supervisor, '1002').length > 0 && boardStates(supervisor, '1001').length > 0, 'the board');
    const call = internalCall(tap, '1900000000.11');

    call.ring();
    // The called agent sees who is calling them while their phone rings.
    const ringing = await waitFor(() => pushes<CallRingingPayload>(agent2, 'call:ringing')[0], 'the internal call ringing on agent2');
    expect(ringing.call).toMatchObject({ id: '1900000000.11', queue: null, agentExtension: '1001', callerNumber: '1001', calledNumber: '1002', answeredAt: null });
    expect(ringing.contact).toBeNull();
    // The caller sees their outgoing call while the colleague's phone rings.
    const calling = await waitFor(() => pushes<CallRingingPayload>(agent1, 'call:ringing')[0], 'the outgoing internal call on agent1');
    expect(calling).toMatchObject({ call: { id: '1900000000.11', calledNumber: '1002', answeredAt: null }, contact: null });
    // Asterisk sent no queue member state for these phones: the board follows the call itself.
    await boardWentThrough(supervisor, '1002', ['ringing']);
    await boardWentThrough(supervisor, '1001', ['on-call']);

    call.answer();
    await waitFor(() => pushes(agent1, 'call:answered')[0], 'call:answered on agent1');
    await waitFor(() => pushes(agent2, 'call:answered')[0], 'call:answered on agent2');
    await boardWentThrough(supervisor, '1002', ['ringing', 'on-call']);

    // Both reload mid-call: each fresh console asks for its current call and gets it, answered.
    const reloaded1 = await openConsole(app, 'agent1', sockets);
    const reloaded2 = await openConsole(app, 'agent2', sockets);
    expect(await askForCurrentCall(reloaded1)).toEqual({ data: { active: true } });
    expect(await askForCurrentCall(reloaded2)).toEqual({ data: { active: true } });
    for (const reloaded of [reloaded1, reloaded2]) {
      expect(pushes<CallRingingPayload>(reloaded, 'call:ringing').map(({ call: { id } }) => id)).toEqual(['1900000000.11']);
      expect(pushes<CallUpdatePayload>(reloaded, 'call:answered').map(({ call: { id } }) => id)).toEqual(['1900000000.11']);
    }
    // agent3 is not part of it.
    const agent3 = await openConsole(app, 'agent3', sockets);
    expect(await askForCurrentCall(agent3)).toEqual({ data: { active: false } });

    call.hangUp();
    for (const reloaded of [reloaded1, reloaded2]) {
      const ended = await waitFor(() => pushes<CallUpdatePayload>(reloaded, 'call:ended')[0], 'call:ended on both consoles');
      expect(ended.call).toMatchObject({ id: '1900000000.11', result: 'answered' });
    }
    expect(await askForCurrentCall(reloaded2)).toEqual({ data: { active: false } });
    await boardWentThrough(supervisor, '1002', ['ringing', 'on-call', 'ready']);
    await boardWentThrough(supervisor, '1001', ['on-call', 'ready']);
  });

  it('clears both consoles when the colleague does not answer', async () => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    const agent2 = await openConsole(app, 'agent2', sockets);
    const call = internalCall(tap, '1900000000.21');

    call.ring();
    await waitFor(() => pushes(agent2, 'call:ringing')[0], 'the internal call ringing on agent2');
    await waitFor(() => pushes(agent1, 'call:ringing')[0], 'the outgoing internal call on agent1');
    call.noAnswer();
    for (const console of [agent1, agent2]) {
      const ended = await waitFor(() => pushes<CallUpdatePayload>(console, 'call:ended')[0], 'call:ended on both consoles');
      expect(ended.call).toMatchObject({ id: '1900000000.21', result: 'no-answer', answeredAt: null });
      expect(pushes(console, 'call:answered')).toEqual([]);
    }
  });
});

describe('a call between two agents placed by the PBX simulator', () => {
  let pbx: PbxSimulator;
  let app: TestApp;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    pbx = await startTestPbx();
    app = await startTestApp({ telephony: ({ connection }) => startTestTelephony({ port: pbx.port, connection }) });
    await waitFor(() => app.context.telephony!.status().up, 'the AMI link');
    await app.context.telephony!.coreShowChannels();
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    // Phones go back to answering by themselves.
    for (const extension of ['1001', '1002', '1003']) pbx.phone(extension, 'detach');
  });
  afterAll(async () => {
    await app?.stop();
    await pbx?.close();
  });

  it('rings agent2 with agent1 named, shows agent1 calling, puts both on the call when agent2 answers, and clears both when agent2 hangs up', async () => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    const agent2 = await openConsole(app, 'agent2', sockets);
    const supervisor = await openConsole(app, 'supervisor', sockets);
    await waitFor(() => boardStates(supervisor, '1002').length > 0, 'the board');
    pbx.phone('1002', 'attach');

    const callId = pbx.placeInternalCall({ from: '1001', to: '1002', talkSeconds: 600 });

    const ringing = await waitFor(() => pushes<CallRingingPayload>(agent2, 'call:ringing')[0], 'the internal call ringing on agent2');
    expect(ringing).toMatchObject({ call: { id: callId, direction: 'outbound', queue: null, agentExtension: '1001', callerNumber: '1001', calledNumber: '1002' }, contact: null });
    const calling = await waitFor(() => pushes<CallRingingPayload>(agent1, 'call:ringing')[0], 'the outgoing internal call on agent1');
    expect(calling.call).toMatchObject({ id: callId, calledNumber: '1002', answeredAt: null });
    await boardWentThrough(supervisor, '1002', ['ringing']);
    await boardWentThrough(supervisor, '1001', ['on-call']);

    expect(await pressOnPhone(agent2, 'answer')).toEqual({ data: { ok: true } });
    for (const console of [agent1, agent2]) {
      const answered = await waitFor(() => pushes<CallUpdatePayload>(console, 'call:answered')[0], 'call:answered on both consoles');
      expect(answered.call).toMatchObject({ id: callId });
      expect(answered.call.answeredAt).not.toBeNull();
    }
    await boardWentThrough(supervisor, '1002', ['ringing', 'on-call']);

    expect(await pressOnPhone(agent2, 'hangup')).toEqual({ data: { ok: true } });
    for (const console of [agent1, agent2]) {
      const ended = await waitFor(() => pushes<CallUpdatePayload>(console, 'call:ended')[0], 'call:ended on both consoles');
      expect(ended.call).toMatchObject({ id: callId, result: 'answered', active: false });
    }
    // Nobody got a client card for it.
    expect(pushes<CallRingingPayload>(agent2, 'call:ringing').every((pop) => pop.contact === null && pop.localTime === null)).toBe(true);
    await boardWentThrough(supervisor, '1002', ['ringing', 'on-call', 'ready']);
    await boardWentThrough(supervisor, '1001', ['on-call', 'ready']);
  });

  it.each([
    { what: 'agent2 does not answer', result: 'no-answer', end: async () => undefined },
    { what: 'agent2 rejects it', result: 'busy', end: async (_caller: Console, callee: Console) => expect(await pressOnPhone(callee, 'reject')).toEqual({ data: { ok: true } }) },
    { what: 'agent1 hangs up first', result: 'no-answer', end: async (caller: Console) => expect(await pressOnPhone(caller, 'hangup')).toEqual({ data: { ok: true } }) },
  ])('clears both consoles when $what', async ({ result, end }) => {
    const agent1 = await openConsole(app, 'agent1', sockets);
    const agent2 = await openConsole(app, 'agent2', sockets);
    pbx.phone('1002', 'attach');

    const callId = pbx.placeInternalCall({ from: '1001', to: '1002' });
    await waitFor(() => pushes(agent2, 'call:ringing')[0], 'the internal call ringing on agent2');
    await waitFor(() => pushes(agent1, 'call:ringing')[0], 'the outgoing internal call on agent1');
    await end(agent1, agent2);

    for (const console of [agent1, agent2]) {
      const ended = await waitFor(() => pushes<CallUpdatePayload>(console, 'call:ended')[0], 'call:ended on both consoles');
      expect(ended.call).toMatchObject({ id: callId, result, answeredAt: null });
      expect(pushes(console, 'call:answered')).toEqual([]);
    }
    expect(await askForCurrentCall(agent1)).toEqual({ data: { active: false } });
    expect(await askForCurrentCall(agent2)).toEqual({ data: { active: false } });
  });
});
