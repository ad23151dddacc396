import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '@crm/shared';
import { createCallRepository } from '../../server/src/calls/call.repository.js';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import type { OriginateOutcome, TelephonyService } from '../../server/src/telephony/index.js';
import { startTestDatabase, startTestPbx, startTestTelephony, waitFor, type TestDatabase } from '../support/pbx.js';

let db: TestDatabase;
let pbx: PbxSimulator;
let telephony: TelephonyService;
let ended: CallRecord[];
let contactId: string;

beforeAll(async () => {
  db = await startTestDatabase();
  contactId = String((await db.connection.collection('contacts').insertOne({ name: 'Ivan Petrov', phones: ['+73432001122'] })).insertedId);
});
afterAll(async () => {
  await db?.stop();
});
beforeEach(async () => {
  pbx = await startTestPbx();
  telephony = startTestTelephony({ port: pbx.port, connection: db.connection });
  ended = [];
  telephony.on('call:ended', (call) => ended.push(call));
  await telephony.start();
  await waitFor(() => telephony.status().up && telephony.agentStates().length === 3, 'AMI up and agents known');
});
afterEach(async () => {
  await telephony.stop();
  await pbx.close();
});

const stored = async (linkedid: string) => {
  await telephony.flushed();
  return createCallRepository(db.connection).findByLinkedid(linkedid);
};

