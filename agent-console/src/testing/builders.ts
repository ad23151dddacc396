import { buildCallRecord } from '@crm/shared/testing/call-record';
import type { ClientLocalTime, Contact, Deal, ScreenPopContact } from '@crm/shared';

/** A call record as the server pushes it (the one builder every side's tests share). */
export const buildCall = buildCallRecord;

export function buildContact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: '66a000000000000000000001',
    name: 'Ivan Petrov',
    company: 'Ural Steel',
    email: 'i.petrov@uralsteel.example',
    phones: ['+73432001122'],
    address: null,
    city: 'Yekaterinburg',
    country: 'RU',
    region: 'Ekaterinburg',
    segment: 'A',
    vip: true,
    tags: ['steel', 'key-account'],
    customFields: {},
    leadSource: 'Exhibition',
    ownerId: '65f000000000000000000001',
    managerIds: [],
    timeZone: { zone: 'Asia/Yekaterinburg', source: 'number', candidates: ['Asia/Yekaterinburg'] },
    createdAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
}

export function buildDeal(overrides: Partial<Deal> = {}): Deal {
  return {
    id: '66b000000000000000000001',
    contactId: '66a000000000000000000001',
    title: 'Rolled steel, Q2 contract',
    amount: 4_800_000,
    currency: 'RUB',
    stage: 'invoice-sent',
    status: 'open',
    ownerId: '65f000000000000000000001',
    nextStep: { text: 'Confirm the invoice was paid', dueAt: null, taskId: null },
    stageHistory: [],
    lostReason: null,
    closedAt: null,
    createdAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
}

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
