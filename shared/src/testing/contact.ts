import type { Contact } from '../contacts.js';
import type { Deal } from '../deals.js';

/**
 * Ivan Petrov of Ural Steel (Yekaterinburg), the card tests on every side pop and edit, and his
 * open deal. Tests override what they are about.
 */
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
