/**
 * Live, fast-changing state shared by every server instance: agent and queue snapshots, rate
 * limit counters, and the lease that decides which instance holds the AMI connection. In memory
 * for a single instance; in Redis when REDIS_URL is set (DESIGN §3). Values are strings; callers
 * JSON-encode what they store.
 */
export interface LiveStateStore {
  readonly mode: 'memory' | 'redis';

  get(key: string): Promise<string | null>;
  /** Sets a value; with `ttlMs` it disappears after that long. */
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  /** Sets only when the key does not exist yet; true when this call set it. */
  setIfAbsent(key: string, value: string, options?: { ttlMs?: number }): Promise<boolean>;
  delete(key: string): Promise<void>;

  /**
   * Adds `by` (default 1) to a counter and returns the new value. The TTL starts with the first
   * increment (a fixed window), so `incr('login:ip:user', { ttlMs: 15 min })` counts 15 minutes.
   */
  increment(key: string, options: { ttlMs: number; by?: number }): Promise<number>;
  /** Milliseconds until the key expires; null when it does not exist or never expires. */
  ttl(key: string): Promise<number | null>;

  /** Hashes hold snapshots such as `agents` (field: extension, value: JSON). */
  hashSet(key: string, field: string, value: string): Promise<void>;
  hashGet(key: string, field: string): Promise<string | null>;
  hashGetAll(key: string): Promise<Record<string, string>>;
  hashDelete(key: string, field: string): Promise<void>;

  /**
   * Takes the named lease for `ttlMs` when nobody holds it (or it expired). Returns the lease or
   * null when another holder has it. The holder must renew before the TTL runs out.
   */
  acquireLease(name: string, ttlMs: number): Promise<Lease | null>;
  /** Extends a lease this holder still owns; false when it was lost (expired and taken). */
  renewLease(lease: Lease, ttlMs?: number): Promise<boolean>;
  /** Gives a lease up if this holder still owns it. */
  releaseLease(lease: Lease): Promise<void>;

  /** Whether the backing store answers right now (for /healthz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface Lease {
  name: string;
  /** Unique per acquisition, so a holder never renews or releases someone else's lease. */
  holder: string;
  ttlMs: number;
}
