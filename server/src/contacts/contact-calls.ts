import { CALL_DIRECTIONS, CALL_RESULTS, type CallRecord } from '@crm/shared';
import { Types, type Connection } from 'mongoose';
import { contactChangesOf } from './contact-changes.js';

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

/** What a merge re-pointed, per collection, by the stored type of `contactId`: enough to put it back. */
export interface MovedCalls {
  fromId: string;
  toId: string;
  /** Calls moved (the merge report's count). */
  calls: number;
  moved: Array<{ collection: string; asText: unknown[]; asObject: unknown[] }>;
}

export interface ContactCalls {
  /** Newest first. */
  forContact(contactId: string, options: { before?: Date; limit: number }): Promise<CallRecord[]>;
  /** Re-points calls (and other per-contact records) from one card to another; all or nothing. */
  moveToContact(fromId: string, toId: string): Promise<MovedCalls>;
  /** Puts back what `moveToContact` moved (a failed merge), and only that. */
  moveBack(moved: MovedCalls): Promise<void>;
  /**
   * Gives calls with a client number of `phones` and no card yet to this card: the calls of a
   * caller who got a card during or after the call (or by an import), so they show in its timeline.
   */
  linkByNumber(contactId: string, phones: readonly string[]): Promise<number>;
}

/** Collections of other domains that reference a card by `contactId` and follow it on merge. */
const FOLLOWING_COLLECTIONS = ['tasks'] as const;

const indexed = new WeakSet<Connection>();

/** These records (ids of any stored type) while they still point at `contactId`. */
const idsOn = (ids: unknown[], contactId: unknown): Record<string, unknown> => ({ _id: { $in: ids }, contactId });

export function createContactCalls(connection: Connection): ContactCalls {
  const calls = () => connection.collection('calls');
  const changeFeed = contactChangesOf(connection);
  /** Both cards' last interactions changed (what a screen-pop read ahead shows). */
  const notifyBoth = (fromId: string, toId: string) => {
    changeFeed.notify({ contactId: fromId });
    changeFeed.notify({ contactId: toId });
  };
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
  async function moveBack({ fromId, toId, moved }: MovedCalls): Promise<void> {
    const [fromText, fromObject] = contactIdForms(fromId);
    const [toText, toObject] = contactIdForms(toId);
    for (const { collection: name, asText, asObject } of moved) {
      const collection = connection.collection(name);
      if (asText.length > 0) await collection.updateMany(idsOn(asText, toText), { $set: { contactId: fromText } });
      if (asObject.length > 0) {
        await collection.updateMany(idsOn(asObject, toObject ?? toText), { $set: { contactId: fromObject ?? fromText } });
      }
    }
    notifyBoth(fromId, toId);
  }
  return {
    async linkByNumber(contactId, phones) {
      if (phones.length === 0) return 0;
      const numbers = [...phones];
      const result = await calls().updateMany(
        { contactId: null, $or: [{ direction: 'inbound', callerNumber: { $in: numbers } }, { direction: 'outbound', calledNumber: { $in: numbers } }] },
        { $set: { contactId } },
      );
      if (result.modifiedCount > 0) changeFeed.notify({ contactId });
      return result.modifiedCount;
    },
    async forContact(contactId, { before, limit }) {
      ensureIndex();
      const filter: Record<string, unknown> = { contactId: { $in: contactIdForms(contactId) } };
      if (before) filter.startedAt = { $lt: before };
      const docs = await calls().find(filter).sort({ startedAt: -1 }).limit(limit).toArray();
      return docs.map((doc) => callRecordFromDocument(doc as Record<string, unknown>));
    },
    async moveToContact(fromId, toId) {
      // Keep the id's stored type: a string stays a string, an ObjectId stays an ObjectId. The ids
      // are read first so that exactly what moved can be moved back if the merge fails later.
      const [fromText, fromObject] = contactIdForms(fromId);
      const [toText, toObject] = contactIdForms(toId);
      const receipt: MovedCalls = { fromId, toId, calls: 0, moved: [] };
      try {
        for (const name of ['calls', ...FOLLOWING_COLLECTIONS]) {
          const collection = connection.collection(name);
          const idsWith = async (contactId: unknown) =>
            (await collection.find({ contactId }, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id as unknown);
          const asText = await idsWith(fromText);
          const asObject = fromObject ? await idsWith(fromObject) : [];
          // Noted before the writes: moving back a record that did not move matches nothing.
          receipt.moved.push({ collection: name, asText, asObject });
          if (name === 'calls') receipt.calls = asText.length + asObject.length;
          if (asText.length > 0) await collection.updateMany(idsOn(asText, fromText), { $set: { contactId: toText } });
          if (asObject.length > 0) {
            await collection.updateMany(idsOn(asObject, fromObject), { $set: { contactId: toObject ?? toText } });
          }
        }
      } catch (error) {
        // All or nothing: a failure part way puts back what this call already moved.
        await moveBack(receipt).catch(() => undefined);
        throw error;
      }
      notifyBoth(fromId, toId);
      return receipt;
    },
    moveBack,
  };
}
