import { describe, expect, it } from 'vitest';
import { internalCallee, type CallRecord } from '@crm/shared';
import { fixtureFrames, type Frame, type Scenario } from '../../../test/support/ami-replay.js';
import { createAgentMatcher } from './agent-identity.js';
import { normalizeAmiEvent, type AmiFrame } from './ami-events.js';
import { CallModel, type CallEffect } from './call-state.js';

const BASE = Date.parse('2026-11-22T14:41:56Z');

function createModel() {
  const effects: CallEffect[] = [];
  const model = new CallModel({ defaultCountry: 'RU', matchAgent: createAgentMatcher(), onEffect: (effect) => effects.push(effect) });
  const feed = (frame: AmiFrame, t: number) => {
    const result = normalizeAmiEvent(frame, BASE + t);
    if (result.ok) model.apply(result.event);
  };
  const records = () => {
    const latest = new Map<string, CallRecord>();
    for (const effect of effects) {
      if (effect.type === 'call-changed') latest.set(effect.call.linkedid, effect.call);
      if (effect.type === 'call-merged') latest.delete(effect.from);
    }
    return [...latest.values()];
  };
  return { model, effects, feed, records };
}

function replay(scenario: Scenario, frames?: Array<{ t: number; frame: Frame }>) {
  const harness = createModel();
  for (const { t, frame } of frames ?? fixtureFrames(scenario)) harness.feed(frame, t);
  return harness;
}

const event = (name: string, fields: Record<string, string>): AmiFrame => {
  const frame: AmiFrame = { event: name };
  for (const [key, value] of Object.entries(fields)) frame[key.toLowerCase()] = value;
  return frame;
};

describe('call model on the recorded Asterisk 22 calls', () => {
  it('a: an inbound queue call answered by agent 1001 after 3 s and talked 11 s is one answered record', () => {
    const { records, effects } = replay('a-inbound-answered-caller-hangup');
    expect(records()).toHaveLength(1);
    const [call] = records();
    expect(call).toMatchObject({
      linkedid: '1795358516.0',
      direction: 'inbound',
      callerNumber: '+73432001122',
      calledNumber: null,
      queue: 'support',
      agentExtension: '1001',
      ringingAgents: ['1001'],
      result: 'answered',
      active: false,
      waitSeconds: 3,
      talkSeconds: 11,
      endedDuringOutage: false,
    });
    expect(call?.queuedAt).not.toBeNull();
    expect(call?.answeredAt).not.toBeNull();
    expect(call?.endedAt).not.toBeNull();
    // The screen-pop hangs on this: agent 1001 rang for this call, then answered it.
    expect(effects.filter((effect) => effect.type === 'agent-ringing').map((effect) => effect.type === 'agent-ringing' && effect.extension)).toEqual(['1001']);
    expect(effects.filter((effect) => effect.type === 'agent-answered')).toHaveLength(1);
    expect(effects.filter((effect) => effect.type === 'call-ended')).toHaveLength(1);
  });

  it('b: a caller who hangs up after 20 s in queue is abandoned, with 1002 and 1003 rung', () => {
    const { records, effects } = replay('b-inbound-abandon');
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatchObject({
      direction: 'inbound',
      queue: 'support',
      result: 'abandoned',
      waitSeconds: 20,
      agentExtension: null,
      ringingAgents: ['1002', '1003'],
      talkSeconds: null,
      active: false,
    });
    const noAnswer = effects.filter((effect) => effect.type === 'agent-ring-no-answer');
    // AgentRingNoAnswer says 15000: milliseconds, unlike AgentConnect's seconds.
    expect(noAnswer).toMatchObject([{ extension: '1002', ringSeconds: 15 }]);
  });

  it('d: a click-to-call answered by the client is outbound, answered, by agent 1001, talk from the client leg', () => {
    const { records } = replay('d-outbound-answered');
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatchObject({
      direction: 'outbound',
      calledNumber: '+73432001122',
      callerNumber: '+73432000000',
      agentExtension: '1001',
      queue: null,
      result: 'answered',
      talkSeconds: 10,
      waitSeconds: null,
      active: false,
    });
  });

  it('e: a click-to-call to a busy client is busy, even though hangup causes are 17/0/16 and a Cdr says ANSWERED', () => {
    const { records } = replay('e-outbound-busy');
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatchObject({
      direction: 'outbound',
      calledNumber: '+73432000486',
      agentExtension: '1002',
      result: 'busy',
      talkSeconds: null,
      answeredAt: null,
      active: false,
    });
  });

  it('g: two overlapping queue calls become two records (one answered by 1002, one abandoned)', () => {
    const { records } = replay('g-queuestatus-queuesummary');
    const byCaller = Object.fromEntries(records().map((call) => [call.callerNumber, call]));
    expect(records()).toHaveLength(2);
    expect(byCaller['+73432001122']).toMatchObject({ result: 'answered', agentExtension: '1002', talkSeconds: 18 });
    expect(byCaller['+73432003344']).toMatchObject({ result: 'abandoned', waitSeconds: 12, ringingAgents: ['1003'] });
  });
});

