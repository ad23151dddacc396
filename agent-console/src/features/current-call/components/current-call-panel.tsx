import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPhone } from '@crm/shared';
import { EmptyState, useFormat, useNow } from '@crm/shared/ui/index.js';
import type { CurrentCall } from '../hooks/use-current-call.js';

/** The number on the other end: the caller for inbound, the dialled client for outbound. */
const clientNumber = ({ call }: CurrentCall) => (call.direction === 'inbound' ? call.callerNumber : call.calledNumber);

function TalkTimer({ since }: { since: string }) {
  const format = useFormat();
  const now = useNow(1000);
  return <span className="tabular">{format.duration((now.getTime() - new Date(since).getTime()) / 1000)}</span>;
}

function CallSummary({ current }: { current: CurrentCall }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { call, contact, phase } = current;
  const number = clientNumber(current);
  return (
    <div className="call-summary" data-phase={phase}>
      <div className="call-summary__who">
        <p className="call-summary__name">{contact ? contact.name : t('agent.call.unknownCaller')}</p>
        {contact?.company && <p className="call-summary__company">{contact.company}</p>}
        <p className="call-summary__number tabular">{number ? formatPhone(number) : t('agent.call.withheldNumber')}</p>
      </div>
      <dl className="facts">
        <div>
          <dt>{t('agent.call.queue')}</dt>
          <dd>
            {call.queue ?? t('agent.call.direct')} · {t(`callDirection.${call.direction}`)}
          </dd>
        </div>
        <div>
          <dt>{t('agent.call.started')}</dt>
          <dd className="tabular">{format.time(call.ringingAt ?? call.startedAt)}</dd>
        </div>
        {call.waitSeconds !== null && (
          <div>
            <dt>{t('agent.call.waited')}</dt>
            <dd className="tabular">{format.duration(call.waitSeconds)}</dd>
          </div>
        )}
        {phase === 'answered' && call.answeredAt && (
          <div>
            <dt>{t('agent.call.talk')}</dt>
            <dd>
              <TalkTimer since={call.answeredAt} />
            </dd>
          </div>
        )}
      </dl>
    </div>
  );
}

/**
 * The screen-pop area. Its size never depends on whether a call is up, so a pop arriving does
 * not move anything else on the screen.
 */
export function CurrentCallPanel({ current }: { current: CurrentCall | null }) {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <section className="panel call-panel" aria-labelledby={headingId} aria-live="polite">
      <header className="panel__header">
        <h2 className="panel__title" id={headingId}>
          {t('agent.call.heading')}
        </h2>
        {current && (
          <span className={`badge ${current.phase === 'ringing' ? 'badge--info call-panel__ringing' : 'badge--success'}`}>
            {current.phase === 'ringing' ? t('agent.call.ringing') : t('agent.call.onCall')}
          </span>
        )}
      </header>
      <div className="panel__body">
        {current ? (
          <CallSummary current={current} />
        ) : (
          <EmptyState icon="☎" title={t('agent.call.empty')} hint={t('agent.call.emptyHint')} />
        )}
      </div>
    </section>
  );
}
