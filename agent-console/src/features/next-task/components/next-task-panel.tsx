import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '@crm/shared/ui/index.js';

/**
 * Where the server's `task:next` push will show the one task the agent should do now. Until the
 * tasks service pushes one, it says so instead of inventing work.
 */
export function NextTaskPanel() {
  const { t } = useTranslation();
  const headingId = useId();
  return (
    <section className="panel next-task-panel" aria-labelledby={headingId}>
      <header className="panel__header">
        <h2 className="panel__title" id={headingId}>
          {t('agent.nextTask.heading')}
        </h2>
      </header>
      <div className="panel__body">
        <EmptyState title={t('agent.nextTask.empty')} hint={t('agent.nextTask.emptyHint')} />
      </div>
    </section>
  );
}
