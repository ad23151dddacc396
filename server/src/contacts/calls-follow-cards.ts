import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { createContactCalls } from './contact-calls.js';
import { contactChangesOf } from './contact-changes.js';

/**
 * Whenever a card gets numbers (created, edited, imported, merged), the calls from or to those
 * numbers that have no card yet become its calls: the unknown caller an agent saves a card for
 * during or after the call finds that call in the card's timeline. Returns the stop function.
 */
export function startLinkingCallsToCards({ connection, logger }: { connection: Connection; logger: Logger }): () => void {
  const calls = createContactCalls(connection);
  const log = logger.child({ component: 'contacts' });
  return contactChangesOf(connection).subscribe(({ contactId, phones }) => {
    if (!phones || phones.length === 0) return;
    calls.linkByNumber(contactId, phones).catch((error: unknown) => log.warn({ err: error, contactId }, 'linking earlier calls to a card failed'));
  });
}
