import { useTranslation } from 'react-i18next';
import { formatPhone } from '@crm/shared';
import { useDial, type DialTarget } from '../hooks/dial-context.js';

/** One click dials this number (the agent's phone rings first, then the client). */
export function DialButton({ target, shortcut }: { target: DialTarget; shortcut?: string }) {
  const { t } = useTranslation();
  const { dial, isBusy } = useDial();
  return (
    <button
      type="button"
      className="button button--small dial-button"
      onClick={() => dial(target)}
      disabled={isBusy}
      aria-label={t('agent.dial.callNumber', { number: formatPhone(target.number) })}
      aria-keyshortcuts={shortcut}
      title={shortcut ? t('agent.dial.shortcutHint', { key: shortcut }) : undefined}
    >
      <span aria-hidden="true">☎ </span>
      {t('agent.dial.call')}
      {shortcut && (
        <kbd className="kbd" aria-hidden="true">
          {shortcut}
        </kbd>
      )}
    </button>
  );
}
