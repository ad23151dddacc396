import type { ListContactsResponse } from '@crm/shared';
import { api } from '@crm/shared/ui/index.js';

export const contactSearchKeys = {
  all: ['contacts', 'search'] as const,
  query: (query: string) => [...contactSearchKeys.all, query] as const,
};

/** Name, company or phone fragment in any format (the server normalises it). */
export function searchContacts(query: string, signal?: AbortSignal) {
  return api.get<ListContactsResponse>('/api/contacts', { query: { q: query, pageSize: 25 }, signal });
}
