import { z } from 'zod';
import { callRecordSchema } from './calls.js';

/** Contact cards (DESIGN §2.1, §2.2, §2.8). Phones are stored as E.164, unique across all cards. */

export const SEGMENTS = ['A', 'B', 'C'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** Where a card's zone came from: typed by a person, its city, its main number, or unknown. */
export const TIME_ZONE_SOURCES = ['manual', 'address', 'number', 'none'] as const;
export type TimeZoneSource = (typeof TIME_ZONE_SOURCES)[number];

export const contactTimeZoneSchema = z.object({
  /** The IANA zone used for the client's clock; null when unknown or ambiguous. */
  zone: z.string().nullable(),
  source: z.enum(TIME_ZONE_SOURCES),
  /** Every zone the number may be in; more than one means ambiguous (shown, never guessed). */
  candidates: z.array(z.string()),
});
export type ContactTimeZone = z.infer<typeof contactTimeZoneSchema>;

export const customFieldValuesSchema = z.record(z.string(), z.union([z.string(), z.number()]));

export const contactSchema = z.object({
  id: z.string(),
  name: z.string(),
  company: z.string().nullable(),
  email: z.string().nullable(),
  /** E.164, first is the main number. */
  phones: z.array(z.string()),
  address: z.string().nullable(),
  city: z.string().nullable(),
  /** ISO country of the main number (or typed). */
  country: z.string().nullable(),
  /** Region of the main number as the numbering plan names it ("Ekaterinburg"). */
  region: z.string().nullable(),
  segment: z.enum(SEGMENTS).nullable(),
  vip: z.boolean(),
  tags: z.array(z.string()),
  customFields: customFieldValuesSchema,
  /** Asked on the first call; the console prompts while it is null. */
  leadSource: z.string().nullable(),
  ownerId: z.string().nullable(),
  /** Other managers who share the client. */
  managerIds: z.array(z.string()),
  timeZone: contactTimeZoneSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof contactSchema>;

/** A card as someone else's card names it (409 duplicate, merge report). */
export interface ContactRef {
  id: string;
  name: string;
  company: string | null;
}

const objectId = z.string().regex(/^[a-f0-9]{24}$/i, 'must be an id');
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullable()
    .transform((value) => (value === '' ? null : value));
const tagSchema = z.string().trim().min(1).max(40);

const contactFields = {
  name: z.string().trim().min(1, 'is required').max(200),
  company: optionalText(200),
  email: z
    .string()
    .trim()
    .max(254)
    .nullable()
    .transform((value) => (value === '' ? null : value))
    .pipe(z.email('must be an e-mail address').nullable()),
  /** Any format; the server normalises with the company's default country. At least one: a call-center card is reached by phone. */
  phones: z.array(z.string().max(64)).min(1, 'at least one phone number is required').max(20),
  address: optionalText(500),
  city: optionalText(120),
  segment: z.enum(SEGMENTS).nullable(),
  vip: z.boolean(),
  tags: z.array(tagSchema).max(50),
  /** Validated against the admin's custom field definitions; null removes a value. */
  customFields: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  leadSource: optionalText(120),
  ownerId: objectId.nullable(),
  managerIds: z.array(objectId).max(50),
  /** An IANA zone typed by hand; null lets the server infer it from the number. */
  timeZone: z.string().max(64).nullable(),
};

export const createContactSchema = z.object({
  ...contactFields,
  company: contactFields.company.default(null),
  email: contactFields.email.default(null),
  address: contactFields.address.default(null),
  city: contactFields.city.default(null),
  segment: contactFields.segment.default(null),
  vip: contactFields.vip.default(false),
  tags: contactFields.tags.default([]),
  customFields: contactFields.customFields.default({}),
  leadSource: contactFields.leadSource.default(null),
  ownerId: contactFields.ownerId.optional(),
  managerIds: contactFields.managerIds.default([]),
  timeZone: contactFields.timeZone.default(null),
});
export type CreateContactRequest = z.input<typeof createContactSchema>;
export type CreateContactInput = z.infer<typeof createContactSchema>;

/**
 * `PATCH /api/contacts/:id`: only the fields given change (each is set on its own, so two people
 * editing different fields of one card both keep their change; `customFields` changes only the keys
 * given). Optimistic concurrency: send the `updatedAt` of the card as it was read — in the body as
 * `expectedUpdatedAt` or as an `If-Match: "<updatedAt>"` header — and a card changed since is refused
 * with `409 CONTACT_EDITED_ELSEWHERE`, the current card in `details.contact`
 * ({@link ContactEditedElsewhereDetails}). Without it the given fields are written over whatever
 * is stored (last write wins, on those fields only).
 */
export const updateContactSchema = z
  .object({
    ...contactFields,
    expectedUpdatedAt: z.iso.datetime({ offset: true }),
  })
  .partial()
  .strict();
export type UpdateContactRequest = z.input<typeof updateContactSchema>;
export type UpdateContactInput = z.infer<typeof updateContactSchema>;

/** Error code: the card changed after the editor read it (see {@link updateContactSchema}). */
export const CONTACT_EDITED_ELSEWHERE = 'CONTACT_EDITED_ELSEWHERE';

/** `details` of a 409 CONTACT_EDITED_ELSEWHERE: the card as it is now. */
export interface ContactEditedElsewhereDetails {
  contact: Contact;
  /** A refused merge: which card changed, the one kept (`target`, in the URL) or the one merged in (`source`). */
  mergeCard?: 'target' | 'source';
}

export const listContactsQuerySchema = z.object({
  /** Exact match after normalising (the screen-pop lookup). */
  phone: z.string().trim().min(1).max(64).optional(),
  /** Name, company or phone fragment in any format. */
  q: z.string().trim().min(1).max(100).optional(),
  segment: z.enum(SEGMENTS).optional(),
  vip: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  tag: tagSchema.optional(),
  ownerId: objectId.optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export type ListContactsQuery = z.infer<typeof listContactsQuerySchema>;

export interface ListContactsResponse {
  items: Contact[];
  total: number;
  /** A text search ranks at most a thousand matches: true when more exist ("1000+"); refine the search. */
  isTotalCapped: boolean;
  page: number;
  pageSize: number;
}

export const noteSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  text: z.string(),
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  createdAt: z.string(),
});
export type ContactNote = z.infer<typeof noteSchema>;

export const createNoteSchema = z.object({ text: z.string().trim().min(1, 'is required').max(5000) });
export type CreateNoteRequest = z.infer<typeof createNoteSchema>;

/** One line of a client's history, newest first. */
export const timelineItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('call'), at: z.string(), call: callRecordSchema }),
  z.object({ kind: z.literal('note'), at: z.string(), note: noteSchema }),
  z.object({
    kind: z.literal('deal-stage'),
    at: z.string(),
    dealId: z.string(),
    dealTitle: z.string(),
    stage: z.string(),
    byUserId: z.string().nullable(),
    note: z.string().nullable(),
  }),
]);
export type TimelineItem = z.infer<typeof timelineItemSchema>;

