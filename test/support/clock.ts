import type { Clock } from '../../server/src/platform/clock.js';

/**
 * A clock that runs at real speed from a fixed moment, for tests whose rules depend on the time of
 * day (calling windows) but whose calls still need time to pass (ring and talk durations).
 */
export function clockRunningFrom(start: Date | string): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
