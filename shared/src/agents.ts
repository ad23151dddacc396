/** What an agent is doing right now, as the supervisor board shows it. */
export const AGENT_STATES = ['ready', 'ringing', 'on-call', 'wrap-up', 'paused', 'offline'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export interface AgentStatus {
  extension: string;
  state: AgentState;
  /** Pause reason when state is 'paused'. */
  pauseReason: string | null;
  /** ISO time the agent entered this state. */
  since: string;
  queues: string[];
}
