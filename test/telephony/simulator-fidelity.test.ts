/**
 * The simulator agrees with the recordings: for each scenario, the call/agent/cdr events it sends
 * come in the recorded order, with at least every field the recording has.
 */
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { fixtureFrames, parseBlock, type Frame, type Scenario } from '../support/ami-replay.js';
import { startTestPbx, waitFor } from '../support/pbx.js';

// Device-state driven events (Newstate, QueueMemberStatus) race each other in Asterisk itself, and
// OriginateResponse's place "varies between runs" (field notes); every other call event is compared.
const COMPARED = new Set(['Newchannel', 'QueueCallerJoin', 'QueueCallerLeave', 'QueueCallerAbandon', 'AgentCalled', 'AgentConnect', 'AgentComplete', 'AgentRingNoAnswer', 'DialBegin', 'DialEnd', 'BridgeEnter', 'BridgeLeave', 'Hangup', 'Cdr']);

/** `DialEnd Local/1002@agents;1 NOANSWER`-style labels, channel numbering left out. */
function label(frame: Frame): string {
  const channel = String(frame.destchannel ?? frame.channel ?? '').replace(/-[0-9a-f]{8};/, ';').replace(/^Local\/(s|support)@inbound/, 'Local/<queue>@inbound');
  const status = frame.dialstatus ? ` ${String(frame.dialstatus)}` : '';
  const cause = frame.cause !== undefined ? ` cause ${String(frame.cause)}` : '';
  const disposition = frame.disposition ? ` ${String(frame.disposition)}` : '';
  return `${String(frame.event)} ${channel}${status}${cause}${disposition}`;
}

let pbx: PbxSimulator;
let client: net.Socket;
let frames: Frame[];

beforeEach(async () => {
  pbx = await startTestPbx();
  frames = [];
  client = net.connect(pbx.port, '127.0.0.1');
  let buffer = '';
  client.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let end = buffer.indexOf('\r\n\r\n');
    while (end >= 0) {
      const frame = parseBlock(buffer.slice(0, end));
      buffer = buffer.slice(end + 4);
      end = buffer.indexOf('\r\n\r\n');
      if (frame) frames.push(frame);
    }
  });
  client.write('Action: Login\r\nActionID: login-1\r\nUsername: crm\r\nSecret: crm-secret\r\n\r\n');
  await waitFor(() => frames.some((frame) => frame.event === 'FullyBooted'), 'login');
});
afterEach(async () => {
  client.destroy();
  await pbx.close();
});

const action = (text: string) => client.write(`${text.replace(/\n/g, '\r\n')}\r\n\r\n`);

async function compare(scenario: Scenario, done: () => boolean) {
  await waitFor(done, `the simulated ${scenario} to finish`);
  const recorded = fixtureFrames(scenario)
    .map(({ frame }) => frame)
    .filter((frame) => COMPARED.has(String(frame.event)));
  const simulated = frames.filter((frame) => COMPARED.has(String(frame.event)));
  expect(simulated.map(label)).toEqual(recorded.map(label));
  recorded.forEach((frame, index) => {
    const twin = simulated[index] ?? {};
    const missing = Object.keys(frame).filter((key) => !(key in twin));
    expect(missing, `${label(frame)} fields`).toEqual([]);
  });
}

describe('simulated calls look like the recorded ones', () => {
  it('a: inbound, answered by 1001, caller hangs up', async () => {
    action('Action: QueuePause\nInterface: Local/1002@agents/n\nPaused: true');
    action('Action: QueuePause\nInterface: Local/1003@agents/n\nPaused: true');
    await waitFor(() => frames.filter((frame) => frame.event === 'QueueMemberPause').length === 4, 'pauses');
    pbx.placeInboundCall({ from: '+73432001122', name: 'Ivan Petrov', queue: 'support', talkSeconds: 11 });
    await compare('a-inbound-answered-caller-hangup', () => frames.filter((frame) => frame.event === 'Hangup').length === 4);
  });

  it('b: inbound, 1002 does not answer, 1003 rung, caller abandons', async () => {
    action('Action: QueuePause\nInterface: Local/1001@agents/n\nPaused: true');
    pbx.phone('1002', 'attach');
    pbx.phone('1003', 'attach');
    await waitFor(() => frames.filter((frame) => frame.event === 'QueueMemberPause').length === 2, 'pauses');
    pbx.placeInboundCall({ from: '+73432001122', name: 'Ivan Petrov', queue: 'support', patienceSeconds: 22 });
    await compare('b-inbound-abandon', () => frames.filter((frame) => frame.event === 'Hangup').length === 6);
  });

  it('d: click-to-call answered by the client', async () => {
    pbx.setDestinationBehaviour('+73432001122', { kind: 'answer', ringSeconds: 5, talkSeconds: 10 });
    action('Action: Originate\nActionID: orig-d1\nChannel: Local/1001@agents\nContext: outbound\nExten: +73432001122\nPriority: 1\nCallerID: "Ivan Petrov" <+73432001122>\nTimeout: 30000\nAsync: true');
    await compare('d-outbound-answered', () => frames.filter((frame) => frame.event === 'Hangup').length === 4);
    expect(frames.find((frame) => frame.event === 'OriginateResponse')).toMatchObject({ actionid: 'orig-d1', response: 'Success', reason: '4' });
  });

  it('e: click-to-call to a busy client', async () => {
    pbx.setDestinationBehaviour('+73432000486', { kind: 'busy' });
    action('Action: Originate\nActionID: orig-e1\nChannel: Local/1002@agents\nContext: outbound\nExten: +73432000486\nPriority: 1\nCallerID: "Client" <+73432000486>\nTimeout: 30000\nAsync: true');
    await compare('e-outbound-busy', () => frames.filter((frame) => frame.event === 'Cdr').length === 3);
  });
});

describe('a client that stops reading', () => {
  it('is dropped, as Asterisk drops a session whose writes time out, while a reading client keeps its events', async () => {
    const simulator = await startTestPbx({ maxSessionBacklogBytes: 64 * 1024 });
    const login = 'Action: Login\r\nActionID: login-1\r\nUsername: crm\r\nSecret: crm-secret\r\n\r\n';
    // No 'data' listener: the socket reads nothing once its buffer is full.
    const stalled = net.connect(simulator.port, '127.0.0.1', () => stalled.write(login));
    stalled.on('error', () => undefined);
    let readerText = '';
    const reader = net.connect(simulator.port, '127.0.0.1', () => reader.write(login));
    reader.on('data', (chunk) => {
      readerText = (readerText + chunk.toString('latin1')).slice(-4096);
    });
    try {
      await waitFor(() => simulator.sessions() === 2 && readerText.includes('FullyBooted'), 'both clients logged in');
      let placed = 0;
      while (simulator.sessions() === 2 && placed < 5000) {
        simulator.placeInboundCall({ from: `+7900${String(placed).padStart(7, '0')}`, queue: 'support', patienceSeconds: 1 });
        placed += 1;
        if (placed % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await waitFor(() => simulator.sessions() === 1, 'the stalled session to be dropped');
      readerText = '';
      simulator.placeInboundCall({ from: '+79001112233', queue: 'support', patienceSeconds: 1 });
      await waitFor(() => readerText.includes('CallerIDNum: +79001112233'), 'the reading client to see the next call');
    } finally {
      stalled.destroy();
      reader.destroy();
      await simulator.close();
    }
  });
});
