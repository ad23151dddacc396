import { describe, expect, it } from 'vitest';
import { buildCallRecord } from '@crm/shared/testing/call-record';
import type { CallRecord } from '@crm/shared';
import type { TelephonyEvents } from '../telephony/index.js';
import { startAgentPushes } from './agent-pushes.js';

const call = (overrides: Partial<CallRecord> = {}): CallRecord =>
  buildCallRecord({
    id: '1795358516.12',
    linkedid: '1795358516.12',
    calledNumber: null,
    ringingAgents: ['1001', '1002'],
    startedAt: '2026-11-22T14:41:56.000Z',
    queuedAt: '2026-11-22T14:41:56.500Z',
    ringingAt: '2026-11-22T14:41:56.600Z',
    waitSeconds: null,
    ...overrides,
  });

/** Telephony that the test drives by hand, and the pushes each agent's console received. */
function harness(active: CallRecord[]) {
  const handlers = new Map<string, (payload: never) => void>();
  const received: Array<{ extension: string; event: string; payload: unknown }> = [];
  const stop = startAgentPushes({
    telephony: {
      on: (event, handler) => {
        handlers.set(event, handler as (payload: never) => void);
        return () => handlers.delete(event);
      },
      activeCall: (callId) => active.find((item) => item.id === callId) ?? null,
    },
    realtime: {
      emitToAgent: (extension, event, ...args) => received.push({ extension, event, payload: args[0] }),
      emitToSupervisors: () => undefined,
    },
  });
  const fire = <E extends keyof TelephonyEvents>(event: E, payload: Parameters<TelephonyEvents[E]>[0]) => handlers.get(event)?.(payload as never);
  return { fire, received, stop, handlers };
}

/** Agent 1001 dialed extension 1002 from their phone: an internal call, as the call model records it. */
const agent1CallsAgent2 = () => call({ direction: 'outbound', queue: null, agentExtension: '1001', callerNumber: '1001', calledNumber: '1002', ringingAgents: [] });

describe('agent desk pushes', () => {
  it('clears the pop of an agent whose phone rang unanswered while the queue tries someone else', () => {
    const ringing = call();
    const { fire, received } = harness([ringing]);
    fire('agent:ring-no-answer', { extension: '1002', queue: 'support', callId: ringing.id, ringSeconds: 15, at: '2026-11-22T14:42:11.600Z' });
    expect(received).toEqual([{ extension: '1002', event: 'call:ended', payload: { call: ringing } }]);
  });

  it('pushes nothing for a ring-no-answer of a call that is already over', () => {
    const { fire, received } = harness([]);
    fire('agent:ring-no-answer', { extension: '1002', queue: 'support', callId: 'gone', ringSeconds: 15, at: '2026-11-22T14:42:11.600Z' });
    expect(received).toEqual([]);
  });

  it('tells the answering agent they are on the call and every other rung agent that their ring is over', () => {
    const answered = call({ agentExtension: '1001', answeredAt: '2026-11-22T14:41:59.500Z', ringingAgents: ['1001', '1002', '1003'] });
    const { fire, received } = harness([answered]);
    fire('agent:answered', { extension: '1001', call: answered });
    expect(received).toEqual([
      { extension: '1001', event: 'call:answered', payload: { call: answered } },
      { extension: '1002', event: 'call:ended', payload: { call: answered } },
      { extension: '1003', event: 'call:ended', payload: { call: answered } },
    ]);
  });

  it('tells both agents of a call between them that they talk, and ends it on both (screen-pop pops it)', () => {
    const internal = agent1CallsAgent2();
    const { fire, received } = harness([internal]);
    fire('agent:ringing', { extension: '1002', call: internal });
    const answered = { ...internal, answeredAt: '2026-11-22T14:41:59.500Z' };
    // The call model tells both agents they talk.
    fire('agent:answered', { extension: '1001', call: answered });
    fire('agent:answered', { extension: '1002', call: answered });
    const ended = { ...answered, endedAt: '2026-11-22T14:42:30.000Z', active: false, result: 'answered' as const };
    fire('call:ended', ended);
    expect(received).toEqual([
      { extension: '1001', event: 'call:answered', payload: { call: answered } },
      { extension: '1002', event: 'call:answered', payload: { call: answered } },
      { extension: '1001', event: 'call:ended', payload: { call: ended } },
      { extension: '1002', event: 'call:ended', payload: { call: ended } },
    ]);
  });

  it('clears both consoles when the colleague does not answer', () => {
    const internal = agent1CallsAgent2();
    const { fire, received } = harness([internal]);
    fire('agent:ringing', { extension: '1002', call: internal });
    const ended = { ...internal, endedAt: '2026-11-22T14:42:20.000Z', active: false, result: 'no-answer' as const };
    fire('call:ended', ended);
    expect(received.filter((push) => push.event === 'call:ended')).toEqual([
      { extension: '1001', event: 'call:ended', payload: { call: ended } },
      { extension: '1002', event: 'call:ended', payload: { call: ended } },
    ]);
  });

  it('leaves queue and client pops to screen-pop', () => {
    const { fire, received } = harness([]);
    fire('agent:ringing', { extension: '1001', call: call() });
    fire('agent:ringing', { extension: '1001', call: call({ direction: 'outbound', queue: null, agentExtension: '1001', calledNumber: '+73432001122', ringingAgents: [] }) });
    expect(received).toEqual([]);
  });

  it('stops following telephony once stopped', () => {
    const { stop, handlers } = harness([]);
    stop();
    expect(handlers.size).toBe(0);
  });
});
