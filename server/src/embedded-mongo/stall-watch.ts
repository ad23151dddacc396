import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { Logger } from 'pino';

/** A pause of the event loop this long holds every client up: worth a line in the log. */
const STALL_MS = 200;
const CHECK_EVERY_MS = 50;

/**
 * Logs when the store's event loop was blocked (every client waited), with the garbage
 * collector's reported pauses in it (its incremental marking steps are not reported, so this is a
 * floor), so a pause can be told from a slow command (logged on its own). Returns the stop function.
 */
export function watchStalls(logger: Logger): () => void {
  const collections: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push(entry);
    // Only the last few seconds matter.
    if (collections.length > 200) collections.splice(0, collections.length - 200);
  });
  observer.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const blockedMs = now - last - CHECK_EVERY_MS;
    last = now;
    if (blockedMs < STALL_MS) return;
    const since = now - blockedMs - CHECK_EVERY_MS;
    // The collections of the pause reach the observer a little later: count them then.
    setTimeout(() => {
      const gcPausesMs = collections.filter((entry) => entry.startTime >= since && entry.startTime <= now).reduce((total, entry) => total + entry.duration, 0);
      logger.warn({ blockedMs: Math.round(blockedMs), gcPausesMs: Math.round(gcPausesMs) }, 'event loop blocked: every client waited');
    }, 20).unref();
  }, CHECK_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    observer.disconnect();
  };
}
