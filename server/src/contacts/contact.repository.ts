import {
  CONTACT_EDITED_ELSEWHERE,
  formatPhone,
  type Contact,
  type ContactEditedElsewhereDetails,
  type ContactNote,
  type ContactRef,
} from '@crm/shared';
import { isValidObjectId, type Connection } from 'mongoose';
import { AppError } from '../http/app-error.js';
import { findCardByNumber } from './card-by-number.js';
import { contactChangesOf } from './contact-changes.js';
import { SEARCH_KEYS_VERSION, searchFields } from './contact-search.js';
import { contactModel, contactNoteModel, type ContactDocument, type ContactNoteDocument } from './contact.model.js';
import { moveToCard } from './move-to-card.js';

/** What a card holds, as the service decided it (phones normalised, zone inferred, fields validated). */
export type ContactRecord = Omit<Contact, 'id' | 'createdAt' | 'updatedAt'>;

export interface ContactListFilter {
  /** A store filter from contact-search.ts, or null for all. */
  search: Record<string, unknown> | null;
  segment?: string | undefined;
  vip?: boolean | undefined;
  tag?: string | undefined;
  ownerId?: string | undefined;
  page: number;
  pageSize: number;
}

export interface ContactRepository {
  /** Resolves once the indexes (the unique phone index above all) exist. */
  ready(): Promise<void>;
  findById(id: string): Promise<Contact | null>;
  /** The card holding this E.164 number: one query on the unique phone index. */
  findByPhone(e164: string): Promise<Contact | null>;
  findByPhones(phones: readonly string[]): Promise<Contact[]>;
  /**
   * Cards matching the filter, by name. A text search is bounded: at most MAX_SEARCH_MATCHES cards
   * are ranked (`isTotalCapped` when more match), so a broad word stays cheap at a million cards.
   */
  list(filter: ContactListFilter): Promise<{ items: Contact[]; total: number; isTotalCapped: boolean }>;
  /** Inserts a card; a number already on another card → 409 DUPLICATE_PHONE naming that card. */
  insert(record: ContactRecord, options?: { createdAt?: Date }): Promise<Contact>;
  /**
   * Sets the given fields of a card and nothing else (a whole record replaces every field); same
   * duplicate rule as insert. `customFields` in `options` sets or removes single custom values,
   * leaving the card's others alone. With `expectedUpdatedAt` the write happens only if the card
   * was not changed since (one atomic conditional update), else 409 CONTACT_EDITED_ELSEWHERE.
   * Without it the write is still conditional on the card it was built on (`current`, or read here)
   * and is built again on a fresh read when the card changed meanwhile, so the stored search keys
   * always match the stored fields; every write leaves a strictly later `updatedAt`.
   */
  update(id: string, changes: Partial<ContactRecord>, options?: ContactUpdateOptions): Promise<Contact>;
  /** With `expectedUpdatedAt`, removes the card only if it was not changed since (false otherwise). */
  remove(id: string, options?: { expectedUpdatedAt?: string }): Promise<boolean>;
  /**
   * Puts a removed card back as it was: same id, fields, `createdAt` and `updatedAt` (undoing a
   * failed merge, so a client still holding that version can edit it). Same duplicate rule as insert.
   */
  restore(contact: Contact): Promise<Contact>;
  addNote(note: { contactId: string; text: string; authorId: string | null; authorName: string | null; createdAt: Date }): Promise<ContactNote>;
  listNotes(contactId: string, options: { before?: Date; limit: number }): Promise<ContactNote[]>;
  /**
   * Re-points notes of one card to another (merge): all of them, or only `ids` (moving back what a
   * failed merge moved). Returns the ids of the notes moved.
   */
  moveNotes(fromId: string, toId: string, options?: { ids?: readonly string[] }): Promise<string[]>;
}

export interface ContactUpdateOptions {
  customFields?: { set: Record<string, string | number>; unset: string[] };
  /** The card's `updatedAt` as the editor read it. */
  expectedUpdatedAt?: string | undefined;
  /** The card as just read: the base of the write (search keys, version) without reading it again. */
  current?: Contact;
}

/** How often a version-less write is tried again on a fresh read before it gives up with a 409. */
const MAX_WRITE_ATTEMPTS = 20;

export const DUPLICATE_PHONE = 'DUPLICATE_PHONE';

/**
 * 409: the card changed after the editor read it; `details.contact` is the card as it is now (and,
 * for a merge, `details.mergeCard` says which of the two cards it is).
 */
