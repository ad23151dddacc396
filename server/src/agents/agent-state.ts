/**
 * Agent state: what the supervisor board shows for each extension. Pure — it folds queue
 * membership facts (logged into which queues, paused with which reason, device state) and call
 * activity (ringing, on a call, free) into one `AgentStatus`, with the time the state began.
 */
import type { AgentState, AgentStatus } from '@crm/shared';

/** A device as the PBX reports it for a queue member. */
export type DeviceActivity = 'idle' | 'ringing' | 'on-call' | 'unavailable';

export interface MembershipFact {
  extension: string;
  queue: string;
  device: DeviceActivity | null;
  paused: boolean | null;
  pauseReason: string | null;
}

interface Agent {
  extension: string;
  queues: Map<string, { paused: boolean; pauseReason: string | null }>;
  activity: DeviceActivity;
  state: AgentState;
  pauseReason: string | null;
  since: number;
  /** Ring-no-answer count since the board started (a supervisor figure). */
  ringNoAnswer: number;
  /** After-call work: set by the outcome flow until the agent presses an outcome. */
  wrapUp: boolean;
}

/** Asterisk device state codes as QueueMemberStatus / QueueMember report them. */
export function deviceActivityFromStatus(status: number | null): DeviceActivity | null {
  switch (status) {
    case 1:
    case 0:
      return 'idle';
    case 2:
    case 3:
    case 8:
      return 'on-call';
    case 6:
    case 7:
      return 'ringing';
    case 4:
    case 5:
      return 'unavailable';
    default:
      return null;
  }
}

export class AgentBoard {
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly onChange: (status: AgentStatus) => void) {}

  list(): AgentStatus[] {
    return [...this.agents.values()].map(toStatus).sort((a, b) => a.extension.localeCompare(b.extension));
  }

  get(extension: string): AgentStatus | null {
    const agent = this.agents.get(extension);
    return agent ? toStatus(agent) : null;
  }

  ringNoAnswerCount(extension: string): number {
    return this.agents.get(extension)?.ringNoAnswer ?? 0;
  }

  membership(fact: MembershipFact, at: number): void {
    const agent = this.agent(fact.extension, at);
    const current = agent.queues.get(fact.queue) ?? { paused: false, pauseReason: null };
    if (fact.paused !== null) {
      current.paused = fact.paused;
      current.pauseReason = fact.paused ? fact.pauseReason : null;
    }
    agent.queues.set(fact.queue, current);
    if (fact.device !== null) agent.activity = fact.device;
    this.settle(agent, at);
  }

  pause(extension: string, queue: string, paused: boolean, reason: string | null, at: number): void {
    this.membership({ extension, queue, device: null, paused, pauseReason: reason }, at);
  }

  removed(extension: string, queue: string, at: number): void {
    const agent = this.agents.get(extension);
    if (!agent) return;
    agent.queues.delete(queue);
    this.settle(agent, at);
  }

  activity(extension: string, activity: DeviceActivity, at: number): void {
    const agent = this.agent(extension, at);
    agent.activity = activity;
    this.settle(agent, at);
  }

  ringNoAnswer(extension: string, at: number): void {
    this.agent(extension, at).ringNoAnswer += 1;
  }

  /** After-call work begins (call ended, outcome pending) or ends (outcome pressed). */
  wrapUp(extension: string, active: boolean, at: number): void {
    const agent = this.agent(extension, at);
    agent.wrapUp = active;
    this.settle(agent, at);
  }

  /**
   * Replaces membership with a full QueueStatus listing (after a reconnect): queues an agent
   * no longer appears in are dropped; agents in no queue go offline.
   */
  replaceMemberships(facts: MembershipFact[], at: number): void {
    const seen = new Map<string, Set<string>>();
    for (const fact of facts) {
      const queues = seen.get(fact.extension) ?? new Set<string>();
      queues.add(fact.queue);
      seen.set(fact.extension, queues);
    }
    for (const agent of this.agents.values()) {
      const queues = seen.get(agent.extension);
      for (const queue of [...agent.queues.keys()]) if (!queues?.has(queue)) agent.queues.delete(queue);
    }
    for (const fact of facts) this.membership(fact, at);
    for (const agent of this.agents.values()) this.settle(agent, at);
  }

  private agent(extension: string, at: number): Agent {
    let agent = this.agents.get(extension);
    if (!agent) {
      agent = { extension, queues: new Map(), activity: 'idle', state: 'offline', pauseReason: null, since: at, ringNoAnswer: 0, wrapUp: false };
      this.agents.set(extension, agent);
    }
    return agent;
  }

  private settle(agent: Agent, at: number): void {
    const { state, pauseReason } = deriveState(agent);
    if (state === agent.state && pauseReason === agent.pauseReason) return;
    agent.state = state;
    agent.pauseReason = pauseReason;
    agent.since = at;
    this.onChange(toStatus(agent));
  }
}

/** On a call or ringing beats wrap-up, wrap-up beats paused (the supervisor needs to see the call); no queue = offline. */
function deriveState(agent: { queues: Map<string, { paused: boolean; pauseReason: string | null }>; activity: DeviceActivity; wrapUp?: boolean }): {
  state: AgentState;
  pauseReason: string | null;
} {
  if (agent.activity === 'unavailable') return { state: 'offline', pauseReason: null };
  if (agent.activity === 'on-call') return { state: 'on-call', pauseReason: null };
  if (agent.activity === 'ringing') return { state: 'ringing', pauseReason: null };
  if (agent.wrapUp) return { state: 'wrap-up', pauseReason: null };
  if (agent.queues.size === 0) return { state: 'offline', pauseReason: null };
  const memberships = [...agent.queues.values()];
  if (memberships.every((membership) => membership.paused)) {
    const reason = memberships.find((membership) => membership.pauseReason)?.pauseReason ?? null;
    return { state: 'paused', pauseReason: reason };
  }
  return { state: 'ready', pauseReason: null };
}

function toStatus(agent: Agent): AgentStatus {
  return {
    extension: agent.extension,
    state: agent.state,
    pauseReason: agent.pauseReason,
    since: new Date(agent.since).toISOString(),
    queues: [...agent.queues.keys()].sort(),
  };
}
