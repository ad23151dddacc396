import { CALL_DIRECTIONS, CALL_RESULTS, type CallRecord } from '@crm/shared';
import { Types, type Connection } from 'mongoose';

/**
 * Read-side view of the `calls` collection (written by the calls domain) for one contact: the
 * timeline and the screen-pop's last interactions. Also re-points calls when two cards merge.
 */

/** Calls may store `contactId` as a string or an ObjectId; match both. */
function contactIdForms(contactId: string): unknown[] {
  return Types.ObjectId.isValid(contactId) && /^[a-f0-9]{24}$/i.test(contactId)
    ? [contactId, new Types.ObjectId(contactId)]
    : [contactId];
}

const iso = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
};
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function callRecordFromDocument(doc: Record<string, unknown>): CallRecord {
  const direction = CALL_DIRECTIONS.find((candidate) => candidate === doc.direction) ?? 'inbound';
  const result = CALL_RESULTS.find((candidate) => candidate === doc.result) ?? null;
  const startedAt = iso(doc.startedAt) ?? iso(doc.queuedAt) ?? iso(doc.ringingAt) ?? iso(doc.createdAt) ?? new Date(0).toISOString();
  return {
    id: text(doc.id) ?? text(doc.linkedid) ?? String(doc._id),
    linkedid: text(doc.linkedid) ?? '',
    direction,
    callerNumber: text(doc.callerNumber),
    calledNumber: text(doc.calledNumber),
    queue: text(doc.queue),
    agentExtension: text(doc.agentExtension),
    ringingAgents: Array.isArray(doc.ringingAgents) ? doc.ringingAgents.map(String) : [],
    contactId: text(doc.contactId),
    result,
    active: Boolean(doc.active),
    startedAt,
    queuedAt: iso(doc.queuedAt),
    ringingAt: iso(doc.ringingAt),
    answeredAt: iso(doc.answeredAt),
    endedAt: iso(doc.endedAt),
    waitSeconds: num(doc.waitSeconds),
    talkSeconds: num(doc.talkSeconds),
    hangupCause: num(doc.hangupCause),
    endedDuringOutage: Boolean(doc.endedDuringOutage),
  };
}

export interface ContactCalls {
  /** Newest first. */
  forContact(contactId: string, options: { before?: Date; limit: number }): Promise<CallRecord[]>;
  /** Re-points calls (and other per-contact records) from one card to another. */
  moveToContact(fromId: string, toId: string): Promise<number>;
}

/** Collections of other domains that reference a card by `contactId` and follow it on merge. */
const FOLLOWING_COLLECTIONS = ['tasks'] as const;

const indexed = new WeakSet<Connection>();

export function createContactCalls(connection: Connection): ContactCalls {
  const calls = () => connection.collection('calls');
  /**
   * A card's calls are read on every pop and timeline, so they need `{ contactId, startedAt }`.
   * Created here with MongoDB's default name, so the same declaration in the calls model is a no-op.
   */
  const ensureIndex = () => {
    if (indexed.has(connection)) return;
    indexed.add(connection);
    calls()
      .createIndex({ contactId: 1, startedAt: -1 })
      .catch(() => indexed.delete(connection));
  };
  return {
    async forContact(contactId, { before, limit }) {
      ensureIndex();
      const filter: Record<string, unknown> = { contactId: { $in: contactIdForms(contactId) } };
      if (before) filter.startedAt = { $lt: before };
      const docs = await calls().find(filter).sort({ startedAt: -1 }).limit(limit).toArray();
      return docs.map((doc) => callRecordFromDocument(doc as Record<string, unknown>));
    },
    async moveToContact(fromId, toId) {
      // Keep the id's stored type: a string stays a string, an ObjectId stays an ObjectId.
      const [fromText, fromObject] = contactIdForms(fromId);
      const [toText, toObject] = contactIdForms(toId);
      let moved = 0;
      for (const name of ['calls', ...FOLLOWING_COLLECTIONS]) {
        const collection = connection.collection(name);
        const asText = await collection.updateMany({ contactId: fromText }, { $set: { contactId: toText } });
        const asObject = fromObject ? await collection.updateMany({ contactId: fromObject }, { $set: { contactId: toObject ?? toText } }) : null;
        if (name === 'calls') moved = asText.modifiedCount + (asObject?.modifiedCount ?? 0);
      }
      return moved;
    },
  };
}
