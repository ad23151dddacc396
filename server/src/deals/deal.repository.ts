import type { Deal, DealStatus } from '@crm/shared';
import { isValidObjectId, type Connection } from 'mongoose';
import { contactChangesOf } from '../contacts/contact-changes.js';
import { moveToCard } from '../contacts/move-to-card.js';
import { dealModel, type DealDocument } from './deal.model.js';

export type NewDeal = Omit<Deal, 'id' | 'createdAt' | 'updatedAt'>;
export type DealChanges = Partial<Omit<Deal, 'id' | 'contactId' | 'createdAt' | 'updatedAt' | 'stageHistory'>>;

export interface DealListFilter {
  contactId?: string | undefined;
  ownerId?: string | undefined;
  stage?: string | undefined;
  status?: DealStatus | undefined;
  page: number;
  pageSize: number;
}

export interface DealRepository {
  findById(id: string): Promise<Deal | null>;
  /** The contact's open deal most recently touched (the screen-pop shows it). */
  findOpenForContact(contactId: string): Promise<Deal | null>;
  listForContact(contactId: string): Promise<Deal[]>;
  list(filter: DealListFilter): Promise<{ items: Deal[]; total: number }>;
  insert(deal: NewDeal): Promise<Deal>;
  /** Applies changes and optionally appends a stage-history entry; null when the deal is gone. */
  update(id: string, changes: DealChanges, historyEntry?: Deal['stageHistory'][number]): Promise<Deal | null>;
  /**
   * Re-points deals of one contact to another (merge): all of them, or only `ids` (moving back what
   * a failed merge moved); all or nothing. Returns the ids of the deals moved.
   */
  moveToContact(fromId: string, toId: string, options?: { ids?: readonly string[] }): Promise<string[]>;
}

type StoredDeal = Omit<DealDocument, '_id'> & { _id: unknown };

export function toDeal(doc: StoredDeal): Deal {
  return {
    id: String(doc._id),
    contactId: doc.contactId,
    title: doc.title,
    amount: doc.amount ?? null,
    currency: doc.currency,
    stage: doc.stage,
    status: doc.status,
    ownerId: doc.ownerId ?? null,
    nextStep: doc.nextStep
      ? { text: doc.nextStep.text, dueAt: doc.nextStep.dueAt ?? null, taskId: doc.nextStep.taskId ?? null }
      : null,
    stageHistory: (doc.stageHistory ?? []).map((entry) => ({
      stage: entry.stage,
      at: entry.at,
      byUserId: entry.byUserId ?? null,
      note: entry.note ?? null,
    })),
    lostReason: doc.lostReason ?? null,
    closedAt: doc.closedAt ? new Date(doc.closedAt).toISOString() : null,
    createdAt: new Date(doc.createdAt).toISOString(),
    updatedAt: new Date(doc.updatedAt).toISOString(),
  };
}

export function createDealRepository(connection: Connection): DealRepository {
  const Deals = dealModel(connection);
  const changeFeed = contactChangesOf(connection);

  return {
    async findById(id) {
      if (!isValidObjectId(id)) return null;
      const doc = await Deals.findById(id).lean<StoredDeal>();
      return doc ? toDeal(doc) : null;
    },
    async findOpenForContact(contactId) {
      const doc = await Deals.findOne({ contactId, status: 'open' }).sort({ updatedAt: -1 }).lean<StoredDeal>();
      return doc ? toDeal(doc) : null;
    },
    async listForContact(contactId) {
      const docs = await Deals.find({ contactId }).sort({ updatedAt: -1 }).lean<StoredDeal[]>();
      return docs.map(toDeal);
    },
    async list({ contactId, ownerId, stage, status, page, pageSize }) {
      const filter: Record<string, unknown> = {};
      if (contactId) filter.contactId = contactId;
      if (ownerId) filter.ownerId = ownerId;
      if (stage) filter.stage = stage;
      if (status) filter.status = status;
      const [docs, total] = await Promise.all([
        Deals.find(filter)
          .sort({ updatedAt: -1, _id: -1 })
          .skip((page - 1) * pageSize)
          .limit(pageSize)
          .lean<StoredDeal[]>(),
        Deals.countDocuments(filter),
      ]);
      return { items: docs.map(toDeal), total };
    },
    async insert(deal) {
      const doc = await Deals.create({ ...deal, closedAt: deal.closedAt ? new Date(deal.closedAt) : null });
      changeFeed.notify({ contactId: deal.contactId });
      return toDeal(doc.toObject());
    },
    async update(id, changes, historyEntry) {
      if (!isValidObjectId(id)) return null;
      const { closedAt, ...rest } = changes;
      const set: Record<string, unknown> = { ...rest };
      if (closedAt !== undefined) set.closedAt = closedAt ? new Date(closedAt) : null;
      const update: Record<string, unknown> = { $set: set };
      if (historyEntry) update.$push = { stageHistory: historyEntry };
      const doc = await Deals.findByIdAndUpdate(id, update, { returnDocument: 'after' }).lean<StoredDeal>();
      if (!doc) return null;
      const deal = toDeal(doc);
      changeFeed.notify({ contactId: deal.contactId });
      return deal;
    },
    moveToContact: (fromId, toId, { ids } = {}) => moveToCard(Deals, changeFeed, fromId, toId, ids),
  };
}
