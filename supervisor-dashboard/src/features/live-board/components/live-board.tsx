import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { AGENT_STATE_TONE, ElapsedTime, EmptyState, MAIN_CONTENT_ID, useDocumentTitle, useFormat } from '@crm/shared/ui/index.js';
import { SystemStatusPanel } from '../../system-status/components/system-status-panel.js';
import { useAgentBoard } from '../hooks/use-agent-board.js';

function AgentsPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const agents = useAgentBoard();
  const headingId = useId();
  return (
    <section className="panel agents-panel" aria-labelledby={headingId}>
      <header className="panel__header">
        <h2 className="panel__title" id={headingId}>
          {t('dashboard.live.agents')}
        </h2>
      </header>
      <div className="panel__body panel__body--flush">
        {agents.length === 0 ? (
          <EmptyState title={t('dashboard.live.agentsEmpty')} />
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.live.extension')}</th>
                <th scope="col">{t('dashboard.live.state')}</th>
                <th scope="col" className="num">
                  {t('dashboard.live.since')}
                </th>
                <th scope="col">{t('dashboard.live.queues')}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((agent) => (
                <tr key={agent.extension}>
                  <td className="tabular">{agent.extension}</td>
                  <td>
                    <span className={`badge ${AGENT_STATE_TONE[agent.state]}`}>
                      {t(`agentState.${agent.state}`)}
                      {agent.state === 'paused' && agent.pauseReason ? ` · ${agent.pauseReason}` : ''}
                    </span>
                  </td>
                  <td className="num" title={format.dateTime(agent.since)}>
                    <ElapsedTime since={agent.since} />
                  </td>
                  <td>{format.list(agent.queues)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

/**
 * The live board. Queue figures come with the server's `metrics:update` push, which does not
 * exist yet: the board says it is waiting rather than showing made-up numbers.
 */
export function LiveBoard() {
  const { t } = useTranslation();
  const headingId = useId();
  useDocumentTitle(t('dashboard.live.heading'), t('app.name'));
  return (
    <main className="page" id={MAIN_CONTENT_ID} tabIndex={-1} aria-labelledby={headingId}>
      <h1 className="page__title" id={headingId}>
        {t('dashboard.live.heading')}
      </h1>
      <div className="live-grid">
        <section className="panel live-grid__metrics" aria-label={t('dashboard.live.waiting')}>
          <EmptyState icon="◔" title={t('dashboard.live.waiting')} hint={t('dashboard.live.waitingHint')} />
        </section>
        <SystemStatusPanel />
        <AgentsPanel />
      </div>
    </main>
  );
}
