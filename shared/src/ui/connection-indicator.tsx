import { useTranslation } from 'react-i18next';
import { useConnectionState } from './socket.js';

/** Always-visible dot + word for the live connection: online, reconnecting, offline. */
export function ConnectionIndicator() {
  const { t } = useTranslation();
  const { state } = useConnectionState();
  const hint =
    state === 'online'
      ? t('connection.onlineHint')
      : state === 'offline'
        ? t('connection.offlineHint')
        : state === 'reconnecting'
          ? t('connection.reconnectingHint')
          : undefined;
  return (
    <div className={`connection connection--${state}`} role="status" aria-live="polite" data-state={state} title={hint}>
      <span className="connection__dot" aria-hidden="true" />
      <span className="visually-hidden">{t('connection.label')}: </span>
      <span className="connection__label">{t(`connection.${state}`)}</span>
    </div>
  );
}
