import type { ListCallsResponse } from '@crm/shared';
import { api } from '@crm/shared/ui/index.js';

export const recentCallsKeys = {
  all: ['recent-calls'] as const,
  today: (extension: string, dayStart: string) => [...recentCallsKeys.all, extension, dayStart] as const,
};

/** The agent's own calls since `from` (start of the agent's day), newest first as the server orders them. */
export function fetchMyCalls(extension: string, from: string, signal?: AbortSignal) {
  return api.get<ListCallsResponse>('/api/calls', { query: { agent: extension, from, pageSize: 100 }, signal });
}
