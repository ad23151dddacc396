import type { Connection } from 'mongoose';

/** What changed about a client: their card (or its phones), a deal or a note of theirs. */
export interface ContactChange {
  contactId: string;
  /** The card's phones after the change, when the change concerns them (new card, phones edited). */
  phones?: readonly string[];
}

export type ContactChangeListener = (change: ContactChange) => void;

export interface ContactChanges {
  notify(change: ContactChange): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: ContactChangeListener): () => void;
}

/**
 * In-process notice that something a screen-pop shows about a client changed, so what was read
 * ahead for a waiting caller is read again. One feed per database connection: every repository on
 * the connection reports its writes to it, whoever created the repository. Writes made by another
 * server instance are not seen here; readers that keep data for long revalidate it themselves.
 */
const feeds = new WeakMap<Connection, ContactChanges>();

export function contactChangesOf(connection: Connection): ContactChanges {
  let feed = feeds.get(connection);
  if (!feed) {
    const listeners = new Set<ContactChangeListener>();
    feed = {
      notify(change) {
        for (const listener of listeners) listener(change);
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    feeds.set(connection, feed);
  }
  return feed;
}