export function contactEditedElsewhereError(current: Contact, mergeCard?: ContactEditedElsewhereDetails['mergeCard']): AppError {
  const details: ContactEditedElsewhereDetails = { contact: current, ...(mergeCard ? { mergeCard } : {}) };
  const message = mergeCard
    ? `The ${mergeCard === 'source' ? 'card to merge in' : 'card to keep'} "${current.name}" was changed by someone else at ${current.updatedAt}; check both cards and merge again`
    : `The card "${current.name}" was changed by someone else at ${current.updatedAt}; reload it and apply your change again`;
  return new AppError(CONTACT_EDITED_ELSEWHERE, { status: 409, message, details });
}

/** The same version: `updatedAt` values compared as instants (any ISO spelling). */
export function isSameVersion(a: string | Date, b: string | Date): boolean {
  return new Date(a).getTime() === new Date(b).getTime();
}

/**
 * The `updatedAt` a write made on top of version `base` stores: now, but always later than the base,
 * so two writes in the same millisecond still leave different versions and a write conditional on
 * the older one cannot match the newer card.
 */
function nextVersion(base: string): Date {
  return new Date(Math.max(Date.now(), new Date(base).getTime() + 1));
}

const SEARCHED_FIELDS = ['name', 'company', 'email', 'phones'] as const;

export const MAX_SEARCH_MATCHES = 1000;

export function contactRef(contact: Pick<Contact, 'id' | 'name' | 'company'>): ContactRef {
  return { id: contact.id, name: contact.name, company: contact.company };
}

export function duplicatePhoneError(phone: string, existing: ContactRef): AppError {
  const card = existing.company ? `"${existing.name}" (${existing.company})` : `"${existing.name}"`;
  return new AppError(DUPLICATE_PHONE, {
    status: 409,
    message: `${formatPhone(phone)} already belongs to the card ${card}`,
    details: { phone, existing },
  });
}

type StoredContact = Omit<ContactDocument, '_id'> & { _id: unknown };

export function toContact(doc: StoredContact): Contact {
  return {
    id: String(doc._id),
    name: doc.name,
    company: doc.company ?? null,
    email: doc.email ?? null,
    phones: [...(doc.phones ?? [])],
    address: doc.address ?? null,
    city: doc.city ?? null,
    country: doc.country ?? null,
    region: doc.region ?? null,
    segment: doc.segment ?? null,
    vip: Boolean(doc.vip),
    tags: [...(doc.tags ?? [])],
    customFields: { ...(doc.customFields ?? {}) },
    leadSource: doc.leadSource ?? null,
    ownerId: doc.ownerId ?? null,
    managerIds: [...(doc.managerIds ?? [])],
    timeZone: {
      zone: doc.timeZone?.zone ?? null,
      source: doc.timeZone?.source ?? 'none',
      candidates: [...(doc.timeZone?.candidates ?? [])],
    },
    createdAt: new Date(doc.createdAt).toISOString(),
    updatedAt: new Date(doc.updatedAt).toISOString(),
  };
}