describe('the simulator’s version of the recorded scenarios', () => {
  it('a: an inbound call answered by 1001 (others paused) pops the card on 1001 and is stored answered, wait 3 s, talk 11 s', async () => {
    await telephony.queuePause({ extension: '1002', paused: true, reason: 'lunch' });
    await telephony.queuePause({ extension: '1003', paused: true, reason: 'training' });
    await waitFor(() => telephony.agentState('1003')?.state === 'paused', '1003 paused');
    expect(telephony.agentState('1002')).toMatchObject({ state: 'paused', pauseReason: 'lunch' });
    const pops: Array<{ extension: string; call: CallRecord }> = [];
    telephony.on('agent:ringing', (pop) => pops.push(pop));
    const linkedid = pbx.placeInboundCall({ from: '+73432001122', name: 'Ivan Petrov', queue: 'support', patienceSeconds: 60, talkSeconds: 11 });
    await waitFor(() => ended.find((call) => call.linkedid === linkedid), 'the call to end');
    expect(pops.map((pop) => pop.extension)).toEqual(['1001']);
    expect(pops[0]?.call).toMatchObject({ callerNumber: '+73432001122', queue: 'support', active: true });
    const call = await stored(linkedid);
    expect(call).toMatchObject({ direction: 'inbound', queue: 'support', agentExtension: '1001', result: 'answered', callerNumber: '+73432001122', contactId, active: false });
    // Asterisk truncates to whole seconds; the simulated clock may run a few ms late.
    expect(call?.waitSeconds).toBeGreaterThanOrEqual(3);
    expect(call?.waitSeconds).toBeLessThanOrEqual(4);
    expect(call?.talkSeconds).toBeGreaterThanOrEqual(11);
    expect(call?.talkSeconds).toBeLessThanOrEqual(12);
    await waitFor(() => telephony.agentState('1001')?.state === 'ready', '1001 ready again');
  });

  it('b: nobody answers (1001 paused, 1002/1003 driven by people who do not pick up): abandoned, ring-no-answer on 1002', async () => {
    await telephony.queuePause({ extension: '1001', paused: true, reason: 'break' });
    await telephony.simPhone('1002', 'attach');
    await telephony.simPhone('1003', 'attach');
    const linkedid = pbx.placeInboundCall({ from: '+73432003344', name: 'Olga Smirnova', queue: 'support', patienceSeconds: 23 });
    await waitFor(() => ended.find((call) => call.linkedid === linkedid), 'the caller to give up', 30_000);
    const call = await stored(linkedid);
    expect(call).toMatchObject({ result: 'abandoned', agentExtension: null, ringingAgents: ['1002', '1003'], active: false });
    expect(call?.waitSeconds).toBeGreaterThanOrEqual(23);
    expect(telephony.ringNoAnswerCount('1002')).toBe(1);
  });

  it('a human agent answers and hangs up through the console control channel', async () => {
    await telephony.queuePause({ extension: '1002', paused: true });
    await telephony.queuePause({ extension: '1003', paused: true });
    await telephony.simPhone('1001', 'attach');
    const linkedid = pbx.placeInboundCall({ from: '+79001112233', queue: 'sales', patienceSeconds: 120, talkSeconds: 600 });
    await waitFor(() => telephony.agentState('1001')?.state === 'ringing', '1001 ringing');
    await telephony.simPhone('1001', 'answer');
    await waitFor(() => telephony.agentState('1001')?.state === 'on-call', '1001 on a call');
    await telephony.simPhone('1001', 'hangup');
    await waitFor(() => ended.find((call) => call.linkedid === linkedid), 'the call to end');
    expect(await stored(linkedid)).toMatchObject({ result: 'answered', agentExtension: '1001', queue: 'sales', contactId: null });
  });

  it('d: a click-to-call the client answers is outbound and answered, talk 10 s', async () => {
    pbx.setDestinationBehaviour('+73432001122', { kind: 'answer', ringSeconds: 5, talkSeconds: 10 });
    const { outcome } = await telephony.originate({ extension: '1001', number: '+7 343 200-11-22', callerIdName: 'Ivan Petrov' });
    const result: OriginateOutcome = await outcome;
    expect(result).toMatchObject({ success: true, reason: 4, extension: '1001', number: '+73432001122' });
    if (!result.callId) throw new Error('the originate names its call');
    await waitFor(() => ended.find((call) => call.linkedid === result.callId), 'the call to end');
    const call = await stored(result.callId);
    expect(call).toMatchObject({ direction: 'outbound', agentExtension: '1001', calledNumber: '+73432001122', result: 'answered', contactId });
    expect(call?.talkSeconds).toBeGreaterThanOrEqual(10);
    expect(call?.talkSeconds).toBeLessThanOrEqual(11);
  });

  it('e: a click-to-call to a busy client is stored busy', async () => {
    pbx.setDestinationBehaviour('+73432000486', { kind: 'busy' });
    const { outcome } = await telephony.originate({ extension: '1002', number: '83432000486' });
    const result = await outcome;
    if (!result.callId) throw new Error('the originate names its call');
    await waitFor(() => ended.find((call) => call.linkedid === result.callId), 'the call to end');
    expect(await stored(result.callId)).toMatchObject({ direction: 'outbound', agentExtension: '1002', calledNumber: '+73432000486', result: 'busy' });
  });

  it('reports why a click-to-call failed when the agent rejects it or never answers', async () => {
    await telephony.simPhone('1003', 'attach');
    const rejected = await telephony.originate({ extension: '1003', number: '+79005556677' });
    await waitFor(() => telephony.agentState('1003')?.state === 'ringing', '1003 ringing');
    await telephony.simPhone('1003', 'reject');
    expect(await rejected.outcome).toMatchObject({ success: false, reason: 5, result: 'busy' });
    const unanswered = await telephony.originate({ extension: '1003', number: '+79005556677', timeoutMs: 4000 });
    const outcome = await unanswered.outcome;
    expect(outcome).toMatchObject({ success: false, reason: 3, result: 'no-answer' });
    expect(outcome.explanation).toMatch(/not answered/);
    if (!outcome.callId) throw new Error('the failed originate is still a call');
    await waitFor(async () => (await stored(outcome.callId ?? ''))?.active === false, 'the record to close');
    expect(await stored(outcome.callId)).toMatchObject({ direction: 'outbound', result: 'no-answer', agentExtension: '1003' });
  });

  it('settles a click-to-call still ringing the agent when the service stops (an instance losing the AMI lease)', async () => {
    await telephony.simPhone('1003', 'attach');
    const ringing = await telephony.originate({ extension: '1003', number: '+79005556677' });
    await waitFor(() => telephony.agentState('1003')?.state === 'ringing', '1003 ringing');
    await telephony.stop();
    expect(await ringing.outcome).toMatchObject({ success: false, result: 'failed', extension: '1003', number: '+79005556677' });
  });

  it('answers queue actions with what the PBX reports and refuses bad ones with a reason', async () => {
    await telephony.queueRemove({ extension: '1003', queue: 'sales' });
    await waitFor(() => telephony.agentState('1003')?.queues.length === 1, '1003 left sales');
    await expect(telephony.queueRemove({ extension: '1003', queue: 'sales' })).rejects.toMatchObject({ code: 'TELEPHONY_REJECTED' });
    await telephony.queueAdd({ extension: '1003', queue: 'sales' });
    await waitFor(() => telephony.agentState('1003')?.queues.length === 2, '1003 back in sales');
    const linkedid = pbx.placeInboundCall({ from: '+79001230000', queue: 'support', patienceSeconds: 600 });
    await telephony.queuePause({ extension: '1001', paused: true });
    await telephony.queuePause({ extension: '1002', paused: true });
    await telephony.queuePause({ extension: '1003', paused: true });
    const queues = await telephony.queueStatus();
    const support = queues.find((queue) => queue.name === 'support');
    expect(support?.members.map((member) => member.extension).sort()).toEqual(['1001', '1002', '1003']);
    const channels = await telephony.coreShowChannels();
    expect(channels.some((channel) => channel.callId === linkedid)).toBe(true);
    await telephony.hangup({ callId: linkedid });
    await waitFor(() => ended.find((call) => call.linkedid === linkedid), 'the hung-up call to end');
    await telephony.queuePause({ extension: '1001', paused: false });
    await waitFor(() => telephony.agentState('1001')?.state === 'ready', '1001 unpaused');
    await expect(telephony.originate({ extension: '1001', number: 'not a number' })).rejects.toMatchObject({ code: 'INVALID_PHONE_NUMBER' });
    await expect(telephony.queueAdd({ extension: '1003', queue: 'sales\r\nAction: Hangup' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(telephony.agentState('1003')?.queues).toEqual(['sales', 'support']);
  });
});
