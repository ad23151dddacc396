import type { ContactRecord } from './contact.repository.js';

/**
 * Merging two cards of the same client: the kept card's values win, its blanks are filled from the
 * other card, lists are united (kept card's first). No I/O.
 */
export function mergeContactRecords(kept: ContactRecord, other: ContactRecord): ContactRecord {
  const pick = <T>(a: T | null, b: T | null): T | null => (a === null || a === '' ? b : a);
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  const ownerId = kept.ownerId ?? other.ownerId;
  const managers = union(kept.managerIds, other.ownerId && other.ownerId !== ownerId ? [...other.managerIds, other.ownerId] : other.managerIds);
  return {
    name: kept.name || other.name,
    company: pick(kept.company, other.company),
    email: pick(kept.email, other.email),
    phones: union(kept.phones, other.phones),
    address: pick(kept.address, other.address),
    city: pick(kept.city, other.city),
    country: pick(kept.country, other.country),
    region: pick(kept.region, other.region),
    segment: bestSegment(kept.segment, other.segment),
    vip: kept.vip || other.vip,
    tags: union(kept.tags, other.tags),
    customFields: { ...other.customFields, ...kept.customFields },
    leadSource: pick(kept.leadSource, other.leadSource),
    ownerId,
    managerIds: managers.filter((id) => id !== ownerId),
    // A zone a person typed beats one inferred from a number; otherwise the kept card's.
    timeZone: kept.timeZone.source !== 'manual' && other.timeZone.source === 'manual' ? other.timeZone : kept.timeZone,
  };
}

/**
 * Undoing a merge's write to the kept card when a later step failed: `before` is the kept card as
 * the merge read it, `merged` what the merge wrote, `now` the card as it is now. Each field the
 * merge changed goes back, unless someone changed that field since (their value stays); the numbers
 * the merge brought leave the card in every case (the source card gets them back). No I/O.
 */
export function unmergeChanges(before: ContactRecord, merged: ContactRecord, now: ContactRecord): Partial<ContactRecord> {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const back: Record<string, unknown> = {};
  for (const key of Object.keys(merged) as Array<keyof ContactRecord>) {
    if (same(before[key], merged[key])) continue;
    if (key === 'phones') back.phones = now.phones.filter((phone) => before.phones.includes(phone) || !merged.phones.includes(phone));
    else if (same(now[key], merged[key])) back[key] = before[key];
  }
  return back as Partial<ContactRecord>;
}

/** A is the most valuable segment; the better of the two is kept. */
function bestSegment(a: ContactRecord['segment'], b: ContactRecord['segment']): ContactRecord['segment'] {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

export function recordOf<T extends ContactRecord & { id?: string; createdAt?: string; updatedAt?: string }>(contact: T): ContactRecord {
  const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...record } = contact;
  return record;
}
