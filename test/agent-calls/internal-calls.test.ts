import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, CallRingingPayload, CallUpdatePayload } from '@crm/shared';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startTestPbx, startTestTelephony, waitFor } from '../support/pbx.js';
import { startAmiTap, type AmiTap } from './ami-tap.js';
import { openConsole, pushes, type ClientSocket, type Console } from './console-socket.js';

const askForCurrentCall = (console: Console) =>
  new Promise<Ack<{ active: boolean }>>((resolve) => console.socket.emit('call:current', resolve));

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
    const call = internalCall(tap, '1900000000.11');

    call.ring();
    // The called agent sees who is calling them while their phone rings.
    const ringing = await waitFor(() => pushes<CallRingingPayload>(agent2, 'call:ringing')[0], 'the internal call ringing on agent2');
    expect(ringing.call).toMatchObject({ id: '1900000000.11', queue: null, agentExtension: '1001', calledNumber: '1002', answeredAt: null });
    expect(ringing.contact).toBeNull();

    call.answer();
    await waitFor(() => pushes(agent1, 'call:answered')[0], 'call:answered on agent1');
    await waitFor(() => pushes(agent2, 'call:answered')[0], 'call:answered on agent2');

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
  });
});
