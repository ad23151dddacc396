import { buildCallRecord } from '@crm/shared/testing/call-record';
import { buildContact, buildDeal } from '@crm/shared/testing/contact';
import type { ClientLocalTime, ScreenPopContact } from '@crm/shared';

export { buildContact, buildDeal };

/** A call record as the server pushes it (the one builder every side's tests share). */
export const buildCall = buildCallRecord;

export function buildPopContact(overrides: Partial<ScreenPopContact> = {}): ScreenPopContact {
  return { ...buildContact(), openDeal: buildDeal(), lastInteractions: [], ...overrides };
}

/** What the server knows about where a number is (no facts: the console computes the clock). */
export function buildLocalTime(overrides: Partial<ClientLocalTime> = {}): ClientLocalTime {
  return {
    phone: '+73432001122',
    country: 'RU',
    region: 'Ekaterinburg',
    timeZone: { zone: 'Asia/Yekaterinburg', source: 'number', candidates: ['Asia/Yekaterinburg'] },
    facts: null,
    ...overrides,
  };
}
