import {
  CONTACT_EDITED_ELSEWHERE,
  type Contact,
  type ContactRef,
  type CreateContactRequest,
  type CreateDealRequest,
  type Deal,
  type ImportContactsReport,
  type ListDealsResponse,
  type MergeContactsResponse,
  type MoveDealStageRequest,
  type TimelineResponse,
  type UpdateContactRequest,
  type UpdateDealRequest,
  type DuplicatePolicy,
  type TimelineItem,
} from '@crm/shared';
import { api, isApiError } from '@crm/shared/ui/index.js';

export const dealKeys = {
  all: ['deals'] as const,
  ofContact: (contactId: string) => [...dealKeys.all, 'of-contact', contactId] as const,
};

export const contactKeys = {
  all: ['contacts'] as const,
  card: (id: string) => [...contactKeys.all, 'card', id] as const,
  timeline: (id: string) => [...contactKeys.all, 'timeline', id] as const,
  deals: dealKeys.ofContact,
};

export const getContact = (id: string, signal?: AbortSignal) =>
  api.get<{ contact: Contact }>(`/api/contacts/${id}`, { signal }).then(({ contact }) => contact);

export const createContact = (request: CreateContactRequest) =>
  api.post<{ contact: Contact }>('/api/contacts', request).then(({ contact }) => contact);

export const updateContact = (id: string, change: UpdateContactRequest) =>
  api.patch<{ contact: Contact }>(`/api/contacts/${id}`, change).then(({ contact }) => contact);

export const TIMELINE_PAGE = 50;

/** A page of the client's history, newest first; `before` continues after the last item shown. */
export const getTimeline = (id: string, { before, signal }: { before?: string | undefined; signal?: AbortSignal } = {}) =>
  api.get<TimelineResponse>(`/api/contacts/${id}/timeline`, { query: { limit: TIMELINE_PAGE, before }, signal }).then(({ items }) => items);

export const addNote = (id: string, text: string) =>
  api.post<{ item: TimelineItem }>(`/api/contacts/${id}/notes`, { text }).then(({ item }) => item);

/**
 * Merges `sourceId` into `targetId`; the source card is removed. `versions`: both cards' `updatedAt`
 * as the user saw them, so a card changed since is refused (409 CONTACT_EDITED_ELSEWHERE, `mergeCard` says which).
 */
export const mergeContacts = (
  targetId: string,
  sourceId: string,
  versions: { expectedUpdatedAt?: string; sourceExpectedUpdatedAt?: string } = {},
) => api.post<MergeContactsResponse>(`/api/contacts/${targetId}/merge`, { sourceId, ...versions });

export const importContacts = (request: { csv: string; dryRun: boolean; onDuplicate: DuplicatePolicy }) =>
  api.post<{ report: ImportContactsReport }>('/api/contacts/import', request).then(({ report }) => report);

export const listContactDeals = (contactId: string, signal?: AbortSignal) =>
  api.get<ListDealsResponse>('/api/deals', { query: { contactId, pageSize: 50 }, signal }).then(({ items }) => items);

export const createDeal = (request: CreateDealRequest) => api.post<{ deal: Deal }>('/api/deals', request).then(({ deal }) => deal);

export const updateDeal = (id: string, change: UpdateDealRequest) =>
  api.patch<{ deal: Deal }>(`/api/deals/${id}`, change).then(({ deal }) => deal);

export const moveDealStage = (id: string, request: MoveDealStageRequest) =>
  api.post<{ deal: Deal }>(`/api/deals/${id}/stage`, request).then(({ deal }) => deal);

/** The card a refused number already belongs to (409 DUPLICATE_PHONE), when the error says so. */
export function duplicateOf(error: unknown): { phone: string; existing: ContactRef } | null {
  if (!isApiError(error) || error.status !== 409) return null;
  const details = error.details as { phone?: unknown; existing?: { id?: unknown; name?: unknown; company?: unknown } } | undefined;
  const existing = details?.existing;
  if (!existing || typeof existing.id !== 'string' || typeof existing.name !== 'string') return null;
  return {
    phone: typeof details.phone === 'string' ? details.phone : '',
    existing: { id: existing.id, name: existing.name, company: typeof existing.company === 'string' ? existing.company : null },
  };
}

/** The card as it is now when a save was refused because someone else changed it meanwhile (409 CONTACT_EDITED_ELSEWHERE). */
export function editedElsewhere(error: unknown): { contact: Contact } | null {
  if (!isApiError(error) || error.status !== 409 || error.code !== CONTACT_EDITED_ELSEWHERE) return null;
  const contact = (error.details as { contact?: Contact } | undefined)?.contact;
  return contact && typeof contact.id === 'string' && typeof contact.updatedAt === 'string' ? { contact } : null;
}
