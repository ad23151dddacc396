import { describe, expect, it } from 'vitest';
import { fixtureFrames } from '../../../test/support/ami-replay.js';
import { createAgentMatcher, memberExtension } from './agent-identity.js';
import { normalizeAmiEvent } from './ami-events.js';
import { reconnectDelay } from './backoff.js';
import { toE164 } from './phone-number.js';

describe('normalising AMI events', () => {
  it('reads QueueStatus list items (Name/Location) and member events (MemberName/Interface) alike', () => {
    const frames = fixtureFrames('g-queuestatus-queuesummary');
    const listItem = frames.find(({ frame }) => frame.event === 'QueueMember')?.frame;
    const statusEvent = frames.find(({ frame }) => frame.event === 'QueueMemberStatus')?.frame;
    if (!listItem || !statusEvent) throw new Error('fixture has both');
    const fromList = normalizeAmiEvent(listItem, 0);
    const fromEvent = normalizeAmiEvent(statusEvent, 0);
    expect(fromList).toMatchObject({ ok: true, event: { kind: 'member-status', member: { queue: 'support', iface: 'Local/1001@agents/n', memberName: 'Agent 1001' }, status: 1, paused: false } });
    expect(fromEvent).toMatchObject({ ok: true, event: { kind: 'member-status', member: { iface: 'Local/1002@agents/n', memberName: 'Agent 1002', stateInterface: 'Custom:agent1002' }, status: 6 } });
  });

  it('reads the Cdr UniqueID spelling', () => {
    const cdr = fixtureFrames('d-outbound-answered').find(({ frame }) => frame.event === 'Cdr')?.frame;
    expect(cdr && normalizeAmiEvent(cdr, 0)).toMatchObject({ ok: true, event: { kind: 'cdr', uniqueid: '1795358590.29', billableSeconds: 10, disposition: 'ANSWERED' } });
  });

  it('treats OriginateResponse Failure as a failure although it is not Response: Error', () => {
    const result = normalizeAmiEvent({ event: 'OriginateResponse', response: 'Failure', reason: '3', uniqueid: '<unknown>', channel: 'Local/1001@agents', actionid: 'x' }, 0);
    expect(result).toMatchObject({ ok: true, event: { kind: 'originate-response', success: false, reason: 3, uniqueid: null } });
  });

  it('skips every event of every recording without a problem, except none', () => {
    for (const scenario of ['a-inbound-answered-caller-hangup', 'b-inbound-abandon', 'd-outbound-answered', 'e-outbound-busy', 'g-queuestatus-queuesummary'] as const) {
      for (const { frame } of fixtureFrames(scenario)) {
        if (!frame.event) continue;
        const result = normalizeAmiEvent(frame, 0);
        expect(result.ok || result.problem === null, `${scenario} ${String(frame.event)}`).toBe(true);
      }
    }
  });

  it('names the reason for an unknown event, a frame without Event, and missing fields', () => {
    expect(normalizeAmiEvent({ event: 'TotallyNew' }, 0)).toEqual({ ok: false, problem: { reason: 'unknown event TotallyNew' } });
    expect(normalizeAmiEvent({ 'garbage line without colon': '' }, 0)).toEqual({ ok: false, problem: { reason: 'frame without Event header' } });
    expect(normalizeAmiEvent({ event: 'Hangup', cause: '16' }, 0)).toEqual({ ok: false, problem: { reason: 'Hangup without Channel/Uniqueid' } });
    expect(normalizeAmiEvent({ event: 'AgentCalled', queue: 'support', channel: 'X', uniqueid: '1.1' }, 0)).toEqual({ ok: false, problem: { reason: 'AgentCalled without Interface/MemberName' } });
  });

  it('skips without a log line the agent-class events the CRM asks for but has no use for', () => {
    for (const name of ['AgentDump', 'QueueMemberPenalty', 'QueueMemberRinginuse']) {
      expect(normalizeAmiEvent({ event: name, queue: 'support', interface: 'Local/1001@agents/n' }, 0)).toEqual({ ok: false, problem: null });
    }
  });

  it('survives a repeated header (asterisk-manager gives an array) by taking the first value', () => {
    const result = normalizeAmiEvent({ event: 'Hangup', channel: ['SIP/1-1', 'SIP/1-2'], uniqueid: '1.1', linkedid: '1.1', cause: '16' }, 0);
    expect(result).toMatchObject({ ok: true, event: { kind: 'hangup', ch: { channel: 'SIP/1-1' }, cause: 16 } });
  });
});

describe('agent identity', () => {
  const match = createAgentMatcher();
  it.each([
    ['PJSIP/1001', '1001'],
    ['SIP/1002', '1002'],
    ['PJSIP/1003-0000002a', '1003'],
    ['Local/1001@agents/n', '1001'],
    ['Local/1002@agents-0000000d;1', '1002'],
    ['Agent 1003', '1003'],
    ['Custom:agent1001', '1001'],
    ['Local/s@inbound-00000000;1', null],
    ['Local/+73432001122@customers-0000000e;1', null],
    ['PJSIP/trunk-00000001', null],
  ])('%s → %s', (name, extension) => {
    expect(match(name)).toBe(extension);
  });

  it('accepts a configured pattern', () => {
    expect(createAgentMatcher(/^PJSIP\/agent-(\d+)$/)('PJSIP/agent-77')).toBe('77');
  });

  it('finds a queue member by whichever of interface, member name or state interface the pattern knows', () => {
    const byState = createAgentMatcher(/^Custom:agent(\d+)$/);
    expect(memberExtension(byState, { iface: 'Local/id-3@agentcallback', memberName: 'Agent/402', stateInterface: 'Custom:agent402' })).toBe('402');
    expect(memberExtension(match, { iface: 'SIP/hhhhh', memberName: 'Agent 1002', stateInterface: null })).toBe('1002');
    expect(memberExtension(match, { iface: 'Local/id-9@agentcallback', memberName: 'Agent/220', stateInterface: 'SIP/iiiiiiiiiii' })).toBeNull();
  });
});

describe('phone numbers and reconnect delays', () => {
  it('normalises numbers to E.164 with the company default country', () => {
    expect(toE164('+73432001122', 'RU')).toBe('+73432001122');
    expect(toE164('83432001122', 'RU')).toBe('+73432001122');
    expect(toE164('<unknown>', 'RU')).toBeNull();
    expect(toE164('s', 'RU')).toBeNull();
    expect(toE164('1001', 'RU')).toBe('1001');
  });

  it('retries the first time within a second and never waits more than 30 s', () => {
    expect(reconnectDelay(0, () => 1)).toBeLessThan(1000);
    expect(reconnectDelay(0, () => 0)).toBeGreaterThan(0);
    expect(reconnectDelay(50, () => 1)).toBe(30_000);
    const spread = new Set([0, 0.25, 0.5, 0.75, 1].map((r) => reconnectDelay(3, () => r)));
    expect(spread.size).toBe(5);
  });
});
