import { z } from 'zod';
import { languageSchema } from './auth.js';
import { contactSchema, contactTimeZoneSchema, timelineItemSchema, type CreateContactRequest } from './contacts.js';
import { dealSchema } from './deals.js';
import { localTimeFactsSchema } from './local-time/index.js';
import type { Language } from './roles.js';

/** The card in a screen-pop: the contact plus what the agent needs before picking up. */
export const screenPopContactSchema = contactSchema.extend({
  openDeal: dealSchema.nullable(),
  /** Newest first, a handful. */
  lastInteractions: z.array(timelineItemSchema),
});
export type ScreenPopContact = z.infer<typeof screenPopContactSchema>;

/**
 * Where the client is and what time it is there. For an unknown number this is what the number
 * tells (country, region, zone candidates) and pre-fills the new card.
 */
export const clientLocalTimeSchema = z.object({
  /** The client's number in E.164 (caller for inbound, called for outbound); null when hidden. */
  phone: z.string().nullable(),
  country: z.string().nullable(),
  /**
   * The card's region as stored, or for an unknown number its name in English ("Primorie
   * territory"); the console shows `regionNames` in its own language when it has one.
   */
  region: z.string().nullable(),
  /**
   * An unknown number's region in each UI language ("Приморский край" for `ru`), English where the
   * numbering plan has no name in that language. Absent for a saved card (its `region` is what was
   * stored) and empty when the number names no region (mobile ranges).
   */
  regionNames: z.partialRecord(languageSchema, z.string()).optional(),
  /** 'manual'/'number' as on the card; 'number' for an unknown caller's inferred zone. */
  timeZone: contactTimeZoneSchema,
  /** Null when the zone is unknown or ambiguous (then `timeZone.candidates` lists the options). */
  facts: localTimeFactsSchema.nullable(),
});
export type ClientLocalTime = z.infer<typeof clientLocalTimeSchema>;

/** The region to show an agent working in `language`: its own name when the pop has one, else `region`. */
export function regionIn(localTime: Pick<ClientLocalTime, 'region' | 'regionNames'> | null, language: Language): string | null {
  return localTime?.regionNames?.[language] ?? localTime?.region ?? null;
}

/** The new card the console offers for an unknown caller, saved with one keystroke. */
export function draftContactFromPop(localTime: ClientLocalTime | null, name = ''): CreateContactRequest {
  // The zone is left for the server to infer from the number again, so the card records its source;
  // country and region come from the number too. The region ("Primorie territory") is no city.
  return {
    name,
    phones: localTime?.phone ? [localTime.phone] : [],
  };
}