describe('call model quirks (fixture field notes)', () => {
  it('gives the same record when every event is delivered twice', () => {
    const frames = fixtureFrames('a-inbound-answered-caller-hangup');
    const once = replay('a-inbound-answered-caller-hangup').records();
    const twice = replay('a-inbound-answered-caller-hangup', frames.flatMap((item) => [item, item])).records();
    expect(twice).toEqual(once);
  });

  it('gives the same record when the whole call is replayed again after it ended', () => {
    const frames = fixtureFrames('b-inbound-abandon');
    const harness = replay('b-inbound-abandon', [...frames, ...frames]);
    expect(harness.records()).toEqual(replay('b-inbound-abandon').records());
    expect(harness.effects.filter((effect) => effect.type === 'call-ended')).toHaveLength(1);
  });

  it('takes the outcome of OriginateResponse and DialEnd the same whichever comes first', () => {
    const frames = fixtureFrames('d-outbound-answered');
    const originateIndex = frames.findIndex(({ frame }) => frame.event === 'OriginateResponse');
    const dialEndIndex = frames.findIndex(({ frame }) => frame.event === 'DialEnd');
    const swapped = [...frames];
    const [originate] = swapped.splice(originateIndex, 1);
    if (!originate) throw new Error('fixture has an OriginateResponse');
    swapped.splice(dialEndIndex, 0, originate);
    expect(swapped.findIndex(({ frame }) => frame.event === 'OriginateResponse')).toBeLessThan(swapped.findIndex(({ frame }) => frame.event === 'DialEnd'));
    expect(replay('d-outbound-answered', swapped).records()).toEqual(replay('d-outbound-answered').records());
  });

  it('keeps NOANSWER when the queue follows it with CANCEL for the same agent leg', () => {
    const { model } = replay('b-inbound-abandon');
    const state = model.getState('1795358533.4');
    expect(state?.legs['1795358534.6']?.dialStatus).toBe('NOANSWER');
  });

  it('matches an AgentComplete that lost the caller snapshot through the member channel', () => {
    const frames = fixtureFrames('a-inbound-answered-caller-hangup').map(({ t, frame }) => {
      if (frame.event !== 'AgentComplete') return { t, frame };
      const stripped: Frame = {};
      for (const [key, value] of Object.entries(frame)) {
        if (['channel', 'channelstate', 'channelstatedesc', 'calleridnum', 'calleridname', 'connectedlinenum', 'connectedlinename', 'language', 'accountcode', 'context', 'exten', 'priority', 'uniqueid', 'linkedid'].includes(key)) continue;
        stripped[key] = value;
      }
      return { t, frame: stripped };
    });
    const records = replay('a-inbound-answered-caller-hangup', frames).records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ result: 'answered', talkSeconds: 11, agentExtension: '1001' });
  });

  it('matches an AgentComplete with neither caller nor member snapshot through the agent interface', () => {
    const { feed, records } = createModel();
    const caller = { Channel: 'PJSIP/trunk-00000001', Uniqueid: '1700000000.1', Linkedid: '1700000000.1', CallerIDNum: '+74951234567', ChannelState: '6' };
    feed(event('Newchannel', caller), 0);
    feed(event('QueueCallerJoin', { ...caller, Queue: 'sales', Position: '1', Count: '1' }), 100);
    feed(event('AgentConnect', { ...caller, Queue: 'sales', Interface: 'PJSIP/1003', MemberName: 'Agent 1003', HoldTime: '4', RingTime: '2' }), 4000);
    feed(event('AgentComplete', { Queue: 'sales', Interface: 'PJSIP/1003', MemberName: 'Agent 1003', HoldTime: '4', TalkTime: '30', Reason: 'agent' }), 34_000);
    feed(event('Hangup', { ...caller, Cause: '16' }), 34_001);
    expect(records()).toMatchObject([{ result: 'answered', agentExtension: '1003', talkSeconds: 30, waitSeconds: 4, callerNumber: '+74951234567' }]);
  });

  it('keeps a caller who hung up within a second of being connected as answered with TalkTime 0', () => {
    const { feed, records } = createModel();
    const caller = { Channel: 'PJSIP/trunk-00000005', Uniqueid: '1700000050.1', Linkedid: '1700000050.1', CallerIDNum: '+74957654321', ChannelState: '6' };
    const member = { Queue: 'support', Interface: 'Local/1002@agents/n', MemberName: 'Agent 1002' };
    feed(event('Newchannel', caller), 0);
    feed(event('QueueCallerJoin', { ...caller, Queue: 'support', Position: '1', Count: '1' }), 10);
    feed(event('AgentConnect', { ...caller, ...member, HoldTime: '6', RingTime: '4' }), 6000);
    feed(event('AgentComplete', { ...caller, ...member, HoldTime: '6', TalkTime: '0', Reason: 'caller' }), 6400);
    feed(event('Hangup', { ...caller, Cause: '16' }), 6401);
    expect(records()).toMatchObject([{ result: 'answered', talkSeconds: 0, waitSeconds: 6, agentExtension: '1002' }]);
  });

  it('merges two calls when a leg shows up under a new Linkedid', () => {
    const { feed, records, effects } = createModel();
    feed(event('Newchannel', { Channel: 'PJSIP/trunk-0000000a', Uniqueid: '1700000000.10', Linkedid: '1700000000.10', CallerIDNum: '84951112233', ChannelState: '4' }), 0);
    feed(event('Newchannel', { Channel: 'PJSIP/1002-0000000b', Uniqueid: '1700000001.11', Linkedid: '1700000001.11', CallerIDNum: '1002', ChannelState: '4' }), 1000);
    // The second channel's Linkedid changes to the first call's: both are one call.
    feed(event('Newstate', { Channel: 'PJSIP/1002-0000000b', Uniqueid: '1700000001.11', Linkedid: '1700000000.10', ChannelState: '6' }), 2000);
    feed(event('Hangup', { Channel: 'PJSIP/trunk-0000000a', Uniqueid: '1700000000.10', Linkedid: '1700000000.10', Cause: '16' }), 9000);
    feed(event('Hangup', { Channel: 'PJSIP/1002-0000000b', Uniqueid: '1700000001.11', Linkedid: '1700000000.10', Cause: '16' }), 9001);
    expect(effects.some((effect) => effect.type === 'call-merged' && effect.from === '1700000001.11' && effect.into === '1700000000.10')).toBe(true);
    expect(records()).toHaveLength(1);
    expect(records()[0]).toMatchObject({ linkedid: '1700000000.10', callerNumber: '+74951112233', active: false });
  });

  it('reports a failed Originate (agent never answers, Uniqueid <unknown>) as an outbound no-answer', () => {
    const harness = createModel();
    harness.model.expectOriginate('crm-1-7', '1003', '+73432001122', BASE);
    const leg = { DestChannel: 'Local/1003@agents-00000020;1', DestUniqueid: '1795358700.60', DestLinkedid: '1795358700.60', DestChannelState: '0', DestCallerIDNum: '+73432001122' };
    harness.feed(event('Newchannel', { Channel: 'Local/1003@agents-00000020;1', Uniqueid: '1795358700.60', Linkedid: '1795358700.60', ChannelState: '0' }), 0);
    harness.feed(event('Newchannel', { Channel: 'Local/1003@agents-00000020;2', Uniqueid: '1795358700.61', Linkedid: '1795358700.60', ChannelState: '4' }), 1);
    harness.feed(event('DialBegin', { ...leg, DialString: '1003@agents' }), 2);
    harness.feed(event('Hangup', { Channel: 'Local/1003@agents-00000020;1', Uniqueid: '1795358700.60', Linkedid: '1795358700.60', Cause: '19' }), 30_000);
    harness.feed(event('Hangup', { Channel: 'Local/1003@agents-00000020;2', Uniqueid: '1795358700.61', Linkedid: '1795358700.60', Cause: '0' }), 30_001);
    harness.feed(event('OriginateResponse', { ActionID: 'crm-1-7', Response: 'Failure', Channel: 'Local/1003@agents', Context: 'outbound', Exten: '+73432001122', Reason: '3', Uniqueid: '<unknown>' }), 30_002);
    expect(harness.records()).toMatchObject([{ direction: 'outbound', agentExtension: '1003', calledNumber: '+73432001122', result: 'no-answer', active: false }]);
    const outcome = harness.effects.find((effect) => effect.type === 'originate-result');
    expect(outcome).toMatchObject({ outcome: { success: false, reason: 3, result: 'no-answer', extension: '1003' } });
    expect(outcome?.type === 'originate-result' && outcome.outcome.explanation).toMatch(/not answered/);
  });

  it('ignores an OriginateResponse of an action someone else sent when it succeeded', () => {
    const { records } = replay('a-inbound-answered-caller-hangup');
    expect(records()[0]?.direction).toBe('inbound');
  });

  it("does not give a refused click-to-call's number to the agent's next call from their own phone", () => {
    const { model, feed, records } = createModel();
    model.expectOriginate('crm-1-7', '1001', '+79990000000', BASE);
    model.forgetOriginate('crm-1-7');
    const desk = { Channel: 'PJSIP/1001-00000040', Uniqueid: '1700000200.1', Linkedid: '1700000200.1', CallerIDNum: '1001', ChannelState: '4' };
    feed(event('Newchannel', desk), 60_000);
    feed(event('Hangup', { ...desk, Cause: '16' }), 63_000);
    expect(records()).toMatchObject([{ direction: 'outbound', agentExtension: '1001', calledNumber: null, active: false }]);
  });

  it('records an Originate whose device never came up as a failed outbound attempt', () => {
    const harness = createModel();
    harness.model.expectOriginate('crm-1-9', '1009', '+79001234567', BASE);
    harness.feed(event('OriginateResponse', { ActionID: 'crm-1-9', Response: 'Failure', Channel: 'PJSIP/1009', Reason: '0', Uniqueid: '<unknown>' }), 10);
    expect(harness.records()).toMatchObject([{ direction: 'outbound', agentExtension: '1009', result: 'failed', calledNumber: '+79001234567', active: false }]);
  });

  it('does not start a call from a Hangup or a Cdr of a channel it never saw', () => {
    const { feed, records } = createModel();
    feed(event('Hangup', { Channel: 'PJSIP/9-00000001', Uniqueid: '1.1', Linkedid: '1.1', Cause: '16' }), 0);
    feed(event('Cdr', { UniqueID: '1.1', Disposition: 'ANSWERED', BillableSeconds: '5' }), 0);
    expect(records()).toEqual([]);
  });

  it('rings the agent on a direct (non-queue) dial and takes the result from DialEnd, not the hangup cause', () => {
    const { feed, records, effects } = createModel();
    const trunk = { Channel: 'PJSIP/trunk-00000031', Uniqueid: '1700000100.1', Linkedid: '1700000100.1', CallerIDNum: '+380441234567', Exten: '+74950000000', ChannelState: '4' };
    const dest = { DestChannel: 'PJSIP/1001-00000032', DestUniqueid: '1700000100.2', DestLinkedid: '1700000100.1', DestChannelState: '0' };
    feed(event('Newchannel', trunk), 0);
    feed(event('DialBegin', { ...trunk, ...dest, DialString: '1001' }), 10);
    feed(event('DialEnd', { ...trunk, ...dest, DialStatus: 'NOANSWER' }), 20_000);
    feed(event('Hangup', { Channel: 'PJSIP/1001-00000032', Uniqueid: '1700000100.2', Linkedid: '1700000100.1', Cause: '0' }), 20_001);
    feed(event('Hangup', { ...trunk, Cause: '16' }), 20_002);
    expect(effects.some((effect) => effect.type === 'agent-ringing' && effect.extension === '1001')).toBe(true);
    expect(records()).toMatchObject([{ direction: 'inbound', result: 'no-answer', callerNumber: '+380441234567', calledNumber: '+74950000000', ringingAgents: ['1001'], hangupCause: 16 }]);
  });
});

