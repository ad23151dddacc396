import { useFormat } from './i18n.js';
import { useNow } from './use-now.js';

/**
 * Time since `since` as a clock reading (0:07, 4:05), ticking every second. It reads the clock
 * itself so that only this text re-renders on each tick, not the panel or table around it.
 */
export function ElapsedTime({ since }: { since: string | Date }) {
  const format = useFormat();
  const now = useNow(1000);
  return <>{format.duration((now.getTime() - new Date(since).getTime()) / 1000)}</>;
}
