import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { isValidTimeZone, localTimeFacts, type CallingWindow, type ContactTimeZone } from '@crm/shared';
import { useFormat, useNow } from '@crm/shared/ui/index.js';

/** The agent's own zone: the browser's. */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** "Asia/Yekaterinburg" → "Yekaterinburg", "America/New_York" → "New York"; a fixed offset ("Etc/GMT-5") → "UTC+5". */
export const zoneCity = (zone: string): string => {
  if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'Etc/GMT') return 'UTC';
  // POSIX signs are inverted: Etc/GMT-5 is five hours ahead of UTC.
  const fixed = /^Etc\/GMT([+-])(\d{1,2})$/.exec(zone);
  if (fixed) return `UTC${fixed[1] === '-' ? '+' : '−'}${fixed[2]}`;
  return (zone.split('/').pop() ?? zone).replaceAll('_', ' ');
};

function useOffsetLabel(): (minutes: number) => string {
  const { t } = useTranslation();
  return (minutes) => {
    if (minutes === 0) return t('agent.localTime.sameAsYou');
    const sign = minutes > 0 ? '+' : '−';
    const abs = Math.abs(minutes);
    const hours = Math.floor(abs / 60);
    const rest = abs % 60;
    if (hours === 0) return t('agent.localTime.offsetMinutes', { sign, minutes: rest });
    if (rest === 0) return t('agent.localTime.offsetHours', { sign, hours });
    return t('agent.localTime.offsetHoursMinutes', { sign, hours, minutes: rest });
  };
}

export interface ClientLocalTimeProps {
  timeZone: ContactTimeZone;
  window: CallingWindow;
  /** `large` in the screen-pop (the biggest thing on it), `compact` on a card. */
  size?: 'large' | 'compact';
  /** The agent's zone; the browser's unless given. */
  agentZone?: string;
}

/**
 * The client's clock, ticking in their zone, the offset to the agent and whether we may call now.
 * An ambiguous zone is said to be ambiguous and its candidates listed, never guessed.
 */
export function ClientLocalTime({ timeZone, window, size = 'large', agentZone: givenAgentZone }: ClientLocalTimeProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow(1000);
  // Asking Intl for the browser's zone builds a formatter: do it once, not on every tick.
  const browserZone = useMemo(browserTimeZone, []);
  const agentZone = givenAgentZone ?? browserZone;
  const offsetLabel = useOffsetLabel();
  const zone = timeZone.zone && isValidTimeZone(timeZone.zone) ? timeZone.zone : null;
  const className = `local-time local-time--${size}`;

  if (!zone) {
    const candidates = timeZone.candidates.filter(isValidTimeZone);
    return (
      <section className={`${className} local-time--unknown`} aria-label={t('agent.localTime.label')} data-window="unknown">
        <p className="local-time__label">{t('agent.localTime.label')}</p>
        {candidates.length > 1 ? (
          <>
            <p className="local-time__verdict badge badge--warning">{t('agent.localTime.ambiguous')}</p>
            <ul className="local-time__candidates">
              {candidates.map((candidate) => {
                const facts = localTimeFacts({ zone: candidate, agentZone, now, window });
                return (
                  <li key={candidate}>
                    <span className="local-time__candidate-time tabular">{format.time(now, candidate)}</span>{' '}
                    <span>{zoneCity(candidate)}</span>{' '}
                    <span className="muted">({offsetLabel(facts.offsetToAgentMinutes)})</span>
                  </li>
                );
              })}
            </ul>
            <p className="local-time__hint muted">{t('agent.localTime.ambiguousHint')}</p>
          </>
        ) : (
          <p className="local-time__verdict badge">{t('agent.localTime.unknown')}</p>
        )}
      </section>
    );
  }

  const facts = localTimeFacts({ zone, agentZone, now, window });
  const isSameDay = format.date(now, zone) === format.date(now, agentZone);
  const nextAllowed = facts.nextAllowedAt;
  const isNextAllowedToday = nextAllowed !== null && format.date(nextAllowed, zone) === format.date(now, zone);
  return (
    <section
      className={`${className} ${facts.isInsideCallingWindow ? 'local-time--inside' : 'local-time--outside'}`}
      aria-label={t('agent.localTime.label')}
      data-window={facts.isInsideCallingWindow ? 'inside' : 'outside'}
      data-zone={zone}
    >
      <p className="local-time__label">{t('agent.localTime.label')}</p>
      <p className="local-time__clock tabular">
        <time dateTime={facts.localTime}>{format.time(now, zone)}</time>
      </p>
      <p className="local-time__zone">
        <span>{zoneCity(zone)}</span>
        <span className="local-time__offset">{t('agent.localTime.toYou', { offset: offsetLabel(facts.offsetToAgentMinutes) })}</span>
      </p>
      {!isSameDay && <p className="local-time__date muted">{format.longDate(now, zone)}</p>}
      {facts.isInsideCallingWindow ? (
        <p className="local-time__verdict badge badge--success">
          {t('agent.localTime.inside', { start: window.start, end: window.end })}
        </p>
      ) : (
        <>
          <p className="local-time__verdict badge badge--danger">
            {t('agent.localTime.outside', { start: window.start, end: window.end })}
          </p>
          {nextAllowed && (
            <p className="local-time__next">
              {t(isNextAllowedToday ? 'agent.localTime.nextToday' : 'agent.localTime.nextTomorrow', {
                time: format.time(nextAllowed, zone),
                agentTime: format.time(nextAllowed, agentZone),
              })}
            </p>
          )}
        </>
      )}
      {size === 'large' && timeZone.source !== 'none' && (
        <p className="local-time__source muted">
          {timeZone.source === 'manual'
            ? t('agent.localTime.sourceManual')
            : timeZone.source === 'address'
              ? t('agent.localTime.sourceAddress')
              : t('agent.localTime.sourceNumber')}
        </p>
      )}
    </section>
  );
}
