import { describe, expect, it } from 'vitest';
import { outcomeOfAgentLeg, outcomeOfClientLeg, stageOfCall } from './dial-progress.js';

describe('click-to-dial progress', () => {
  it('reports that the agent did not answer when their own phone rang out or was rejected', () => {
    expect(outcomeOfAgentLeg({ success: false, result: 'no-answer' })).toBe('agent-no-answer');
    expect(outcomeOfAgentLeg({ success: false, result: 'busy' })).toBe('agent-no-answer');
  });

  it('reports a failure when the agent device could not be reached at all', () => {
    expect(outcomeOfAgentLeg({ success: false, result: 'unavailable' })).toBe('failed');
    expect(outcomeOfAgentLeg({ success: false, result: null })).toBe('failed');
  });

  it('keeps going once the agent picked up: the client is dialed next', () => {
    expect(outcomeOfAgentLeg({ success: true, result: null })).toBeNull();
  });

  it('names the client side in words from the call result', () => {
    expect(outcomeOfClientLeg('answered')).toBe('answered');
    expect(outcomeOfClientLeg('busy')).toBe('client-busy');
    expect(outcomeOfClientLeg('no-answer')).toBe('client-no-answer');
    expect(outcomeOfClientLeg('unavailable')).toBe('client-unavailable');
    expect(outcomeOfClientLeg('failed')).toBe('failed');
    expect(outcomeOfClientLeg(null)).toBe('failed');
  });

  it('moves from the agent ringing to the client ringing, connected and finished', () => {
    const at = '2026-11-23T10:00:00.000Z';
    expect(stageOfCall({ ringingAt: null, answeredAt: null, endedAt: null })).toBe('ringing-agent');
    expect(stageOfCall({ ringingAt: at, answeredAt: null, endedAt: null })).toBe('ringing-client');
    expect(stageOfCall({ ringingAt: at, answeredAt: at, endedAt: null })).toBe('connected');
    expect(stageOfCall({ ringingAt: at, answeredAt: at, endedAt: at })).toBe('finished');
  });
});
