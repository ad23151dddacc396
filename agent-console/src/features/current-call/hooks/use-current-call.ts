import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { internalCallee, internalCallPeer, type CallRecord, type ClientLocalTime, type Contact, type ScreenPopContact } from '@crm/shared';
import { useOnReconnect, usePushedQuery, useSocket, useSocketEvent } from '@crm/shared/ui/index.js';
import { recentCallsKeys } from '../../recent-calls/api.js';

export interface CurrentCall {
  /** `calling`: the agent's own call to a colleague, whose phone rings (theirs does not). */
  phase: 'ringing' | 'calling' | 'answered';
  call: CallRecord;
  contact: ScreenPopContact | null;
  localTime: ClientLocalTime | null;
}

/** The number on the other end: the caller for inbound, the dialled client for outbound. */
export const clientNumber = ({ call, localTime }: CurrentCall): string | null =>
  localTime?.phone ?? (call.direction === 'inbound' ? call.callerNumber : call.calledNumber);

export const currentCallKeys = {
  current: ['current-call'] as const,
};

/**
 * The call on the agent's phone, kept in sync by the server's pushes: `call:ringing` opens the
 * pop, `call:answered` marks it answered (or clears it when another agent took the call),
 * `call:ended` clears it. On mount and after a reconnect the console asks for `call:current`, so a
 * reload mid-call brings the call back and a call that ended meanwhile goes away.
 */
export function useCurrentCall(extension: string | null): CurrentCall | null {
  const queryClient = useQueryClient();
  const socket = useSocket();
  const update = (change: (current: CurrentCall | null) => CurrentCall | null) =>
    queryClient.setQueryData<CurrentCall | null>(currentCallKeys.current, (current) => change(current ?? null));

  const askForCurrentCall = () => {
    socket.emit('call:current', (answer) => {
      if ('data' in answer && !answer.data.active) update(() => null);
    });
  };
  // Once per socket; emits made before the socket connects are sent on connect.
  useEffect(askForCurrentCall, [socket]);
  useOnReconnect(askForCurrentCall);

  // In a call between two agents the record names the caller as its agent: the called one is on it too.
  const isMine = (call: CallRecord) => call.agentExtension === extension || (extension !== null && internalCallPeer(call, extension) !== null);
  // The agent dialed a colleague's extension from their phone: it is the colleague's phone that rings.
  const isCallingColleague = (call: CallRecord) => call.agentExtension === extension && internalCallee(call) !== null;
  useSocketEvent('call:ringing', ({ call, contact, localTime }) => {
    // The card lookup can finish after the agent picked up: the call record says which it is.
    const isOnTheLine = call.answeredAt !== null && isMine(call);
    update(() => ({ phase: isOnTheLine ? 'answered' : isCallingColleague(call) ? 'calling' : 'ringing', call, contact, localTime }));
  });
  useSocketEvent('call:answered', ({ call }) => {
    const isAnsweredElsewhere = extension !== null && call.agentExtension !== null && !isMine(call);
    update((current) => {
      if (current && current.call.linkedid === call.linkedid) return isAnsweredElsewhere ? null : { ...current, phase: 'answered', call };
      return isAnsweredElsewhere ? current : { phase: 'answered', call, contact: null, localTime: null };
    });
  });
  // A click-to-dial call: once the agent picked up their leg (the client is being rung or talks), the
  // pop is no longer "ringing" for them.
  // An agent has one click-to-dial at a time, so the outbound call on their phone is that one.
  useSocketEvent('call:dial-progress', ({ stage }) => {
    if (stage !== 'ringing-client' && stage !== 'connected') return;
    update((current) =>
      current && current.phase === 'ringing' && current.call.direction === 'outbound' ? { ...current, phase: 'answered' } : current,
    );
  });
  useSocketEvent('call:ended', ({ call }) => {
    update((current) => (current && current.call.linkedid !== call.linkedid ? current : null));
    void queryClient.invalidateQueries({ queryKey: recentCallsKeys.all });
  });
  return usePushedQuery<CurrentCall | null>(currentCallKeys.current, null);
}

/** Puts a card just saved (or edited) for the caller into the pop. */
export function useUpdatePopContact(): (contact: Contact) => void {
  const queryClient = useQueryClient();
  return (contact) =>
    queryClient.setQueryData<CurrentCall | null>(currentCallKeys.current, (current) => {
      if (!current) return current ?? null;
      const isCaller = current.contact?.id === contact.id || (current.contact === null && isSameNumber(current, contact));
      if (!isCaller) return current;
      return {
        ...current,
        contact: { ...contact, openDeal: current.contact?.openDeal ?? null, lastInteractions: current.contact?.lastInteractions ?? [] },
        localTime: current.localTime ? { ...current.localTime, timeZone: contact.timeZone } : current.localTime,
      };
    });
}

const isSameNumber = (current: CurrentCall, contact: Contact) => {
  const number = clientNumber(current);
  return number !== null && contact.phones.includes(number);
};
