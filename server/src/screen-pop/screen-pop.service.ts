import { internalCallee, isE164, normalizePhone, type CallRecord, type CallRingingPayload, type CompanySettings, type Contact, type CountryCode, type Deal, type TimelineItem } from '@crm/shared';
import type { Connection } from 'mongoose';
import { createContactCalls } from '../contacts/contact-calls.js';
import { createContactRepository } from '../contacts/contact.repository.js';
import { defaultNumberLocator, type NumberLocator } from '../contacts/timezone-inference.js';
import { createDealRepository } from '../deals/deal.repository.js';
import type { Clock } from '../platform/clock.js';
import { settingsRepositoryFor } from '../settings/settings.repository.js';
import { buildScreenPop, clientNumberOf, type NumberFacts } from './screen-pop.js';

export interface RingingEvent {
  /** The agent being rung (the lead emits the payload to this agent's room). */
  extension: string;
  call: CallRecord;
}

/** What the store and the numbering plan say about a call's client: read once, shown on every ring. */
export interface ClientLookup {
  /** The client's number in E.164 (null when hidden or not a number). */
  clientPhone: string | null;
  contact: Contact | null;
  openDeal: Deal | null;
  /** Newest first, without the call itself. */
  lastInteractions: TimelineItem[];
  /** Where an unknown caller's number is; null when there is a card. */
  numberFacts: NumberFacts | null;
}

export interface ScreenPopService {
  /** Reads the call's client: the card the telephony linked, else by number (one indexed query); none for a call between agents. */
  lookUp(call: CallRecord): Promise<ClientLookup>;
  /** The `call:ringing` payload for a ring now: local-time facts are computed at this moment. */
  build(call: CallRecord, client: ClientLookup): Promise<CallRingingPayload>;
  /** The same without waiting: null only before the company settings were first read. */
  buildNow(call: CallRecord, client: ClientLookup): CallRingingPayload | null;
  /** Both in one step (a ring whose client was not read ahead). */
  forRinging(event: RingingEvent): Promise<CallRingingPayload>;
}

/** What a call without a client (one between two agents) pops with. */
export const NO_CLIENT: ClientLookup = { clientPhone: null, contact: null, openDeal: null, lastInteractions: [], numberFacts: null };

export interface ScreenPopDeps {
  connection: Connection;
  clock: Clock;
  locate?: NumberLocator;
  /** How many past calls/notes the pop shows. */
  interactions?: number;
}


export function createScreenPopService({ connection, clock, locate = defaultNumberLocator, interactions = 5 }: ScreenPopDeps): ScreenPopService {
  const contacts = createContactRepository(connection);
  const deals = createDealRepository(connection);
  const calls = createContactCalls(connection);
  const settings = settingsRepositoryFor(connection);

  async function lastInteractions(contactId: string, currentCallId: string): Promise<TimelineItem[]> {
    const [pastCalls, notes] = await Promise.all([
      calls.forContact(contactId, { limit: interactions + 1 }),
      contacts.listNotes(contactId, { limit: interactions }),
    ]);
    return [
      ...pastCalls.filter((call) => call.id !== currentCallId).map((call): TimelineItem => ({ kind: 'call', at: call.startedAt, call })),
      ...notes.map((note): TimelineItem => ({ kind: 'note', at: note.createdAt, note })),
    ]
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, interactions);
  }

  async function clientPhoneOf(call: CallRecord): Promise<string | null> {
    const typed = clientNumberOf(call);
    if (!typed) return null;
    if (isE164(typed)) return typed;
    const { defaultCountry } = await settings.get();
    const normalized = normalizePhone(typed, defaultCountry as CountryCode);
    return normalized.ok ? normalized.phone.e164 : null;
  }

  async function lookUp(call: CallRecord): Promise<ClientLookup> {
    // A call between two agents has no client: its pop names the colleague (the console does).
    if (internalCallee(call) !== null) return NO_CLIENT;
    const clientPhone = await clientPhoneOf(call);
    if (call.contactId) {
      // The telephony linked the call to its card when it started: card, open deal and last
      // interactions are read in one round of parallel queries.
      const id = call.contactId;
      const [contact, openDeal, lastInteractionsFound] = await Promise.all([contacts.findById(id), deals.findOpenForContact(id), lastInteractions(id, call.id)]);
      // A card merged away since the call started is found again by number below.
      if (contact) return { clientPhone: clientPhone ?? contact.phones[0] ?? null, contact, openDeal, lastInteractions: lastInteractionsFound, numberFacts: null };
    }
    // Not linked (yet): one query on the unique phone index.
    const contact = clientPhone ? await contacts.findByPhone(clientPhone) : null;
    if (contact) {
      const [openDeal, lastInteractionsFound] = await Promise.all([deals.findOpenForContact(contact.id), lastInteractions(contact.id, call.id)]);
      return { clientPhone, contact, openDeal, lastInteractions: lastInteractionsFound, numberFacts: null };
    }
    return { clientPhone, contact: null, openDeal: null, lastInteractions: [], numberFacts: clientPhone ? await locate(clientPhone) : null };
  }

  const payload = (call: CallRecord, client: ClientLookup, config: CompanySettings) =>
    buildScreenPop({ call, ...client, window: config.callingWindow, agentZone: config.companyTimeZone, now: clock.now() });
  const build = async (call: CallRecord, client: ClientLookup) => payload(call, client, await settings.get());

  return {
    lookUp,
    build,
    buildNow(call, client) {
      const config = settings.peek();
      return config ? payload(call, client, config) : null;
    },
    async forRinging({ call }) {
      return build(call, await lookUp(call));
    },
  };
}
