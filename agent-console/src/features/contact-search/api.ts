import type { ListContactsResponse } from '@crm/shared';
import { api } from '@crm/shared/ui/index.js';

export const SEARCH_PAGE_SIZE = 10;

export const contactSearchKeys = {
  all: ['contacts', 'search'] as const,
  query: (query: string, page = 1) => [...contactSearchKeys.all, query, page] as const,
};

/** Name, company or phone fragment in any format (the server normalises it), a page at a time. */
export function searchContacts(query: string, page = 1, signal?: AbortSignal) {
  return api.get<ListContactsResponse>('/api/contacts', { query: { q: query, page, pageSize: SEARCH_PAGE_SIZE }, signal });
}
