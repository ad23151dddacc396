import type { Connection } from 'mongoose';

/** A card as stored (the contacts collection's document). */
export type StoredCardDocument = Record<string, unknown> & { _id: unknown };

const lookups = new WeakMap<Connection, Map<string, Promise<StoredCardDocument | null>>>();

/**
 * The stored card that holds a number (unique index), read once for everyone who asks at the same
 * time: when a call appears, the telephony (to link the call to its card) and the screen-pop (to
 * read the card ahead of the ring) both ask for the caller's number.
 */
export function findCardByNumber(connection: Connection, e164: string): Promise<StoredCardDocument | null> {
  let inFlight = lookups.get(connection);
  if (!inFlight) lookups.set(connection, (inFlight = new Map()));
  const pending = inFlight.get(e164);
  if (pending) return pending;
  const running = inFlight;
  const lookup = connection
    .collection('contacts')
    .findOne({ phones: e164 })
    .then((doc) => doc as StoredCardDocument | null)
    .finally(() => running.delete(e164));
  running.set(e164, lookup);
  return lookup;
}
