import { describe, expect, it } from 'vitest';
import { buildCallRecord } from '@crm/shared/testing/call-record';
import type { AgentStatus, CallRecord } from '@crm/shared';
import { currentCallOf } from './agent-calls.socket.js';

const call = (overrides: Partial<CallRecord>): CallRecord =>
  buildCallRecord({
    id: 'c1',
    linkedid: 'c1',
    calledNumber: null,
    ringingAgents: [],
    startedAt: '2026-11-22T14:41:56.000Z',
    queuedAt: null,
    ringingAt: null,
    waitSeconds: null,
    ...overrides,
  });

const telephony = (calls: CallRecord[], states: Record<string, AgentStatus['state']>) => ({
  activeCalls: () => calls,
  agentState: (extension: string): AgentStatus | null =>
    states[extension] ? { extension, state: states[extension], pauseReason: null, since: '2026-11-22T14:41:56.000Z', queues: ['support'] } : null,
});

describe('the current call of an agent whose console reloads', () => {
  it('is the queue call ringing them', () => {
    const ringing = call({ ringingAgents: ['1001', '1002'] });
    expect(currentCallOf(telephony([ringing], { '1001': 'ringing' }), '1001')).toBe(ringing);
  });

  it('is the call they answered', () => {
    const talking = call({ agentExtension: '1001', answeredAt: '2026-11-22T14:41:59.500Z', ringingAgents: ['1001'] });
    expect(currentCallOf(telephony([talking], { '1001': 'on-call' }), '1001')).toBe(talking);
  });

  it('is their own click-to-call while their phone or the client is still ringing', () => {
    const dialing = call({ id: 'c2', linkedid: 'c2', direction: 'outbound', queue: null, agentExtension: '1001', calledNumber: '+73432001122' });
    expect(currentCallOf(telephony([dialing], { '1001': 'ringing' }), '1001')).toBe(dialing);
    expect(currentCallOf(telephony([dialing], { '1001': 'on-call' }), '1001')).toBe(dialing);
  });

  it('is a call between two agents for both of them: the one who dialed and the one whose extension rings', () => {
    const internal = call({ direction: 'outbound', queue: null, agentExtension: '1001', calledNumber: '1002' });
    expect(currentCallOf(telephony([internal], { '1001': 'on-call', '1002': 'ringing' }), '1001')).toBe(internal);
    expect(currentCallOf(telephony([internal], { '1001': 'on-call', '1002': 'ringing' }), '1002')).toBe(internal);
    const talking = { ...internal, answeredAt: '2026-11-22T14:41:59.500Z' };
    expect(currentCallOf(telephony([talking], { '1001': 'on-call', '1002': 'on-call' }), '1002')).toBe(talking);
    expect(currentCallOf(telephony([talking], { '1003': 'ready' }), '1003')).toBeNull();
  });

  it('is never a client call whose number merely looks like an extension’s digits', () => {
    const client = call({ direction: 'outbound', queue: null, agentExtension: '1001', calledNumber: '+73431002' });
    expect(currentCallOf(telephony([client], { '1002': 'ready' }), '1002')).toBeNull();
  });

  it('is nothing when the calls are someone else’s', () => {
    const others = [call({ ringingAgents: ['1002'] }), call({ id: 'c3', linkedid: 'c3', direction: 'outbound', queue: null, agentExtension: '1003' })];
    expect(currentCallOf(telephony(others, { '1001': 'ready' }), '1001')).toBeNull();
  });
});
