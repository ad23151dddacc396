import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthResponse } from '@crm/shared';
import { ErrorNotice, useFormat, useOnReconnect } from '@crm/shared/ui/index.js';
import { fetchHealth, systemStatusKeys } from '../api.js';

const DEPENDENCIES = ['mongo', 'redis', 'ami'] as const;

/** Database, live state and telephony as `/healthz` reports them; checked on open, on reconnect and on demand. */
export function SystemStatusPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const headingId = useId();
  const health = useQuery({ queryKey: systemStatusKeys.health, queryFn: ({ signal }) => fetchHealth(signal) });
  useOnReconnect(() => void health.refetch());

  return (
    <section className="panel" aria-labelledby={headingId}>
      <header className="panel__header">
        <h2 className="panel__title" id={headingId}>
          {t('dashboard.system.heading')}
        </h2>
        <button type="button" className="button button--small" onClick={() => void health.refetch()} disabled={health.isFetching}>
          {t('common.refresh')}
        </button>
      </header>
      <div className="panel__body">
        {health.isPending ? (
          <p className="muted">{t('common.loading')}</p>
        ) : health.isError ? (
          <ErrorNotice error={health.error} />
        ) : (
          <HealthList health={health.data} checkedAt={health.dataUpdatedAt} time={format.timeWithSeconds} />
        )}
      </div>
    </section>
  );
}

function HealthList({ health, checkedAt, time }: { health: HealthResponse; checkedAt: number; time: (value: number) => string }) {
  const { t } = useTranslation();
  return (
    <>
      <p className={`notice ${health.status === 'ok' ? 'notice--success' : 'notice--warning'}`}>
        {health.status === 'ok' ? t('dashboard.system.ok') : t('dashboard.system.degraded')}
      </p>
      <ul className="health-list">
        {DEPENDENCIES.map((name) => {
          const dependency = health[name];
          return (
            <li key={name} className="health-list__item">
              <span className={`health-dot ${dependency.up ? 'health-dot--up' : 'health-dot--down'}`} aria-hidden="true" />
              <span className="health-list__name">{t(`dashboard.system.${name}`)}</span>
              <span className="muted">{t(`dashboard.system.mode.${dependency.mode}`)}</span>
              <span className={`badge ${dependency.up ? 'badge--success' : 'badge--danger'}`}>
                {dependency.up ? t('dashboard.system.up') : t('dashboard.system.down')}
              </span>
              {!dependency.up && dependency.detail && <span className="health-list__detail muted">{dependency.detail}</span>}
            </li>
          );
        })}
      </ul>
      <p className="muted health-list__checked">{t('dashboard.system.checkedAt', { time: time(checkedAt) })}</p>
    </>
  );
}
