import type { ListCallsResponse } from '@crm/shared';
import { api } from '@crm/shared/ui/index.js';

export interface CallsPeriod {
  /** Local calendar days, `YYYY-MM-DD`, both included. */
  from: string;
  to: string;
}

export const reportKeys = {
  calls: (period: CallsPeriod) => ['reports', 'calls', period.from, period.to] as const,
};

/** Local midnight of a `YYYY-MM-DD` day as an ISO instant with offset (what the server expects). */
const startOfDay = (day: string, addDays = 0) => {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, (date ?? 1) + addDays).toISOString();
};

export function fetchCalls(period: CallsPeriod, signal?: AbortSignal) {
  return api.get<ListCallsResponse>('/api/calls', {
    query: { from: startOfDay(period.from), to: startOfDay(period.to, 1), pageSize: 500 },
    signal,
  });
}
