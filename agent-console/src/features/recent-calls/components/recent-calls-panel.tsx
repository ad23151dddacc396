import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPhone, type CallRecord } from '@crm/shared';
import { EmptyState, ErrorNotice, useFormat, useNow, useOnReconnect } from '@crm/shared/ui/index.js';
import { fetchMyCalls, recentCallsKeys } from '../api.js';

const startOfDay = (now: Date) => {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.toISOString();
};

const otherParty = (call: CallRecord) => (call.direction === 'inbound' ? call.callerNumber : call.calledNumber);

/** The agent's own calls since midnight (their time); refreshed when a call ends or the socket returns. */
export function RecentCallsPanel({ extension }: { extension: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const headingId = useId();
  // Checked once a minute, so a console left open over midnight starts the new day's list; the
  // query key changes only then.
  const dayStart = startOfDay(useNow(60_000));
  const calls = useQuery({
    queryKey: recentCallsKeys.today(extension ?? '', dayStart),
    queryFn: ({ signal }) => fetchMyCalls(extension ?? '', dayStart, signal),
    enabled: extension !== null,
  });
  useOnReconnect(() => void calls.refetch());

  return (
    <section className="panel recent-calls-panel" aria-labelledby={headingId}>
      <header className="panel__header">
        <h2 className="panel__title" id={headingId}>
          {t('agent.recentCalls.heading')}
        </h2>
      </header>
      <div className="panel__body panel__body--flush">
        {extension === null ? (
          <EmptyState title={t('agent.recentCalls.empty')} />
        ) : calls.isPending ? (
          <p className="muted panel__pad">{t('common.loading')}</p>
        ) : calls.isError ? (
          <ErrorNotice error={calls.error} className="panel__pad" />
        ) : calls.data.items.length === 0 ? (
          <EmptyState title={t('agent.recentCalls.empty')} />
        ) : (
          <table className="table table--compact">
            <thead>
              <tr>
                <th scope="col">{t('agent.recentCalls.time')}</th>
                <th scope="col">{t('agent.recentCalls.number')}</th>
                <th scope="col">{t('agent.recentCalls.result')}</th>
                <th scope="col" className="num">
                  {t('agent.recentCalls.talk')}
                </th>
              </tr>
            </thead>
            <tbody>
              {calls.data.items.map((call) => {
                const number = otherParty(call);
                return (
                  <tr key={call.id}>
                    <td className="tabular">{format.time(call.startedAt)}</td>
                    <td className="tabular" title={t(`callDirection.${call.direction}`)}>
                      <span aria-hidden="true">{call.direction === 'inbound' ? '↙ ' : '↗ '}</span>
                      {number ? formatPhone(number) : t('agent.call.withheldNumber')}
                    </td>
                    <td>{call.result ? t(`callResult.${call.result}`) : t('agent.recentCalls.inProgress')}</td>
                    <td className="num">{call.talkSeconds === null ? '' : format.duration(call.talkSeconds)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
