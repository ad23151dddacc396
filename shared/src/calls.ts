import { z } from 'zod';

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** How a call ended, taken from queue/dial/originate outcomes, never from the hangup cause. */
export const CALL_RESULTS = ['answered', 'abandoned', 'busy', 'no-answer', 'unavailable', 'failed'] as const;
export type CallResult = (typeof CALL_RESULTS)[number];

/** One record per call (legs grouped by Asterisk Linkedid). Times are ISO 8601. */
export const callRecordSchema = z.object({
  id: z.string(),
  linkedid: z.string(),
  direction: z.enum(CALL_DIRECTIONS),
  callerNumber: z.string().nullable(),
  calledNumber: z.string().nullable(),
  queue: z.string().nullable(),
  agentExtension: z.string().nullable(),
  /** Extensions that were rung for this call, in order. */
  ringingAgents: z.array(z.string()),
  contactId: z.string().nullable(),
  result: z.enum(CALL_RESULTS).nullable(),
  /** True while the call is still up. */
  active: z.boolean(),
  startedAt: z.string(),
  queuedAt: z.string().nullable(),
  ringingAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  waitSeconds: z.number().nullable(),
  talkSeconds: z.number().nullable(),
  hangupCause: z.number().nullable(),
  /** Set when the call ended while the AMI connection was down; times are the best known. */
  endedDuringOutage: z.boolean(),
});
export type CallRecord = z.infer<typeof callRecordSchema>;

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

export const listCallsQuerySchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  queue: z.string().max(64).optional(),
  agent: z.string().max(16).optional(),
  direction: z.enum(CALL_DIRECTIONS).optional(),
  result: z.enum(CALL_RESULTS).optional(),
  number: z.string().max(32).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type ListCallsQuery = z.infer<typeof listCallsQuerySchema>;

export interface ListCallsResponse {
  items: CallRecord[];
  total: number;
  page: number;
  pageSize: number;
}
