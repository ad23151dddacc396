import { isE164, normalizePhone, type CallRecord, type CallRingingPayload, type Contact, type CountryCode, type Deal, type TimelineItem } from '@crm/shared';
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

export interface ScreenPopService {
  /** The `call:ringing` payload for this ring: card found by number with one indexed query. */
  forRinging(event: RingingEvent): Promise<CallRingingPayload>;
}

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

  return {
    async forRinging({ call }) {
      const config = await settings.get();
      const typed = clientNumberOf(call);
      const normalized = typed && !isE164(typed) ? normalizePhone(typed, config.defaultCountry as CountryCode) : null;
      const clientPhone = typed ? (isE164(typed) ? typed : normalized?.ok ? normalized.phone.e164 : null) : null;

      let contact: Contact | null = null;
      let openDeal: Deal | null = null;
      let interactionsFound: TimelineItem[] = [];
      if (call.contactId) {
        // The telephony linked the call to its card when it started (before any agent rang): the
        // card, its open deal and its last interactions are read in one round of parallel queries.
        const id = call.contactId;
        [contact, openDeal, interactionsFound] = await Promise.all([contacts.findById(id), deals.findOpenForContact(id), lastInteractions(id, call.id)]);
      }
      let numberFacts: NumberFacts | null = null;
      if (!contact) {
        // Not linked yet, or the card was merged away since: one query on the unique phone index.
        contact = clientPhone ? await contacts.findByPhone(clientPhone) : null;
        if (contact) {
          [openDeal, interactionsFound] = await Promise.all([deals.findOpenForContact(contact.id), lastInteractions(contact.id, call.id)]);
        } else if (clientPhone) {
          numberFacts = await locate(clientPhone);
        }
      }
      return buildScreenPop({
        call,
        contact,
        openDeal,
        lastInteractions: interactionsFound,
        clientPhone: clientPhone ?? contact?.phones[0] ?? null,
        numberFacts,
        window: config.callingWindow,
        agentZone: config.companyTimeZone,
        now: clock.now(),
      });
    },
  };
}
