import { useQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPhone } from '@crm/shared';
import { EmptyState, ErrorNotice, MAIN_CONTENT_ID, useDocumentTitle, useFormat } from '@crm/shared/ui/index.js';
import { fetchCalls, reportKeys, type CallsPeriod } from '../api.js';

const localDay = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

const phone = (value: string | null) => (value ? formatPhone(value) : '—');

/** Calls in a period with their results; the dedicated missed-call and retry reports build on this page. */
export function ReportsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const headingId = useId();
  const today = localDay(new Date());
  const [draft, setDraft] = useState<CallsPeriod>({ from: today, to: today });
  const [period, setPeriod] = useState<CallsPeriod>(draft);
  const calls = useQuery({ queryKey: reportKeys.calls(period), queryFn: ({ signal }) => fetchCalls(period, signal) });

  useDocumentTitle(t('dashboard.reports.heading'), t('app.name'));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setPeriod(draft);
  };

  return (
    <main className="page" id={MAIN_CONTENT_ID} tabIndex={-1} aria-labelledby={headingId}>
      <h1 className="page__title" id={headingId}>
        {t('dashboard.reports.heading')}
      </h1>
      <section className="panel page__fill" aria-label={t('dashboard.reports.calls')}>
        <header className="panel__header">
          <h2 className="panel__title">{t('dashboard.reports.calls')}</h2>
          <form className="filters" onSubmit={onSubmit}>
            <div className="field field--inline">
              <label htmlFor={`${headingId}-from`}>{t('dashboard.reports.from')}</label>
              <input
                id={`${headingId}-from`}
                type="date"
                value={draft.from}
                max={draft.to}
                onChange={(event) => setDraft((current) => ({ ...current, from: event.target.value }))}
              />
            </div>
            <div className="field field--inline">
              <label htmlFor={`${headingId}-to`}>{t('dashboard.reports.to')}</label>
              <input
                id={`${headingId}-to`}
                type="date"
                value={draft.to}
                min={draft.from}
                onChange={(event) => setDraft((current) => ({ ...current, to: event.target.value }))}
              />
            </div>
            <button type="submit" className="button">
              {t('dashboard.reports.show')}
            </button>
          </form>
        </header>
        <div className="panel__body panel__body--flush">
          {calls.isPending ? (
            <p className="muted panel__pad">{t('common.loading')}</p>
          ) : calls.isError ? (
            <ErrorNotice error={calls.error} className="panel__pad" />
          ) : calls.data.items.length === 0 ? (
            <EmptyState title={t('dashboard.reports.empty')} />
          ) : (
            <>
              <p className="muted panel__pad">{t('dashboard.reports.total', { count: calls.data.total })}</p>
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('dashboard.reports.time')}</th>
                    <th scope="col">{t('dashboard.reports.direction')}</th>
                    <th scope="col">{t('dashboard.reports.caller')}</th>
                    <th scope="col">{t('dashboard.reports.called')}</th>
                    <th scope="col">{t('dashboard.reports.queue')}</th>
                    <th scope="col">{t('dashboard.reports.agent')}</th>
                    <th scope="col">{t('dashboard.reports.result')}</th>
                    <th scope="col" className="num">
                      {t('dashboard.reports.wait')}
                    </th>
                    <th scope="col" className="num">
                      {t('dashboard.reports.talk')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {calls.data.items.map((call) => (
                    <tr key={call.id}>
                      <td className="tabular">{format.dateTime(call.startedAt)}</td>
                      <td>{t(`callDirection.${call.direction}`)}</td>
                      <td className="tabular">{phone(call.callerNumber)}</td>
                      <td className="tabular">{phone(call.calledNumber)}</td>
                      <td>{call.queue ?? '—'}</td>
                      <td className="tabular">{call.agentExtension ?? '—'}</td>
                      <td>{call.result ? t(`callResult.${call.result}`) : t('agent.recentCalls.inProgress')}</td>
                      <td className="num">{call.waitSeconds === null ? '' : format.duration(call.waitSeconds)}</td>
                      <td className="num">{call.talkSeconds === null ? '' : format.duration(call.talkSeconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      </section>
    </main>
  );
}
