import { z } from 'zod';

/**
 * Click-to-dial and the agent's phone (DESIGN §2.1, issue 6). The server originates a call that
 * rings the agent's own device first, then the client; progress is pushed as `call:dial-progress`.
 */

export const dialRequestSchema = z.object({
  /** Any format; the server normalises it with the company's default country. */
  number: z.string().trim().min(1, 'is required').max(64),
  /** The card the number belongs to, when dialed from a card (for the calling window and the log). */
  contactId: z
    .string()
    .regex(/^[a-f0-9]{24}$/i, 'must be an id')
    .nullable()
    .default(null),
  /** Dialing outside the client's calling window must be confirmed by the agent; it is logged. */
  confirmOutsideWindow: z.boolean().default(false),
});
export type DialRequest = z.input<typeof dialRequestSchema>;
export type DialInput = z.infer<typeof dialRequestSchema>;

export interface DialAccepted {
  /** Identifies this dial attempt in later `call:dial-progress` pushes. */
  dialId: string;
  /** The number actually dialed, E.164. */
  number: string;
}

/** How a click-to-dial attempt went, in words the console translates. */
export const DIAL_OUTCOMES = [
  'answered',
  'client-busy',
  'client-no-answer',
  'client-unavailable',
  'agent-no-answer',
  'failed',
] as const;
export type DialOutcome = (typeof DIAL_OUTCOMES)[number];

export const DIAL_STAGES = ['ringing-agent', 'ringing-client', 'connected', 'finished'] as const;
export type DialStage = (typeof DIAL_STAGES)[number];

export interface DialProgressPayload {
  dialId: string;
  number: string;
  contactId: string | null;
  stage: DialStage;
  /** Set when stage is 'finished' (and 'connected' → 'answered'). */
  outcome: DialOutcome | null;
  /** The call record's id once the PBX has created the call. */
  callId: string | null;
}

/** Error code when a dial needs the confirmation above. */
export const OUTSIDE_CALLING_WINDOW = 'OUTSIDE_CALLING_WINDOW';
/** Error code for phone control where the PBX gives none (a real Asterisk: use the real phone). */
export const PHONE_CONTROL_UNAVAILABLE = 'PHONE_CONTROL_UNAVAILABLE';

/** Answer / hang up / reject on the agent's simulated phone (PBX simulator only). */
export const PHONE_ACTIONS = ['answer', 'hangup', 'reject'] as const;
export type PhoneAction = (typeof PHONE_ACTIONS)[number];
export const phoneActionSchema = z.object({ action: z.enum(PHONE_ACTIONS) });

/** An agent's extension as the PBX dials it: a short internal number, never a client's E.164 number. */
const EXTENSION_NUMBER = /^\d{2,8}$/;

/**
 * The other agent of an agent-to-agent call (one agent dialed another's extension directly: no
 * queue, no client), seen from `extension`; null when the call is not an internal call of theirs.
 * The PBX records such a call as outbound from the calling agent to the called extension.
 */
export function internalCallPeer(
  call: { direction: 'inbound' | 'outbound'; queue: string | null; agentExtension: string | null; calledNumber: string | null },
  extension: string,
): string | null {
  const { direction, queue, agentExtension, calledNumber } = call;
  if (direction !== 'outbound' || queue !== null || !agentExtension || !calledNumber || !EXTENSION_NUMBER.test(calledNumber)) return null;
  if (extension === agentExtension) return calledNumber;
  if (extension === calledNumber) return agentExtension;
  return null;
}

/** The extension an internal call rings (the called agent), or null for any other call. */
export function internalCallee(call: Parameters<typeof internalCallPeer>[0]): string | null {
  return call.agentExtension ? internalCallPeer(call, call.agentExtension) : null;
}
