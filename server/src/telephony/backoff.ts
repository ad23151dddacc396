/**
 * Reconnect delays: exponential with jitter, first retry well under a second, capped. Pure — the
 * random source is an input so tests can pin it.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 800, maxMs: 30_000 };

/** Delay before reconnect attempt `attempt` (0-based): a random point in [base/2, base]. */
export function reconnectDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 20));
  return Math.round(base / 2 + (base / 2) * random());
}
