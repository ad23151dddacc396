import { randomUUID } from 'node:crypto';
import type { Lease, LiveStateStore } from './live-state-store.js';

interface Entry {
  value: string | Map<string, string>;
  expiresAt: number | null;
}

/** Single-instance live state. `now` is injectable so tests can move time past TTLs. */
export function createMemoryLiveState({ now = () => Date.now() }: { now?: () => number } = {}): LiveStateStore {
  const entries = new Map<string, Entry>();

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const expiry = (ttlMs: number | undefined) => (ttlMs === undefined ? null : now() + ttlMs);
  const stringAt = (key: string): string | null => {
    const entry = live(key);
    return entry && typeof entry.value === 'string' ? entry.value : null;
  };
  const hashAt = (key: string, create: boolean): Map<string, string> | null => {
    const entry = live(key);
    if (entry && entry.value instanceof Map) return entry.value;
    if (!create) return null;
    const map = new Map<string, string>();
    entries.set(key, { value: map, expiresAt: null });
    return map;
  };

  return {
    mode: 'memory',
    async get(key) {
      return stringAt(key);
    },
    async set(key, value, options) {
      entries.set(key, { value, expiresAt: expiry(options?.ttlMs) });
    },
    async setIfAbsent(key, value, options) {
      if (live(key)) return false;
      entries.set(key, { value, expiresAt: expiry(options?.ttlMs) });
      return true;
    },
    async delete(key) {
      entries.delete(key);
    },
    async increment(key, { ttlMs, by = 1 }) {
      const entry = live(key);
      const current = entry && typeof entry.value === 'string' ? Number(entry.value) || 0 : 0;
      const next = current + by;
      entries.set(key, { value: String(next), expiresAt: entry ? entry.expiresAt : expiry(ttlMs) });
      return next;
    },
    async ttl(key) {
      const entry = live(key);
      if (!entry || entry.expiresAt === null) return null;
      return Math.max(0, entry.expiresAt - now());
    },
    async hashSet(key, field, value) {
      hashAt(key, true)?.set(field, value);
    },
    async hashGet(key, field) {
      return hashAt(key, false)?.get(field) ?? null;
    },
    async hashGetAll(key) {
      return Object.fromEntries(hashAt(key, false) ?? []);
    },
    async hashDelete(key, field) {
      hashAt(key, false)?.delete(field);
    },
    async acquireLease(name, ttlMs) {
      const key = `lease:${name}`;
      if (live(key)) return null;
      const lease: Lease = { name, holder: randomUUID(), ttlMs };
      entries.set(key, { value: lease.holder, expiresAt: now() + ttlMs });
      return lease;
    },
    async renewLease(lease, ttlMs = lease.ttlMs) {
      const key = `lease:${lease.name}`;
      if (stringAt(key) !== lease.holder) return false;
      entries.set(key, { value: lease.holder, expiresAt: now() + ttlMs });
      return true;
    },
    async releaseLease(lease) {
      const key = `lease:${lease.name}`;
      if (stringAt(key) === lease.holder) entries.delete(key);
    },
    async ping() {
      return true;
    },
    async close() {
      entries.clear();
    },
  };
}
