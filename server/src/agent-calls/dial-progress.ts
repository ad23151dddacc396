import type { CallRecord, CallResult, DialOutcome, DialStage } from '@crm/shared';

/**
 * Pure rules for what the agent sees while a click-to-dial runs: the Originate rings the agent's
 * own phone first; once they pick up, the client is dialed; the call's own result says how it
 * went for the client.
 */

/** Outcome of the Originate step (the agent's phone). `null` when the agent answered: the client is being dialed. */
export function outcomeOfAgentLeg(result: { success: boolean; result: CallResult | null }): DialOutcome | null {
  if (result.success) return null;
  // The agent's phone rang unanswered or was rejected: the client was never dialed.
  if (result.result === 'no-answer' || result.result === 'busy') return 'agent-no-answer';
  return 'failed';
}

/** Outcome for the client, from the finished call's result. */
export function outcomeOfClientLeg(result: CallResult | null): DialOutcome {
  switch (result) {
    case 'answered':
      return 'answered';
    case 'busy':
      return 'client-busy';
    case 'no-answer':
      return 'client-no-answer';
    case 'unavailable':
      return 'client-unavailable';
    default:
      return 'failed';
  }
}

/** Where a tracked outbound call stands, from its record. */
export function stageOfCall(call: Pick<CallRecord, 'ringingAt' | 'answeredAt' | 'endedAt'>): DialStage {
  if (call.endedAt) return 'finished';
  if (call.answeredAt) return 'connected';
  if (call.ringingAt) return 'ringing-client';
  return 'ringing-agent';
}
