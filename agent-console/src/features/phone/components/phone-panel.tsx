import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '@crm/shared';
import type { CurrentCall } from '../../current-call/hooks/use-current-call.js';

/** The agent's phone line: which extension the calls ring and what it is doing now. */
export function PhonePanel({ user, current }: { user: User; current: CurrentCall | null }) {
  const { t } = useTranslation();
  const headingId = useId();
  const lineState = !current ? 'idle' : current.phase === 'ringing' ? 'ringing' : 'on-call';
  return (
    <section className="panel phone-panel" aria-labelledby={headingId}>
      <header className="panel__header">
        <h2 className="panel__title" id={headingId}>
          {t('agent.phone.heading')}
        </h2>
        {user.extension && (
          <span className={`phone-line phone-line--${lineState}`} data-state={lineState}>
            <span className="phone-line__dot" aria-hidden="true" />
            {lineState === 'idle' ? t('agent.phone.idle') : lineState === 'ringing' ? t('agent.phone.ringing') : t('agent.phone.onCall')}
          </span>
        )}
      </header>
      <div className="panel__body">
        {user.extension ? (
          <p className="phone-panel__extension">{t('agent.phone.extension', { extension: user.extension })}</p>
        ) : (
          <p className="notice notice--warning">{t('agent.phone.noExtension')}</p>
        )}
      </div>
    </section>
  );
}
