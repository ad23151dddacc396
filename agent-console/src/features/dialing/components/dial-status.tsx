import { useTranslation } from 'react-i18next';
import type { DialOutcome } from '@crm/shared';
import { dialLabel, NO_RESPONSE, useDial, type DialAttempt } from '../hooks/dial-context.js';

const TONE: Record<DialOutcome, string> = {
  answered: 'notice--success',
  'client-busy': 'notice--warning',
  'client-no-answer': 'notice--warning',
  'client-unavailable': 'notice--warning',
  'agent-no-answer': 'notice--warning',
  failed: 'notice--error',
};

function useAttemptWords(): (attempt: DialAttempt) => { text: string; tone: string } {
  const { t } = useTranslation();
  return (attempt) => {
    const who = dialLabel(attempt.target);
    if (attempt.error?.code === NO_RESPONSE) return { text: t('agent.dial.noResponse', { who }), tone: 'notice--error' };
    if (attempt.error) return { text: t('agent.dial.refused', { who, message: attempt.error.message }), tone: 'notice--error' };
    switch (attempt.stage) {
      case 'requesting':
        return { text: t('agent.dial.requesting', { who }), tone: '' };
      case 'ringing-agent':
        return { text: t('agent.dial.ringingAgent', { who }), tone: '' };
      case 'ringing-client':
        return { text: t('agent.dial.ringingClient', { who }), tone: '' };
      case 'connected':
        return { text: t('agent.dial.connected', { who }), tone: 'notice--success' };
      case 'finished': {
        const outcome = attempt.outcome ?? 'failed';
        return { text: t(`agent.dial.outcome.${outcome}`, { who }), tone: TONE[outcome] };
      }
    }
  };
}

/**
 * How the agent's click-to-dial is going, in words. The live region stays in the page while no
 * dial is under way: screen readers announce changes to a region they already know, not one that
 * appears together with its first message. The region keeps one line reserved (styles.css), so
 * nothing below the phone panel moves when a status appears or clears.
 */
export function DialStatus() {
  const { attempt } = useDial();
  const words = useAttemptWords();
  const status = attempt ? words(attempt) : null;
  return (
    <div className="dial-status-region" role="status">
      {attempt && status && (
        <p
          className={`notice dial-status ${status.tone}`.trim()}
          data-stage={attempt.stage}
          data-outcome={attempt.outcome ?? ''}
          title={status.text}
        >
          {status.text}
        </p>
      )}
    </div>
  );
}
