import type { AckCallback } from './errors.js';
import type { AgentStatus } from './agents.js';
import type { CallRecord } from './calls.js';
import type { Role } from './roles.js';
import type { ClientLocalTime, ScreenPopContact } from './screen-pop.js';
import type { DialAccepted, DialProgressPayload, DialRequest, PhoneAction } from './dialing.js';

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
  'session:ready': (payload: SessionReadyPayload) => void;
  /** Progress of the agent's own click-to-dial attempt. */
  'call:dial-progress': (payload: DialProgressPayload) => void;
}

export interface SessionReadyPayload {
  userId: string;
  login: string;
  role: Role;
  extension: string | null;
  /** True when the agent's phone can be answered/hung up from the console (PBX simulator). */
  phoneControl?: boolean;
}

export interface ClientToServerEvents {
  'session:ping': (ack: AckCallback<{ serverTime: string }>) => void;
  /** Click-to-dial: rings the agent's device first, then the client. */
  'call:dial': (request: DialRequest, ack: AckCallback<DialAccepted>) => void;
  /** Answer / hang up / reject the agent's simulated phone (PHONE_CONTROL_UNAVAILABLE with a real PBX). */
  'phone:control': (request: { action: PhoneAction }, ack: AckCallback<{ ok: true }>) => void;
  /** Re-sends the agent's current call (after a reload mid-call) as `call:ringing`/`call:answered`. */
  'call:current': (ack: AckCallback<{ active: boolean }>) => void;
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
