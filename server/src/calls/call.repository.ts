import type { Connection } from 'mongoose';
import type { CallRecord, ListCallsQuery, ListCallsResponse } from '@crm/shared';
import { callModel, type CallDocument } from './call.model.js';

export interface CallWrite {
  record: CallRecord;
  /** The call model's state while the call is up (restored after a restart), as JSON text. */
  state: string | null;
}

export interface CallRepository {
  /** Idempotent: writing the same record twice leaves one identical document. */
  upsertMany(writes: CallWrite[]): Promise<void>;
  remove(linkedid: string): Promise<void>;
  /** States of the calls that were up when the server last stopped. */
  activeStates(): Promise<unknown[]>;
  findByLinkedid(linkedid: string): Promise<CallRecord | null>;
  list(query: ListCallsQuery): Promise<ListCallsResponse>;
}

const toDate = (value: string | null): Date | null => (value === null ? null : new Date(value));
const toIso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

function toDocument(record: CallRecord, state: string | null, now: Date): Omit<CallDocument, never> {
  return {
    linkedid: record.linkedid,
    direction: record.direction,
    callerNumber: record.callerNumber,
    calledNumber: record.calledNumber,
    queue: record.queue,
    agentExtension: record.agentExtension,
    ringingAgents: record.ringingAgents,
    contactId: record.contactId,
    result: record.result,
    active: record.active,
    startedAt: new Date(record.startedAt),
    queuedAt: toDate(record.queuedAt),
    ringingAt: toDate(record.ringingAt),
    answeredAt: toDate(record.answeredAt),
    endedAt: toDate(record.endedAt),
    waitSeconds: record.waitSeconds,
    talkSeconds: record.talkSeconds,
    hangupCause: record.hangupCause,
    endedDuringOutage: record.endedDuringOutage,
    state: record.active ? state : null,
    updatedAt: now,
  };
}

export function toCallRecord(doc: CallDocument & { _id: unknown }): CallRecord {
  return {
    // The same id the live events carry: Asterisk's Linkedid is stable and unique per call.
    id: doc.linkedid,
    linkedid: doc.linkedid,
    direction: doc.direction,
    callerNumber: doc.callerNumber ?? null,
    calledNumber: doc.calledNumber ?? null,
    queue: doc.queue ?? null,
    agentExtension: doc.agentExtension ?? null,
    ringingAgents: doc.ringingAgents ?? [],
    contactId: doc.contactId ?? null,
    result: doc.result ?? null,
    active: Boolean(doc.active),
    startedAt: new Date(doc.startedAt).toISOString(),
    queuedAt: toIso(doc.queuedAt),
    ringingAt: toIso(doc.ringingAt),
    answeredAt: toIso(doc.answeredAt),
    endedAt: toIso(doc.endedAt),
    waitSeconds: doc.waitSeconds ?? null,
    talkSeconds: doc.talkSeconds ?? null,
    hangupCause: doc.hangupCause ?? null,
    endedDuringOutage: Boolean(doc.endedDuringOutage),
  };
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createCallRepository(connection: Connection, now: () => Date = () => new Date()): CallRepository {
  const Call = callModel(connection);
  return {
    async upsertMany(writes) {
      if (writes.length === 0) return;
      const at = now();
      await Call.bulkWrite(
        writes.map(({ record, state }) => {
          const doc = toDocument(record, state, at);
          // A contact found earlier is never cleared by a later write that did not look it up.
          const { contactId, ...rest } = doc;
          const set: Record<string, unknown> = { ...rest };
          if (contactId !== null) set.contactId = contactId;
          return {
            updateOne: {
              filter: { linkedid: record.linkedid },
              update: { $set: set, $setOnInsert: contactId === null ? { contactId: null } : {} },
              upsert: true,
            },
          };
        }),
        { ordered: true },
      );
    },
    async remove(linkedid) {
      await Call.deleteOne({ linkedid });
    },
    async activeStates() {
      const docs = await Call.find({ active: true }, { state: 1 }).lean();
      const states: unknown[] = [];
      for (const doc of docs) {
        if (typeof doc.state !== 'string') continue;
        try {
          states.push(JSON.parse(doc.state));
        } catch {
          // A damaged state only loses the carry-over of that call; resync rebuilds what is still up.
        }
      }
      return states;
    },
    async findByLinkedid(linkedid) {
      const doc = await Call.findOne({ linkedid }).lean();
      return doc ? toCallRecord(doc as CallDocument & { _id: unknown }) : null;
    },
    async list(query) {
      const filter: Record<string, unknown> = {};
      const startedAt: Record<string, Date> = {};
      if (query.from) startedAt.$gte = new Date(query.from);
      if (query.to) {
        // A bare date (`2026-11-22`) means through the end of that day.
        const to = new Date(query.to);
        if (/^\d{4}-\d{2}-\d{2}$/.test(query.to)) to.setUTCDate(to.getUTCDate() + 1);
        startedAt.$lt = to;
      }
      if (Object.keys(startedAt).length > 0) filter.startedAt = startedAt;
      if (query.queue) filter.queue = query.queue;
      if (query.agent) filter.agentExtension = query.agent;
      if (query.direction) filter.direction = query.direction;
      if (query.result) filter.result = query.result;
      if (query.number) {
        const digits = query.number.replace(/[^\d+]/g, '').replace(/^\+/, '');
        // No digit typed (`?number=abc`): no call matches; an empty pattern would match them all.
        if (digits === '') return { items: [], total: 0, page: query.page, pageSize: query.pageSize };
        const pattern = new RegExp(escapeRegex(digits));
        filter.$or = [{ callerNumber: pattern }, { calledNumber: pattern }];
      }
      const [items, total] = await Promise.all([
        Call.find(filter)
          .sort({ startedAt: -1, linkedid: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean(),
        Call.countDocuments(filter),
      ]);
      return { items: items.map((doc) => toCallRecord(doc as CallDocument & { _id: unknown })), total, page: query.page, pageSize: query.pageSize };
    },
  };
}
