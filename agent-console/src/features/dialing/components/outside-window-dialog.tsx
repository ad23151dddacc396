import { useTranslation } from 'react-i18next';
import { formatPhone, type CallingWindow } from '@crm/shared';
import { Dialog } from '@crm/shared/ui/index.js';
import { ClientLocalTime } from '../../local-time/components/client-local-time.js';
import { dialLabel, type DialTarget } from '../hooks/dial-context.js';

/** Asked before a call the client may not want at this hour; the server logs a confirmed one. */
export function OutsideWindowDialog({
  target,
  window,
  onCancel,
  onConfirm,
}: {
  target: DialTarget;
  window: CallingWindow;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useTranslation();
  const who = dialLabel(target);
  return (
    <Dialog
      title={t('agent.dial.confirmTitle')}
      tone="warning"
      onClose={onCancel}
      actions={
        <>
          <button type="button" className="button" onClick={onCancel} data-autofocus>
            {t('common.cancel')}
          </button>
          <button type="button" className="button button--danger" onClick={onConfirm}>
            {t('agent.dial.confirmCall')}
          </button>
        </>
      }
    >
      <p>{t('agent.dial.confirmText', { who, number: formatPhone(target.number), start: window.start, end: window.end })}</p>
      {target.timeZone && <ClientLocalTime timeZone={target.timeZone} window={window} size="compact" />}
      <p className="muted">{t('agent.dial.confirmLogged')}</p>
    </Dialog>
  );
}
