import type { AckCallback } from './errors.js';
import type { AgentStatus } from './agents.js';
import type { CallRecord } from './calls.js';
import type { Role } from './roles.js';
import type { ClientLocalTime, ScreenPopContact } from './screen-pop.js';

/**
 * The one Socket.IO contract for server and both consoles. Pushes are `domain:event`,
 * commands are `domain:verb` with a typed ack. Capabilities extend these maps.
 */

/** The screen-pop (DESIGN §2.1): the call, the contact card or null, local-time facts. */
export interface CallRingingPayload {
  call: CallRecord;
  contact: ScreenPopContact | null;
  localTime: ClientLocalTime | null;
}

export interface CallUpdatePayload {
  call: CallRecord;
}

export interface ServerToClientEvents {
  'call:ringing': (payload: CallRingingPayload) => void;
  'call:answered': (payload: CallUpdatePayload) => void;
  'call:ended': (payload: CallUpdatePayload) => void;
  'agent:status': (payload: AgentStatus) => void;
  'task:next': (payload: unknown) => void;
  'metrics:update': (payload: unknown) => void;
  /** Sent once after connect so the console knows who it is and what to show. */
  'session:ready': (payload: { userId: string; login: string; role: Role; extension: string | null }) => void;
}

export interface ClientToServerEvents {
  'session:ping': (ack: AckCallback<{ serverTime: string }>) => void;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  userId: string;
  login: string;
  role: Role;
  extension: string | null;
  queues: string[];
}

/** Room names, so every emitter addresses the same rooms. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  agent: (extension: string) => `agent:${extension}`,
  supervisors: 'supervisors',
  queue: (queue: string) => `queue:${queue}`,
} as const;