describe('calls between agents (older PBXes, PJSIP extensions)', () => {
  const a = { Channel: 'PJSIP/7003-00000101', Uniqueid: '1781700000.50', Linkedid: '1781700000.50', CallerIDNum: '7003', Exten: '7004', ChannelState: '4' };
  const b = { DestChannel: 'PJSIP/7004-00000102', DestUniqueid: '1781700000.51', DestLinkedid: '1781700000.50', DestChannelState: '0' };
  const hangups = (t: number) => [
    [event('Hangup', { Channel: 'PJSIP/7004-00000102', Uniqueid: '1781700000.51', Linkedid: '1781700000.50', Cause: '16' }), t],
    [event('Hangup', { ...a, Cause: '16' }), t + 1],
  ] as const;

  it('an answered extension-to-extension call is outbound from 7003, answered, talk from the wall clock', () => {
    const { feed, records } = createModel();
    feed(event('Newchannel', a), 0);
    feed(event('DialBegin', { ...a, ...b, DialString: '7004' }), 10);
    feed(event('DialEnd', { ...a, ...b, DialStatus: 'ANSWER' }), 4000);
    for (const [frame, t] of hangups(16_500)) feed(frame, t);
    expect(records()).toMatchObject([{ direction: 'outbound', agentExtension: '7003', calledNumber: '7004', result: 'answered', talkSeconds: 12, active: false }]);
  });

  it('reads the called extension from a PJSIP dial string that carries a SIP URI (FreePBX)', () => {
    const { feed, records } = createModel();
    feed(event('Newchannel', a), 0);
    feed(event('DialBegin', { ...a, ...b, DialString: '7004/sip:7004@203.0.113.10:5063' }), 10);
    feed(event('DialEnd', { ...a, ...b, DialStatus: 'ANSWER' }), 4000);
    for (const [frame, t] of hangups(9_500)) feed(frame, t);
    expect(records()).toMatchObject([{ direction: 'outbound', agentExtension: '7003', calledNumber: '7004', result: 'answered' }]);
  });

  it('an unanswered one is no-answer although the callee hangup cause says Call Rejected', () => {
    const { feed, records } = createModel();
    feed(event('Newchannel', a), 0);
    feed(event('DialBegin', { ...a, ...b, DialString: '7004' }), 10);
    feed(event('DialEnd', { ...a, ...b, DialStatus: 'NOANSWER' }), 15_000);
    feed(event('Hangup', { Channel: 'PJSIP/7004-00000102', Uniqueid: '1781700000.51', Linkedid: '1781700000.50', Cause: '21' }), 15_001);
    feed(event('Hangup', { ...a, Cause: '16' }), 15_002);
    expect(records()).toMatchObject([{ result: 'no-answer', answeredAt: null, talkSeconds: null, hangupCause: 21 }]);
  });
});

