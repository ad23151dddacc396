import { z } from 'zod';
import { FUNNEL_STAGE_KINDS } from './settings.js';

/** Deals move through the admin's funnel stages; won/lost end them (DESIGN §2.3, §2.8). */

export const DEAL_STATUSES = FUNNEL_STAGE_KINDS;
export type DealStatus = (typeof DEAL_STATUSES)[number];

const objectId = z.string().regex(/^[a-f0-9]{24}$/i, 'must be an id');

/** The one open next step of a deal; the tasks capability keeps it pointing at a live task. */
export const dealNextStepSchema = z.object({
  text: z.string().trim().min(1).max(500),
  dueAt: z.iso.datetime({ offset: true }).nullable().default(null),
  taskId: z.string().nullable().default(null),
});
export type DealNextStep = z.infer<typeof dealNextStepSchema>;

export const dealStageChangeSchema = z.object({
  stage: z.string(),
  at: z.string(),
  byUserId: z.string().nullable(),
  note: z.string().nullable(),
});
export type DealStageChange = z.infer<typeof dealStageChangeSchema>;

export const dealSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  title: z.string(),
  amount: z.number().nullable(),
  currency: z.string(),
  stage: z.string(),
  status: z.enum(DEAL_STATUSES),
  ownerId: z.string().nullable(),
  nextStep: dealNextStepSchema.nullable(),
  stageHistory: z.array(dealStageChangeSchema),
  lostReason: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Deal = z.infer<typeof dealSchema>;

const amountSchema = z.number().min(0).max(1e13).nullable();
const currencySchema = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code');

export const createDealSchema = z.object({
  contactId: objectId,
  title: z.string().trim().min(1).max(200),
  amount: amountSchema.default(null),
  currency: currencySchema.default('RUB'),
  /** Defaults to the first open stage of the funnel. */
  stage: z.string().max(40).optional(),
  ownerId: objectId.nullable().optional(),
  nextStep: dealNextStepSchema.nullable().default(null),
});
export type CreateDealRequest = z.input<typeof createDealSchema>;

export const updateDealSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    amount: amountSchema,
    currency: currencySchema,
    ownerId: objectId.nullable(),
    nextStep: dealNextStepSchema.nullable(),
  })
  .partial();
export type UpdateDealRequest = z.input<typeof updateDealSchema>;

export const moveDealStageSchema = z.object({
  stage: z.string().min(1).max(40),
  /** Required when the stage ends the deal as lost. */
  reason: z.string().trim().min(1).max(500).optional(),
  note: z.string().trim().max(500).optional(),
});
export type MoveDealStageRequest = z.infer<typeof moveDealStageSchema>;

export const listDealsQuerySchema = z.object({
  contactId: objectId.optional(),
  ownerId: objectId.optional(),
  stage: z.string().max(40).optional(),
  status: z.enum(DEAL_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListDealsQuery = z.infer<typeof listDealsQuerySchema>;

export interface ListDealsResponse {
  items: Deal[];
  total: number;
  page: number;
  pageSize: number;
}
