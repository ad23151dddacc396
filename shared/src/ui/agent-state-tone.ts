import type { AgentState } from '../agents.js';

/**
 * The badge colour of each agent state, the same in the agent's own status bar and on the
 * supervisor's board: free is green, busy with a call is blue, unavailable for calls is amber,
 * gone is red.
 */
export const AGENT_STATE_TONE: Record<AgentState, string> = {
  ready: 'badge--success',
  ringing: 'badge--info',
  'on-call': 'badge--info',
  'wrap-up': 'badge--warning',
  paused: 'badge--warning',
  offline: 'badge--danger',
};