function toNote(doc: Omit<ContactNoteDocument, '_id'> & { _id: unknown }): ContactNote {
  return {
    id: String(doc._id),
    contactId: doc.contactId,
    text: doc.text,
    authorId: doc.authorId ?? null,
    authorName: doc.authorName ?? null,
    createdAt: new Date(doc.createdAt).toISOString(),
  };
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

function stored(record: ContactRecord): Omit<ContactDocument, '_id' | 'createdAt' | 'updatedAt'> {
  return { ...record, ...searchFields(record) };
}

/** Where one-off data upgrades note that they are done. */
const MIGRATIONS_COLLECTION = 'migrations';
const SEARCH_KEYS_MARKER = 'contacts.searchKeys';
const UPGRADE_BATCH = 1000;

export function createContactRepository(connection: Connection): ContactRepository {
  const Contacts = contactModel(connection);
  const Notes = contactNoteModel(connection);
  const changeFeed = contactChangesOf(connection);
  let indexes: Promise<void> | null = null;

  /**
   * Cards written with an older search-key format get their keys rebuilt, once: a marker then
   * records that every card has the current format, so later starts do not scan a million cards
   * to find none. The rebuild reads the stale cards through one cursor (no re-scan per batch).
   */
  async function upgradeSearchKeys(): Promise<void> {
    const markers = connection.collection<{ _id: string; version: number; at: Date }>(MIGRATIONS_COLLECTION);
    const marker = await markers.findOne({ _id: SEARCH_KEYS_MARKER });
    if (marker?.version === SEARCH_KEYS_VERSION) return;
    const stale = Contacts.find({ searchVersion: { $ne: SEARCH_KEYS_VERSION } }, { name: 1, company: 1, email: 1, phones: 1 })
      .lean<Pick<ContactDocument, '_id' | 'name' | 'company' | 'email' | 'phones'>>()
      .cursor({ batchSize: UPGRADE_BATCH });
    let batch: Array<Pick<ContactDocument, '_id' | 'name' | 'company' | 'email' | 'phones'>> = [];
    const write = async () => {
      if (batch.length === 0) return;
      const updates = batch.map((doc) => ({ updateOne: { filter: { _id: doc._id }, update: { $set: searchFields(doc) } } }));
      batch = [];
      await Contacts.bulkWrite(updates, { ordered: false });
    };
    for await (const doc of stale) {
      batch.push(doc);
      if (batch.length >= UPGRADE_BATCH) await write();
    }
    await write();
    await markers.updateOne({ _id: SEARCH_KEYS_MARKER }, { $set: { version: SEARCH_KEYS_VERSION, at: new Date() } }, { upsert: true });
  }

  const ready = () => {
    indexes ??= Promise.all([Contacts.init(), Notes.init()]).then(upgradeSearchKeys);
    return indexes;
  };

  /** Names the card that already holds one of `phones` (other than `selfId`). */
  async function conflictFor(phones: readonly string[], selfId: string | null): Promise<AppError | null> {
    const filter: Record<string, unknown> = { phones: { $in: phones } };
    if (selfId) filter._id = { $ne: selfId };
    const other = await Contacts.findOne(filter).lean<StoredContact>();
    if (!other) return null;
    const contact = toContact(other);
    const phone = phones.find((candidate) => contact.phones.includes(candidate)) ?? phones[0] ?? '';
    return duplicatePhoneError(phone, contactRef(contact));
  }

  async function write<T>(phones: readonly string[], selfId: string | null, run: () => Promise<T>): Promise<T> {
    await ready();
    const conflict = await conflictFor(phones, selfId);
    if (conflict) throw conflict;
    try {
      return await run();
    } catch (error) {
      // Lost a race with another writer: the unique index refused it; name the winner.
      if (!isDuplicateKey(error)) throw error;
      throw (await conflictFor(phones, selfId)) ?? AppError.conflict('A phone number of this card already belongs to another card');
    }
  }

  return {
    ready,
    async findById(id) {
      if (!isValidObjectId(id)) return null;
      const doc = await Contacts.findById(id).lean<StoredContact>();
      return doc ? toContact(doc) : null;
    },
    async findByPhone(e164) {
      const doc = await findCardByNumber(connection, e164);
      return doc ? toContact(doc as unknown as StoredContact) : null;
    },
    async findByPhones(phones) {
      if (phones.length === 0) return [];
      const docs = await Contacts.find({ phones: { $in: [...phones] } }).lean<StoredContact[]>();
      return docs.map(toContact);
    },
    async list({ search, segment, vip, tag, ownerId, page, pageSize }) {
      const filter: Record<string, unknown> = { ...(search ?? {}) };
      if (segment) filter.segment = segment;
      if (vip !== undefined) filter.vip = vip;
      if (tag) filter.tags = tag;
      if (ownerId) filter.ownerId = ownerId;
      if (search) {
        await ready();
        const matches = await Contacts.find(filter, { _id: 1, name: 1 })
          .limit(MAX_SEARCH_MATCHES + 1)
          .lean<{ _id: unknown; name: string }[]>();
        const isTotalCapped = matches.length > MAX_SEARCH_MATCHES;
        const ranked = matches
          .slice(0, MAX_SEARCH_MATCHES)
          .map((match) => ({ id: String(match._id), name: match.name }))
          .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const pageIds = ranked.slice((page - 1) * pageSize, page * pageSize).map((match) => match.id);
        const docs = pageIds.length > 0 ? await Contacts.find({ _id: { $in: pageIds } }).lean<StoredContact[]>() : [];
        const byId = new Map(docs.map((doc) => [String(doc._id), doc]));
        const items = pageIds.flatMap((id) => {
          const doc = byId.get(id);
          return doc ? [toContact(doc)] : [];
        });
        return { items, total: ranked.length, isTotalCapped };
      }
      const [docs, total] = await Promise.all([
        Contacts.find(filter)
          .sort({ name: 1, _id: 1 })
          .skip((page - 1) * pageSize)
          .limit(pageSize)
          .lean<StoredContact[]>(),
        Contacts.countDocuments(filter),
      ]);
      return { items: docs.map(toContact), total, isTotalCapped: false };
    },
    async insert(record, options = {}) {
      return write(record.phones, null, async () => {
        const doc = new Contacts({ ...stored(record), ...(options.createdAt ? { createdAt: options.createdAt } : {}) });
        await doc.save();
        const contact = toContact(doc.toObject());
        changeFeed.notify({ contactId: contact.id, phones: contact.phones });
        return contact;
      });
    },
    async update(id, changes, { customFields, expectedUpdatedAt, current } = {}) {
      if (!isValidObjectId(id)) throw AppError.notFound('Contact');
      const isKeyChange = SEARCHED_FIELDS.some((field) => changes[field] !== undefined);
      const $unset = Object.fromEntries((customFields?.unset ?? []).map((key) => [`customFields.${key}`, '']));
      // Every write is conditional on the version of the card it was built on (`base`): the search
      // keys are derived from the whole card, so a base changed meanwhile would leave keys that do
      // not match the stored name or company; and each write gets a strictly later version. With
      // `expectedUpdatedAt` a changed card is the caller's 409; without it the write is built again
      // on a fresh read (the given fields still win: last write wins per field) until it lands.
      let base: Contact | null = current && (!expectedUpdatedAt || isSameVersion(current.updatedAt, expectedUpdatedAt)) ? current : null;
      const readCard = async () => {
        const doc = await Contacts.findById(id).lean<StoredContact>();
        return doc ? toContact(doc) : null;
      };
      const run = async () => {
        for (let attempt = 1; ; attempt += 1) {
          if (!base) {
            base = await readCard();
            if (!base) throw AppError.notFound('Contact');
            if (expectedUpdatedAt && !isSameVersion(base.updatedAt, expectedUpdatedAt)) throw contactEditedElsewhereError(base);
          }
          const $set: Record<string, unknown> = { ...changes };
          if (isKeyChange) Object.assign($set, searchFields({ ...base, ...changes }));
          for (const [key, value] of Object.entries(customFields?.set ?? {})) $set[`customFields.${key}`] = value;
          $set.updatedAt = nextVersion(base.updatedAt);
          const update = Object.keys($unset).length > 0 ? { $set, $unset } : { $set };
          // The version is set above (strictly later than the base's), not stamped by mongoose.
          const doc = await Contacts.findOneAndUpdate({ _id: id, updatedAt: new Date(base.updatedAt) }, update, {
            returnDocument: 'after',
            timestamps: false,
          }).lean<StoredContact>();
          if (doc) {
            const contact = toContact(doc);
            // Its numbers only when they were edited: what follows a number (calls, cached lookups) need not run for a name change.
            changeFeed.notify(changes.phones ? { contactId: contact.id, phones: contact.phones } : { contactId: contact.id });
            return contact;
          }
          const now = await readCard();
          if (!now) throw AppError.notFound('Contact');
          if (expectedUpdatedAt || attempt >= MAX_WRITE_ATTEMPTS) throw contactEditedElsewhereError(now);
          base = now;
        }
      };
      if (changes.phones) return write(changes.phones, id, run);
      await ready();
      return run();
    },
    async remove(id, { expectedUpdatedAt } = {}) {
      if (!isValidObjectId(id)) return false;
      const filter: Record<string, unknown> = { _id: id };
      if (expectedUpdatedAt) filter.updatedAt = new Date(expectedUpdatedAt);
      const result = await Contacts.deleteOne(filter);
      if (result.deletedCount > 0) changeFeed.notify({ contactId: id });
      return result.deletedCount > 0;
    },
    async restore(contact) {
      const { id, createdAt, updatedAt, ...record } = contact;
      return write(record.phones, null, async () => {
        const doc = new Contacts({ ...stored(record), _id: id, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt) });
        // Its own timestamps, not now: the card is back as the version its readers hold.
        await doc.save({ timestamps: false });
        const restored = toContact(doc.toObject());
        changeFeed.notify({ contactId: restored.id, phones: restored.phones });
        return restored;
      });
    },
    async addNote(note) {
      const doc = await Notes.create(note);
      changeFeed.notify({ contactId: note.contactId });
      return toNote(doc.toObject());
    },
    async listNotes(contactId, { before, limit }) {
      const filter: Record<string, unknown> = { contactId };
      if (before) filter.createdAt = { $lt: before };
      const docs = await Notes.find(filter).sort({ createdAt: -1 }).limit(limit).lean<ContactNoteDocument[]>();
      return docs.map(toNote);
    },
    moveNotes: (fromId, toId, { ids } = {}) => moveToCard(Notes, changeFeed, fromId, toId, ids),
  };
}
