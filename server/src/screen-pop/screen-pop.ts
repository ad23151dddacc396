import {
  localTimeFacts,
  type CallingWindow,
  type CallRecord,
  type CallRingingPayload,
  type ClientLocalTime,
  type Contact,
  type ContactTimeZone,
  type Deal,
  type TimelineItem,
} from '@crm/shared';

/** The client's number of a call: the caller of an inbound call, the called party of an outbound one. */
export function clientNumberOf(call: Pick<CallRecord, 'direction' | 'callerNumber' | 'calledNumber'>): string | null {
  return call.direction === 'outbound' ? call.calledNumber : call.callerNumber;
}

/** What the numbering plan says about an unknown caller's number. */
export interface NumberFacts {
  e164: string;
  country: string | null;
  /** In the numbering plan's English (or the locator's locale). */
  region: string | null;
  /** The region in each UI language, so every agent reads it in their own (absent: `region` only). */
  regionNames?: ClientLocalTime['regionNames'];
  timeZone: ContactTimeZone;
}

export interface ScreenPopInput {
  call: CallRecord;
  /** The card found by number, or null for an unknown caller. */
  contact: Contact | null;
  openDeal: Deal | null;
  /** Newest first. */
  lastInteractions: TimelineItem[];
  /** The client's number in E.164 (null when hidden). */
  clientPhone: string | null;
  /** For an unknown caller: where the number is. Ignored when there is a card. */
  numberFacts: NumberFacts | null;
  window: CallingWindow;
  agentZone: string;
  now: Date;
}

/**
 * Builds the `call:ringing` payload (DESIGN §2.1, §2.2): the card with its open deal and last
 * interactions, or null with the number's country/region/zone to pre-fill a new card, and the
 * client's local-time facts. Ambiguous or unknown zones give no clock but list the candidates.
 */
export function buildScreenPop(input: ScreenPopInput): CallRingingPayload {
  const { call, contact, openDeal, lastInteractions, clientPhone, numberFacts, window, agentZone, now } = input;
  // A card's region is what was stored on it; an unknown number's comes in every UI language.
  const place: Pick<ClientLocalTime, 'country' | 'region' | 'regionNames' | 'timeZone'> | null = contact
    ? { country: contact.country, region: contact.region, timeZone: contact.timeZone }
    : numberFacts
      ? { country: numberFacts.country, region: numberFacts.region, regionNames: numberFacts.regionNames, timeZone: numberFacts.timeZone }
      : null;
  const localTime: ClientLocalTime | null =
    place || clientPhone
      ? {
          phone: clientPhone,
          country: place?.country ?? null,
          region: place?.region ?? null,
          ...(place?.regionNames ? { regionNames: place.regionNames } : {}),
          timeZone: place?.timeZone ?? { zone: null, source: 'none', candidates: [] },
          facts: place?.timeZone.zone ? localTimeFacts({ zone: place.timeZone.zone, agentZone, now, window }) : null,
        }
      : null;
  return {
    call,
    contact: contact ? { ...contact, openDeal, lastInteractions } : null,
    localTime,
  };
}
