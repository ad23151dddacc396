import { normalizePhone } from '@crm/shared';
import { describe, expect, it } from 'vitest';
import { DEMO_CONTACTS, demoCallers } from './demo-contacts.js';
import { createNumberLocator } from './timezone-inference.js';

describe('demo contacts', () => {
  it('have valid, unique E.164 numbers', () => {
    const phones = DEMO_CONTACTS.flatMap((contact) => contact.phones);
    for (const phone of phones) expect(normalizePhone(phone), phone).toMatchObject({ ok: true, phone: { e164: phone } });
    expect(new Set(phones).size).toBe(phones.length);
    expect(demoCallers()).toContainEqual({ number: '+73432001122', name: 'Ivan Petrov' });
  });

  it('cover the six demo time zones, each number placed in one zone', async () => {
    const locate = createNumberLocator();
    const zones = new Set<string | null>();
    for (const contact of DEMO_CONTACTS) {
      const { timeZone } = await locate(contact.phones[0] ?? '');
      expect(timeZone.zone, contact.name).not.toBeNull();
      zones.add(timeZone.zone);
    }
    expect([...zones].sort()).toEqual(['America/New_York', 'Asia/Vladivostok', 'Asia/Yekaterinburg', 'Europe/Kyiv', 'Europe/Moscow', 'Europe/Warsaw']);
  });
});
