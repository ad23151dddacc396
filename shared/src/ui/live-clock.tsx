import { useTranslation } from 'react-i18next';
import { useFormat } from './i18n.js';
import { useNow } from './use-now.js';

/** The user's own time and date in their locale, for the header. */
export function LiveClock() {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow(1000);
  return (
    <div className="clock" aria-label={t('clock.label')} role="group">
      <time className="clock__time" dateTime={now.toISOString()}>
        {format.time(now)}
      </time>
      <span className="clock__date">{format.longDate(now)}</span>
    </div>
  );
}
