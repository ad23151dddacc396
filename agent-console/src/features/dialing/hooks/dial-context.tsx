import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import {
  formatPhone,
  isInsideCallingWindow,
  isValidTimeZone,
  OUTSIDE_CALLING_WINDOW,
  type ContactTimeZone,
  type DialOutcome,
  type DialStage,
} from '@crm/shared';
import { useOnReconnect, useSocket, useSocketEvent } from '@crm/shared/ui/index.js';
import { contactKeys } from '../../contacts/api.js';
import { recentCallsKeys } from '../../recent-calls/api.js';
import { useCompanySettings } from '../../settings/api.js';
import { OutsideWindowDialog } from '../components/outside-window-dialog.js';

/** What a dial button knows about the client it calls. */
export interface DialTarget {
  number: string;
  contactId: string | null;
  name: string | null;
  timeZone: ContactTimeZone | null;
}

export interface DialAttempt {
  target: DialTarget;
  /** Null until the server accepted the request. */
  dialId: string | null;
  stage: 'requesting' | DialStage;
  outcome: DialOutcome | null;
  /** A refusal from the server, in its words (already stated by code where we know it). */
  error: { code: string; message: string } | null;
}

interface DialContextValue {
  attempt: DialAttempt | null;
  /** True while an attempt is under way (a second one would fight for the agent's phone). */
  isBusy: boolean;
  dial(target: DialTarget): void;
}

const DialContext = createContext<DialContextValue | null>(null);

/** How long the server may take to accept a dial before the console says it did not answer. */
const ACK_TIMEOUT_MS = 15_000;
/** Error code of a dial the server never acknowledged (connection lost meanwhile). */
export const NO_RESPONSE = 'NO_RESPONSE';

const isFinished = (attempt: DialAttempt | null) => !attempt || attempt.stage === 'finished' || attempt.error !== null;

/**
 * Click-to-dial for the whole console: one attempt at a time, a confirmation first when the client
 * is outside their calling window (or the server says so), progress from `call:dial-progress`.
 */
export function DialProvider({ children }: { children: ReactNode }) {
  const socket = useSocket();
  const { callingWindow } = useCompanySettings();
  const [attempt, setAttempt] = useState<DialAttempt | null>(null);
  const [confirming, setConfirming] = useState<DialTarget | null>(null);

  const send = useCallback(
    (target: DialTarget, confirmOutsideWindow: boolean) => {
      setAttempt({ target, dialId: null, stage: 'requesting', outcome: null, error: null });
      const request = { number: target.number, contactId: target.contactId, confirmOutsideWindow };
      socket.timeout(ACK_TIMEOUT_MS).emit('call:dial', request, (timedOut, answer) => {
        if (timedOut) {
          setAttempt((current) => (current?.target === target ? { ...current, error: { code: NO_RESPONSE, message: '' } } : current));
          return;
        }
        if ('error' in answer) {
          if (answer.error.code === OUTSIDE_CALLING_WINDOW && !confirmOutsideWindow) {
            setAttempt(null);
            setConfirming(target);
            return;
          }
          setAttempt((current) => (current?.target === target ? { ...current, error: answer.error } : current));
          return;
        }
        setAttempt((current) =>
          current?.target === target
            ? {
                ...current,
                dialId: answer.data.dialId,
                stage: current.stage === 'requesting' ? 'ringing-agent' : current.stage,
                target: { ...target, number: answer.data.number },
              }
            : current,
        );
      });
    },
    [socket],
  );

  const queryClient = useQueryClient();
  useSocketEvent('call:dial-progress', (progress) => {
    if (progress.stage === 'finished') {
      // The call is now on record: today's calls and the client's timeline show it.
      void queryClient.invalidateQueries({ queryKey: recentCallsKeys.all });
      if (progress.contactId) void queryClient.invalidateQueries({ queryKey: contactKeys.timeline(progress.contactId) });
    }
    setAttempt((current) => {
      if (!current || (current.dialId !== null && current.dialId !== progress.dialId)) return current;
      return { ...current, dialId: progress.dialId, stage: progress.stage, outcome: progress.outcome ?? current.outcome };
    });
  });

  // After a drop the progress of an unfinished attempt may be lost: the pop (call:current) tells the
  // truth about the call, so the console stops waiting and lets the agent dial again.
  useOnReconnect(() => setAttempt((current) => (isFinished(current) ? current : null)));

  const dial = useCallback(
    (target: DialTarget) => {
      const zone = target.timeZone?.zone;
      const isOutside =
        zone && isValidTimeZone(zone) ? !isInsideCallingWindow({ at: new Date(), zone, window: callingWindow }) : false;
      if (isOutside) setConfirming(target);
      else send(target, false);
    },
    [callingWindow, send],
  );

  const value = useMemo<DialContextValue>(() => ({ attempt, isBusy: !isFinished(attempt), dial }), [attempt, dial]);

  return (
    <DialContext.Provider value={value}>
      {children}
      {confirming && (
        <OutsideWindowDialog
          target={confirming}
          window={callingWindow}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            send(confirming, true);
          }}
        />
      )}
    </DialContext.Provider>
  );
}

export function useDial(): DialContextValue {
  const value = useContext(DialContext);
  if (!value) throw new Error('useDial must be used inside <DialProvider>');
  return value;
}

export const dialLabel = (target: DialTarget) => target.name ?? formatPhone(target.number);
