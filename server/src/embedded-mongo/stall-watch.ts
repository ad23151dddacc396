import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { Logger } from 'pino';

/** A pause of the event loop this long holds every client up: worth a line in the log. */
const STALL_MS = 200;
const CHECK_EVERY_MS = 50;

/**
 * Logs when the store's event loop was blocked (every client waited), with how much of it the
 * garbage collector took, so a pause can be told from a slow command (logged on its own) or a
 * busy machine. Returns the stop function.
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
    const gcMs = collections.filter((entry) => entry.startTime >= since).reduce((total, entry) => total + entry.duration, 0);
    logger.warn({ blockedMs: Math.round(blockedMs), gcMs: Math.round(gcMs) }, 'event loop blocked: every client waited');
  }, CHECK_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    observer.disconnect();
  };
}
