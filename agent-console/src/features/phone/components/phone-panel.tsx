import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ack, PhoneAction, User } from '@crm/shared';
import { useHotkey, useSocket } from '@crm/shared/ui/index.js';
import type { CurrentCall } from '../../current-call/hooks/use-current-call.js';
import { DialStatus } from '../../dialing/components/dial-status.js';
import { useDial } from '../../dialing/hooks/dial-context.js';
import { useSessionReady } from '../hooks/use-session-ready.js';

const SHORTCUTS: Record<PhoneAction, string> = { answer: 'A', reject: 'R', hangup: 'H' };
const ACK_TIMEOUT_MS = 10_000;

class PhoneControlError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Answer / hang up / reject on the agent's simulated phone; explained away on a real PBX. */
function Softphone({ current }: { current: CurrentCall | null }) {
  const { t } = useTranslation();
  const socket = useSocket();
  // Hanging up also ends a click-to-dial still under way, or a call to a colleague still ringing.
  const { isBusy: isDialing } = useDial();
  const control = useMutation({
    mutationFn: (action: PhoneAction) =>
      new Promise<void>((resolve, reject) => {
        socket.timeout(ACK_TIMEOUT_MS).emit('phone:control', { action }, (timedOut: Error | null, answer: Ack<{ ok: true }>) => {
          if (timedOut) reject(new PhoneControlError('NO_RESPONSE', t('agent.phone.noResponse')));
          else if ('error' in answer) reject(new PhoneControlError(answer.error.code, answer.error.message));
          else resolve();
        });
      }),
  });
  const isRinging = current?.phase === 'ringing';
  const canHangUp = current?.phase === 'answered' || current?.phase === 'calling' || isDialing;
  const run = (action: PhoneAction, isEnabled: boolean) => {
    if (isEnabled && !control.isPending) control.mutate(action);
  };
  useHotkey('a', () => run('answer', isRinging));
  useHotkey('r', () => run('reject', isRinging));
  useHotkey('h', () => run('hangup', canHangUp));
  const error = control.error;
  const errorText = !error
    ? null
    : error instanceof PhoneControlError && error.code === 'PHONE_CONTROL_UNAVAILABLE'
      ? t('agent.phone.controlUnavailable')
      : error instanceof PhoneControlError && error.code === 'NO_RESPONSE'
        ? error.message
        : t('agent.phone.controlFailed', { message: error.message });

  const button = (action: PhoneAction, isEnabled: boolean, className: string) => (
    <button
      type="button"
      className={`button softphone__button ${className}`}
      disabled={!isEnabled || control.isPending}
      onClick={() => run(action, isEnabled)}
      aria-keyshortcuts={SHORTCUTS[action]}
    >
      {t(`agent.phone.${action}`)}
      <kbd className="kbd" aria-hidden="true">
        {SHORTCUTS[action]}
      </kbd>
    </button>
  );
  return (
    <div className="softphone">
      <div className="softphone__buttons" role="group" aria-label={t('agent.phone.controls')}>
        {button('answer', isRinging, 'button--primary')}
        {button('reject', isRinging, '')}
        {button('hangup', canHangUp, 'button--danger')}
      </div>
      {/* The error's line is reserved (styles.css), so nothing below the phone panel moves when one appears. */}
      <div className="softphone__error-slot">
        {errorText && (
          <p className="field__error softphone__error" role="alert" title={errorText}>
            {errorText}
          </p>
        )}
      </div>
    </div>
  );
}

/** A number typed by hand, dialed like one on a card. */
function ManualDial() {
  const { t } = useTranslation();
  const { dial, isBusy } = useDial();
  const [number, setNumber] = useState('');
  const id = useId();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!number.trim() || isBusy) return;
    dial({ number: number.trim(), contactId: null, name: null, timeZone: null });
  };
  return (
    <form className="manual-dial" onSubmit={onSubmit}>
      <label htmlFor={id} className="visually-hidden">
        {t('agent.dial.manualLabel')}
      </label>
      <input
        id={id}
        className="input"
        type="tel"
        inputMode="tel"
        autoComplete="off"
        placeholder={t('agent.dial.manualPlaceholder')}
        value={number}
        onChange={(event) => setNumber(event.target.value)}
      />
      <button type="submit" className="button" disabled={isBusy || !number.trim()}>
        {t('agent.dial.call')}
      </button>
    </form>
  );
}

/** The agent's phone line: extension, what it is doing, softphone controls and click-to-dial progress. */
export function PhonePanel({ user, current }: { user: User; current: CurrentCall | null }) {
  const { t } = useTranslation();
  const headingId = useId();
  const session = useSessionReady();
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
      <div className="panel__body phone-panel__body">
        {user.extension ? (
          <>
            <p className="phone-panel__extension">{t('agent.phone.extension', { extension: user.extension })}</p>
            {session?.phoneControl === true && <Softphone current={current} />}
            {session?.phoneControl === false && <p className="muted phone-panel__real">{t('agent.phone.realPhone')}</p>}
            <ManualDial />
            <DialStatus />
          </>
        ) : (
          <p className="notice notice--warning">{t('agent.phone.noExtension')}</p>
        )}
      </div>
    </section>
  );
}
