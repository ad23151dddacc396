import type { LiveStateStore } from '../live-state/live-state-store.js';

/**
 * Limits failed logins per client address and login (and, more loosely, per address alone) in
 * the LiveStateStore, so the count holds across instances when Redis is used. A locked pair is
 * refused even with the right password until the window passes.
 */
export interface LoginThrottleOptions {
  store: LiveStateStore;
  /** Failures allowed per address+login within the window. */
  maxFailures: number;
  windowMs: number;
  /** Failures allowed per address across all logins (password spraying); default 5× maxFailures. */
  maxFailuresPerAddress?: number;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottle {
  check(address: string, login: string): Promise<ThrottleDecision>;
  recordFailure(address: string, login: string): Promise<void>;
  /** A successful login clears that pair's failures. */
  recordSuccess(address: string, login: string): Promise<void>;
}

export function pairKey(address: string, login: string): string {
  return `login-failures:${address}:${login.trim().toLowerCase()}`;
}

export function addressKey(address: string): string {
  return `login-failures:${address}`;
}

/** Pure decision: allowed while both counts are below their limits. */
export function decideThrottle(
  { pairFailures, addressFailures, pairTtlMs, addressTtlMs }: { pairFailures: number; addressFailures: number; pairTtlMs: number | null; addressTtlMs: number | null },
  { maxFailures, maxFailuresPerAddress, windowMs }: { maxFailures: number; maxFailuresPerAddress: number; windowMs: number },
): ThrottleDecision {
  const waits: number[] = [];
  if (pairFailures >= maxFailures) waits.push(pairTtlMs ?? windowMs);
  if (addressFailures >= maxFailuresPerAddress) waits.push(addressTtlMs ?? windowMs);
  if (waits.length === 0) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };
}

export function createLoginThrottle({ store, maxFailures, windowMs, maxFailuresPerAddress = maxFailures * 5 }: LoginThrottleOptions): LoginThrottle {
  const limits = { maxFailures, maxFailuresPerAddress, windowMs };
  return {
    async check(address, login) {
      const [pair, perAddress, pairTtlMs, addressTtlMs] = await Promise.all([
        store.get(pairKey(address, login)),
        store.get(addressKey(address)),
        store.ttl(pairKey(address, login)),
        store.ttl(addressKey(address)),
      ]);
      return decideThrottle(
        { pairFailures: Number(pair ?? 0), addressFailures: Number(perAddress ?? 0), pairTtlMs, addressTtlMs },
        limits,
      );
    },
    async recordFailure(address, login) {
      await Promise.all([
        store.increment(pairKey(address, login), { ttlMs: windowMs }),
        store.increment(addressKey(address), { ttlMs: windowMs }),
      ]);
    },
    async recordSuccess(address, login) {
      await store.delete(pairKey(address, login));
    },
  };
}
