import { useSyncExternalStore } from 'react';

/**
 * One clock per interval for the whole page: every `useNow(1000)` reads the same `Date` and changes
 * at the same moment, when the wall clock's second (or minute, for 60 000) turns. So the header
 * clock and the client's clock never show different minutes for a moment, and a table of timers
 * costs one timer, not one per row. The clock runs only while something reads it.
 */
interface Ticker {
  now: Date;
  listeners: Set<() => void>;
  timer: ReturnType<typeof setTimeout> | null;
  subscribe: (listener: () => void) => () => void;
  read: () => Date;
}

const tickers = new Map<number, Ticker>();

function createTicker(intervalMs: number): Ticker {
  const ticker: Ticker = {
    now: new Date(),
    listeners: new Set(),
    timer: null,
    subscribe(listener) {
      ticker.listeners.add(listener);
      if (ticker.timer === null) {
        ticker.now = new Date();
        scheduleNextTick();
      }
      return () => {
        ticker.listeners.delete(listener);
        if (ticker.listeners.size > 0 || ticker.timer === null) return;
        clearTimeout(ticker.timer);
        ticker.timer = null;
      };
    },
    read() {
      // While nothing reads the clock it does not run: the first reader must not see an old time.
      const isIdleAndOutdated =
        ticker.timer === null && Math.floor(Date.now() / intervalMs) !== Math.floor(ticker.now.getTime() / intervalMs);
      if (isIdleAndOutdated) ticker.now = new Date();
      return ticker.now;
    },
  };
  // A chain of timeouts aimed at the next whole interval corrects itself when a timer fires late.
  const scheduleNextTick = () => {
    ticker.timer = setTimeout(() => {
      ticker.now = new Date();
      scheduleNextTick();
      for (const listener of ticker.listeners) listener();
    }, intervalMs - (Date.now() % intervalMs));
  };
  return ticker;
}

/** The current time, refreshed every `intervalMs` (clocks, time-in-state counters). */
export function useNow(intervalMs = 1000): Date {
  let ticker = tickers.get(intervalMs);
  if (!ticker) {
    ticker = createTicker(intervalMs);
    tickers.set(intervalMs, ticker);
  }
  return useSyncExternalStore(ticker.subscribe, ticker.read, ticker.read);
}
