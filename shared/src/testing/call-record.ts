import type { CallRecord } from '../calls.js';

/**
 * A call record as the server stores and pushes it, for tests on every side (server rules,
 * integration tests, consoles): an inbound call to `support` from Ivan Petrov ringing 1001.
 * Tests override what they are about.
 */
export function buildCallRecord(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    id: 'call-1',
    linkedid: '1700000000.11',
    direction: 'inbound',
    callerNumber: '+73432001122',
    calledNumber: '+74950000000',
    queue: 'support',
    agentExtension: null,
    ringingAgents: ['1001'],
    contactId: null,
    result: null,
    active: true,
    startedAt: '2026-11-23T09:00:00.000Z',
    queuedAt: '2026-11-23T09:00:00.000Z',
    ringingAt: '2026-11-23T09:00:05.000Z',
    answeredAt: null,
    endedAt: null,
    waitSeconds: 5,
    talkSeconds: null,
    hangupCause: null,
    endedDuringOutage: false,
    ...overrides,
  };
}
