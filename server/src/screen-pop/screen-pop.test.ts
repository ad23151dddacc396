import { DEFAULT_CALLING_WINDOW, type CallRecord } from '@crm/shared';
import { describe, expect, it } from 'vitest';
import { buildCallRecord } from '@crm/shared/testing/call-record';
import { buildContact, buildDeal } from '@crm/shared/testing/contact';
import { buildScreenPop, clientNumberOf } from './screen-pop.js';

const call = (overrides: Partial<CallRecord> = {}): CallRecord =>
  buildCallRecord({
    linkedid: '1700000000.1',
    calledNumber: '+74951000000',
    queue: 'sales',
    startedAt: '2026-02-10T09:00:00.000Z',
    queuedAt: '2026-02-10T09:00:00.000Z',
    ringingAt: '2026-02-10T09:00:05.000Z',
    waitSeconds: null,
    ...overrides,
  });

// The shared test card, with the details these tests were written against.
const ivan = buildContact({
  id: 'c1',
  email: null,
  tags: ['steel'],
  leadSource: null,
  ownerId: 'u1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const deal = buildDeal({
  id: 'd1',
  contactId: 'c1',
  title: 'Rolled steel, Q2',
  amount: 1_200_000,
  stage: 'proposal',
  ownerId: 'u1',
  nextStep: { text: 'Send the invoice', dueAt: null, taskId: null },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const base = { window: DEFAULT_CALLING_WINDOW, agentZone: 'Europe/Moscow', now: new Date('2026-02-10T09:00:05Z'), lastInteractions: [] };

describe('screen-pop payload', () => {
  it("pops a known caller's card with the open deal, next step and their local time", () => {
    const pop = buildScreenPop({ ...base, call: call(), contact: ivan, openDeal: deal, clientPhone: '+73432001122', numberFacts: null });
    expect(pop.contact).toMatchObject({ name: 'Ivan Petrov', segment: 'A', vip: true, openDeal: { nextStep: { text: 'Send the invoice' } } });
    expect(pop.localTime).toMatchObject({
      phone: '+73432001122',
      timeZone: { zone: 'Asia/Yekaterinburg' },
      facts: { localTime: '2026-02-10T14:00:05.000+05:00', offsetToAgentLabel: '+2 h', isInsideCallingWindow: true },
    });
  });

  it('pops no card for an unknown caller but says where the number is, to pre-fill a new card', () => {
    const pop = buildScreenPop({
      ...base,
      call: call({ callerNumber: '+74232001122' }),
      contact: null,
      openDeal: null,
      clientPhone: '+74232001122',
      numberFacts: {
        e164: '+74232001122',
        country: 'RU',
        region: 'Primorie territory',
        regionNames: { en: 'Primorie territory', ru: 'Приморский край' },
        timeZone: { zone: 'Asia/Vladivostok', source: 'number', candidates: ['Asia/Vladivostok'] },
      },
    });
    expect(pop.contact).toBeNull();
    expect(pop.localTime).toMatchObject({
      phone: '+74232001122',
      country: 'RU',
      region: 'Primorie territory',
      regionNames: { en: 'Primorie territory', ru: 'Приморский край' },
      facts: { zone: 'Asia/Vladivostok', offsetToAgentLabel: '+7 h' },
    });
  });

  it("gives a known caller's region as stored on the card, with no per-language names", () => {
    const pop = buildScreenPop({ ...base, call: call(), contact: ivan, openDeal: deal, clientPhone: '+73432001122', numberFacts: null });
    expect(pop.localTime?.region).toBe('Ekaterinburg');
    expect(pop.localTime).not.toHaveProperty('regionNames');
  });

  it('shows an ambiguous zone as such: candidates, no clock', () => {
    const pop = buildScreenPop({
      ...base,
      call: call({ callerNumber: '+12086001234' }),
      contact: null,
      openDeal: null,
      clientPhone: '+12086001234',
      numberFacts: {
        e164: '+12086001234',
        country: 'US',
        region: 'Idaho',
        timeZone: { zone: null, source: 'number', candidates: ['America/Boise', 'America/Los_Angeles'] },
      },
    });
    expect(pop.localTime?.facts).toBeNull();
    expect(pop.localTime?.timeZone.candidates).toEqual(['America/Boise', 'America/Los_Angeles']);
  });

  it('has no local time for a hidden number', () => {
    const pop = buildScreenPop({ ...base, call: call({ callerNumber: null }), contact: null, openDeal: null, clientPhone: null, numberFacts: null });
    expect(pop).toMatchObject({ contact: null, localTime: null });
  });

  it('takes the called number as the client on an outbound call', () => {
    expect(clientNumberOf(call({ direction: 'outbound', callerNumber: '1001', calledNumber: '+48221234567' }))).toBe('+48221234567');
  });
});
