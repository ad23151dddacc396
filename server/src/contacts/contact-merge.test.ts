import { describe, expect, it } from 'vitest';
import { mergeContactRecords, unmergeChanges } from './contact-merge.js';
import type { ContactRecord } from './contact.repository.js';

const card = (overrides: Partial<ContactRecord>): ContactRecord => ({
  name: 'Ivan Petrov',
  company: null,
  email: null,
  phones: [],
  address: null,
  city: null,
  country: 'RU',
  region: null,
  segment: null,
  vip: false,
  tags: [],
  customFields: {},
  leadSource: null,
  ownerId: null,
  managerIds: [],
  timeZone: { zone: null, source: 'none', candidates: [] },
  ...overrides,
});

describe('merging two cards', () => {
  const kept = card({
    phones: ['+73432001122'],
    company: 'Ural Steel',
    segment: 'B',
    tags: ['steel'],
    ownerId: 'u1',
    customFields: { inn: '1' },
    timeZone: { zone: 'Asia/Yekaterinburg', source: 'number', candidates: ['Asia/Yekaterinburg'] },
  });
  const other = card({
    name: 'I. Petrov',
    phones: ['+79120000000', '+73432001122'],
    company: 'Other Co',
    email: 'ivan@example.com',
    segment: 'A',
    vip: true,
    tags: ['vip', 'steel'],
    ownerId: 'u2',
    managerIds: ['u3'],
    customFields: { inn: '2', employees: 40 },
    timeZone: { zone: 'Asia/Yekaterinburg', source: 'manual', candidates: ['Asia/Yekaterinburg'] },
  });
  const merged = mergeContactRecords(kept, other);

  it("keeps the kept card's values and fills its blanks", () => {
    expect(merged).toMatchObject({ name: 'Ivan Petrov', company: 'Ural Steel', email: 'ivan@example.com', vip: true });
  });

  it('unites phones and tags without repeats, kept card first', () => {
    expect(merged.phones).toEqual(['+73432001122', '+79120000000']);
    expect(merged.tags).toEqual(['steel', 'vip']);
  });

  it("keeps the better segment and makes the other owner a sharing manager", () => {
    expect(merged.segment).toBe('A');
    expect(merged.ownerId).toBe('u1');
    expect(merged.managerIds.sort()).toEqual(['u2', 'u3']);
  });

  it('keeps custom values of the kept card and adds the others', () => {
    expect(merged.customFields).toEqual({ inn: '1', employees: 40 });
  });

  it('prefers a zone typed by hand', () => {
    expect(merged.timeZone.source).toBe('manual');
  });
});

describe('undoing a merge whose later step failed', () => {
  const kept = card({ phones: ['+73432001122'], company: null, tags: ['steel'], segment: 'B' });
  const other = card({ phones: ['+79120000000'], company: 'Other Co', tags: ['vip'], segment: 'A' });
  const merged = mergeContactRecords(kept, other);

  it('puts back every field the merge changed and takes the merged-in numbers off', () => {
    expect(unmergeChanges(kept, merged, merged)).toEqual({ company: null, phones: ['+73432001122'], tags: ['steel'], segment: 'B' });
  });

  it('keeps what a colleague changed after the merge wrote the card', () => {
    const now = { ...merged, company: 'Typed meanwhile', city: 'Perm', phones: [...merged.phones, '+73432009999'] };
    expect(unmergeChanges(kept, merged, now)).toEqual({ phones: ['+73432001122', '+73432009999'], tags: ['steel'], segment: 'B' });
  });
});