export const timelineQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** ISO time: only items strictly older (for "load more"). */
  before: z.iso.datetime({ offset: true }).optional(),
});

export interface TimelineResponse {
  items: TimelineItem[];
}

/**
 * `POST /api/contacts/:id/merge`. Optimistic concurrency as for edits: send the `updatedAt` of both
 * cards as the user saw them (the kept card's may come as `If-Match` instead); a card changed since
 * is refused with `409 CONTACT_EDITED_ELSEWHERE`, `details.mergeCard` naming which one. Without them
 * the merge still never overwrites a change made while it runs (it is refused the same way).
 */
export const mergeContactsSchema = z.object({
  /** The card merged into the one in the URL and then removed. */
  sourceId: objectId,
  /** `updatedAt` of the card in the URL (the one kept) as the user saw it. */
  expectedUpdatedAt: z.iso.datetime({ offset: true }).optional(),
  /** `updatedAt` of the source card as the user saw it. */
  sourceExpectedUpdatedAt: z.iso.datetime({ offset: true }).optional(),
});
export type MergeContactsRequest = z.infer<typeof mergeContactsSchema>;

export interface MergeContactsResponse {
  contact: Contact;
  /** Calls, notes and deals moved from the removed card. */
  moved: { calls: number; notes: number; deals: number };
}

/** CSV import: `dryRun` previews what would happen; the real run returns the same report. */
export const DUPLICATE_POLICIES = ['merge', 'refuse'] as const;
export type DuplicatePolicy = (typeof DUPLICATE_POLICIES)[number];

export const importContactsSchema = z.object({
  csv: z.string().min(1, 'is required').max(5 * 1024 * 1024),
  dryRun: z.boolean().default(true),
  onDuplicate: z.enum(DUPLICATE_POLICIES).default('merge'),
});
export type ImportContactsRequest = z.input<typeof importContactsSchema>;

export const IMPORT_ROW_STATUSES = ['create', 'merge', 'refused', 'invalid'] as const;
export type ImportRowStatus = (typeof IMPORT_ROW_STATUSES)[number];

export interface ImportRowReport {
  /** 1-based line in the file, the header being line 1. */
  line: number;
  status: ImportRowStatus;
  name: string | null;
  phones: string[];
  /** The existing card a duplicate was (or would be) merged into or refused by. */
  existing: ContactRef | null;
  /** Another line of the same file holding the same number. */
  sameAsLine: number | null;
  errors: string[];
}

export interface ImportContactsReport {
  dryRun: boolean;
  /** Columns recognised, header → field. */
  columns: Record<string, string>;
  /** Columns ignored because nothing maps them. */
  ignoredColumns: string[];
  totals: { rows: number; created: number; merged: number; refused: number; invalid: number };
  rows: ImportRowReport[];
}
