import { z } from 'zod';
import { contactSchema, contactTimeZoneSchema, timelineItemSchema, type CreateContactRequest } from './contacts.js';
import { dealSchema } from './deals.js';
import { localTimeFactsSchema } from './local-time/index.js';

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
  region: z.string().nullable(),
  /** 'manual'/'number' as on the card; 'number' for an unknown caller's inferred zone. */
  timeZone: contactTimeZoneSchema,
  /** Null when the zone is unknown or ambiguous (then `timeZone.candidates` lists the options). */
  facts: localTimeFactsSchema.nullable(),
});
export type ClientLocalTime = z.infer<typeof clientLocalTimeSchema>;

/** The new card the console offers for an unknown caller, saved with one keystroke. */
export function draftContactFromPop(localTime: ClientLocalTime | null, name = ''): CreateContactRequest {
  // The zone is left for the server to infer from the number again, so the card records its source;
  // country and region come from the number too. The region ("Primorie territory") is no city.
  return {
    name,
    phones: localTime?.phone ? [localTime.phone] : [],
  };
}