describe('an agent calling a colleague’s extension from their desk phone (internal call)', () => {
  // As Asterisk 22 reports `Dial(PJSIP/1002)` from agent 1001's phone in `from-internal`.
  const caller = { Channel: 'PJSIP/1001-000000a1', Uniqueid: '1900000000.11', Linkedid: '1900000000.11', CallerIDNum: '1001', CallerIDName: 'Agent One', Context: 'from-internal', Exten: '1002', ChannelState: '4' };
  const called = { Channel: 'PJSIP/1002-000000a2', Uniqueid: '1900000000.12', Linkedid: '1900000000.11', CallerIDNum: '1002', CallerIDName: 'Agent Two', Context: 'from-internal', Exten: '1002', ChannelState: '0' };
  const dest = Object.fromEntries(Object.entries(called).map(([key, value]) => [`Dest${key}`, value]));

  function ring() {
    const harness = createModel();
    harness.feed(event('Newchannel', caller), 0);
    harness.feed(event('Newchannel', called), 5);
    harness.feed(event('DialBegin', { ...caller, ...dest, DialString: '1002' }), 10);
    return harness;
  }
  const dialEnd = (harness: ReturnType<typeof createModel>, status: string, t: number) => harness.feed(event('DialEnd', { ...caller, ...dest, DialStatus: status }), t);
  const hangUp = (harness: ReturnType<typeof createModel>, t: number) => {
    harness.feed(event('Hangup', { ...called, Cause: '16' }), t);
    harness.feed(event('Hangup', { ...caller, Cause: '16' }), t + 1);
  };
  /** What the agent board shows for an agent, change by change (the same activity told twice changes nothing). */
  const activities = (effects: CallEffect[], extension: string) =>
    effects
      .flatMap((effect) => (effect.type === 'agent-activity' && effect.extension === extension ? [effect.activity] : []))
      .filter((activity, index, all) => activity !== all[index - 1]);
  const ringingOf = (effects: CallEffect[]) => effects.flatMap((effect) => (effect.type === 'agent-ringing' ? [effect] : []));
  const answeredOf = (effects: CallEffect[]) => effects.flatMap((effect) => (effect.type === 'agent-answered' ? [effect] : []));

  it('rings the called agent with a call marked as internal (from 1001 to extension 1002), while the caller shows on a call', () => {
    const { effects } = ring();
    const rung = ringingOf(effects);
    expect(rung.map((effect) => effect.extension)).toEqual(['1002']);
    expect(rung[0]?.call).toMatchObject({ direction: 'outbound', queue: null, agentExtension: '1001', callerNumber: '1001', calledNumber: '1002', answeredAt: null, active: true });
    expect(internalCallee(rung[0]!.call)).toBe('1002');
    expect(activities(effects, '1002')).toEqual(['ringing']);
    expect(activities(effects, '1001')).toEqual(['on-call']);
  });

  it('tells both agents they are on the call when the colleague answers, and frees both when it ends', () => {
    const harness = ring();
    dialEnd(harness, 'ANSWER', 4000);
    const answered = answeredOf(harness.effects);
    expect(answered.map((effect) => effect.extension).sort()).toEqual(['1001', '1002']);
    for (const effect of answered) expect(effect.call.answeredAt).toBe(new Date(BASE + 4000).toISOString());
    hangUp(harness, 16_000);
    expect(activities(harness.effects, '1002')).toEqual(['ringing', 'on-call', 'idle']);
    expect(activities(harness.effects, '1001').at(-1)).toBe('idle');
    expect(harness.records()).toMatchObject([{ result: 'answered', talkSeconds: 12, active: false }]);
    expect(harness.effects.filter((effect) => effect.type === 'call-ended')).toHaveLength(1);
  });

  it.each([
    { status: 'NOANSWER', result: 'no-answer', what: 'the colleague does not answer' },
    { status: 'BUSY', result: 'busy', what: 'the colleague is busy' },
    { status: 'CANCEL', result: 'no-answer', what: 'the caller hangs up before the colleague answers' },
  ])('frees both agents and ends the call when $what', ({ status, result }) => {
    const harness = ring();
    dialEnd(harness, status, 15_000);
    // The colleague's phone stopped ringing: they are free at once, before the hangups arrive.
    expect(activities(harness.effects, '1002')).toEqual(['ringing', 'idle']);
    hangUp(harness, 15_001);
    expect(activities(harness.effects, '1001')).toEqual(['on-call', 'idle']);
    expect(answeredOf(harness.effects)).toEqual([]);
    expect(harness.records()).toMatchObject([{ result, answeredAt: null, talkSeconds: null, active: false, agentExtension: '1001', calledNumber: '1002' }]);
    expect(harness.effects.filter((effect) => effect.type === 'call-ended')).toHaveLength(1);
  });

  it('does not pop a colleague who is on another call over it, and leaves them on that call when their phone answers BUSY', () => {
    const harness = createModel();
    // 1002 talks to a client who dialed their direct number.
    const trunk = { Channel: 'PJSIP/trunk-00000090', Uniqueid: '1899999999.1', Linkedid: '1899999999.1', CallerIDNum: '+380441234567', Exten: '+74950000000', ChannelState: '4' };
    const desk = { DestChannel: 'PJSIP/1002-00000091', DestUniqueid: '1899999999.2', DestLinkedid: '1899999999.1', DestChannelState: '0' };
    harness.feed(event('Newchannel', trunk), 0);
    harness.feed(event('DialBegin', { ...trunk, ...desk, DialString: '1002' }), 1);
    harness.feed(event('DialEnd', { ...trunk, ...desk, DialStatus: 'ANSWER' }), 2000);
    const ringsBefore = ringingOf(harness.effects).length;

    harness.feed(event('Newchannel', caller), 5000);
    harness.feed(event('Newchannel', called), 5001);
    harness.feed(event('DialBegin', { ...caller, ...dest, DialString: '1002' }), 5002);
    dialEnd(harness, 'BUSY', 5003);
    hangUp(harness, 5004);

    expect(ringingOf(harness.effects)).toHaveLength(ringsBefore);
    expect(activities(harness.effects, '1002').at(-1)).toBe('on-call');
    expect(harness.records().find((record) => record.id === caller.Linkedid)).toMatchObject({ result: 'busy', active: false });
  });

  it('rings the colleague the same when the dialplan reaches their phone through a Local half', () => {
    const { feed, effects } = createModel();
    const local1 = { Channel: 'Local/1002@agents-00000031;1', Uniqueid: '1900000001.21', Linkedid: '1900000001.20', ChannelState: '0', Exten: '1002' };
    const local2 = { Channel: 'Local/1002@agents-00000031;2', Uniqueid: '1900000001.22', Linkedid: '1900000001.20', ChannelState: '4', Exten: '1002' };
    const phone = { ...caller, Uniqueid: '1900000001.20', Linkedid: '1900000001.20' };
    feed(event('Newchannel', phone), 0);
    feed(event('Newchannel', local1), 1);
    feed(event('Newchannel', local2), 2);
    feed(event('DialBegin', { ...phone, ...Object.fromEntries(Object.entries(local1).map(([key, value]) => [`Dest${key}`, value])), DialString: '1002@agents' }), 3);
    expect(ringingOf(effects).map((effect) => [effect.extension, effect.call.calledNumber, effect.call.agentExtension])).toEqual([['1002', '1002', '1001']]);
    feed(event('DialEnd', { ...phone, ...Object.fromEntries(Object.entries(local1).map(([key, value]) => [`Dest${key}`, value])), DialStatus: 'ANSWER' }), 3000);
    expect(answeredOf(effects).map((effect) => effect.extension).sort()).toEqual(['1001', '1002']);
  });

  it('does not take a click-to-call whose Local half reaches the agent’s own phone for an internal call', () => {
    const { model, feed, effects } = createModel();
    model.expectOriginate('crm-1-3', '1001', '+73432001122', BASE);
    const half1 = { Channel: 'Local/1001@agents-00000040;1', Uniqueid: '1900000002.30', Linkedid: '1900000002.30', ChannelState: '0' };
    const half2 = { Channel: 'Local/1001@agents-00000040;2', Uniqueid: '1900000002.31', Linkedid: '1900000002.30', ChannelState: '4' };
    const device = { DestChannel: 'PJSIP/1001-00000041', DestUniqueid: '1900000002.32', DestLinkedid: '1900000002.30', DestChannelState: '0' };
    feed(event('Newchannel', half1), 0);
    feed(event('Newchannel', half2), 1);
    feed(event('DialBegin', { DestChannel: half1.Channel, DestUniqueid: half1.Uniqueid, DestLinkedid: half1.Linkedid, DestChannelState: '0', DialString: '1001@agents' }), 2);
    feed(event('DialBegin', { ...half2, ...device, DialString: 'PJSIP/1001' }), 3);
    expect(ringingOf(effects).map((effect) => effect.extension)).toEqual(['1001']);
    expect(internalCallee(ringingOf(effects)[0]!.call)).toBeNull();
  });
});

