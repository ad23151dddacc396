import { useTranslation } from 'react-i18next';
import type { User } from '@crm/shared';
import { AGENT_STATE_TONE, useFormat } from '@crm/shared/ui/index.js';
import { useMyAgentStatus } from '../hooks/use-my-agent-status.js';

/** Header slot of the agent console: my state, my extension, my queues. */
export function AgentStatusBar({ user }: { user: User }) {
  const { t } = useTranslation();
  const format = useFormat();
  const status = useMyAgentStatus(user.extension);
  const queues = status?.queues ?? user.queues;
  return (
    <div className="agent-status" role="group" aria-label={t('agent.status.label')}>
      {status ? (
        <span className={`badge ${AGENT_STATE_TONE[status.state]}`} data-state={status.state}>
          {status.state === 'paused' && status.pauseReason
            ? t('agent.status.pausedWithReason', { reason: status.pauseReason })
            : t(`agentState.${status.state}`)}
          <span className="agent-status__since">{t('agent.status.since', { time: format.time(status.since) })}</span>
        </span>
      ) : (
        <span className="badge">{t('agent.status.unknown')}</span>
      )}
      {user.extension && (
        <span className="agent-status__item">{t('userMenu.extension', { extension: user.extension })}</span>
      )}
      <span className="agent-status__item agent-status__queues">
        {queues.length ? t('agent.status.queues', { queues: format.list(queues) }) : t('agent.status.noQueues')}
      </span>
    </div>
  );
}