describe('resync after an outage', () => {
  it('closes a call that ended while away at the moment it was lost, and keeps a call that is still up', () => {
    const frames = fixtureFrames('g-queuestatus-queuesummary');
    // Stop in the middle: both calls are up.
    const cut = frames.findIndex(({ frame }) => frame.event === 'QueueEntry');
    const harness = replay('g-queuestatus-queuesummary', frames.slice(0, cut));
    expect(harness.model.activeCalls()).toHaveLength(2);
    const lostAt = BASE + (frames[cut]?.t ?? 0);
    const still = harness.model.activeStates().find((state) => state.queueCallerNum === '+73432001122');
    if (!still) throw new Error('the answered call is active');
    const legs = Object.values(still.legs).map((leg) => leg.uniqueid);
    harness.model.resync({
      at: lostAt + 60_000,
      lostAt,
      channels: legs.map((uniqueid) => ({
        kind: 'channel-snapshot',
        at: lostAt + 60_000,
        actionId: null,
        ch: { channel: still.legs[uniqueid]?.channel ?? '', uniqueid, linkedid: still.linkedid, state: 6, callerNum: null, callerName: null, connectedNum: null, context: null, exten: null },
        bridgeId: 'b1',
        application: null,
        applicationData: null,
        durationSeconds: 80,
      })),
      queueEntries: [],
    });
    const records = harness.records();
    expect(records).toHaveLength(2);
    const ended = records.find((call) => call.callerNumber === '+73432003344');
    expect(ended).toMatchObject({ active: false, endedDuringOutage: true, endedAt: new Date(lostAt).toISOString(), result: 'abandoned' });
    expect(records.find((call) => call.callerNumber === '+73432001122')).toMatchObject({ active: true, endedDuringOutage: false });
  });

  it('starts calls it never saw from the channel list with the queue and wait it reports', () => {
    const { model, records } = createModel();
    const at = BASE + 100_000;
    model.resync({
      at,
      lostAt: null,
      channels: [
        {
          kind: 'channel-snapshot',
          at,
          actionId: null,
          ch: { channel: 'Local/support@inbound-00000040;2', uniqueid: '1795359000.81', linkedid: '1795359000.80', state: 6, callerNum: '+73432003344', callerName: 'Olga', connectedNum: null, context: 'inbound', exten: 'support' },
          bridgeId: null,
          application: 'Queue',
          applicationData: 'support,,,,300',
          durationSeconds: 12,
        },
      ],
      queueEntries: [
        { kind: 'queue-entry', at, actionId: null, queue: 'support', ch: { channel: 'Local/support@inbound-00000040;2', uniqueid: '1795359000.81', linkedid: '1795359000.81', state: 6, callerNum: '+73432003344', callerName: null, connectedNum: null, context: null, exten: null }, waitSeconds: 11, position: 1 },
      ],
    });
    expect(records()).toMatchObject([{ linkedid: '1795359000.80', queue: 'support', active: true, callerNumber: '+73432003344', queuedAt: new Date(at - 12_000).toISOString() }]);
  });
});
