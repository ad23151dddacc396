import { useQueryClient } from '@tanstack/react-query';
import type { CallRecord, ClientLocalTime, ScreenPopContact } from '@crm/shared';
import { usePushedQuery, useSocketEvent } from '@crm/shared/ui/index.js';
import { recentCallsKeys } from '../../recent-calls/api.js';

export interface CurrentCall {
  phase: 'ringing' | 'answered';
  call: CallRecord;
  contact: ScreenPopContact | null;
  localTime: ClientLocalTime | null;
}

export const currentCallKeys = {
  current: ['current-call'] as const,
};

/**
 * The call on the agent's phone, kept in sync by the server's pushes: `call:ringing` opens the
 * pop, `call:answered` marks it answered, `call:ended` (or a ring that stopped) clears it.
 */
export function useCurrentCall(): CurrentCall | null {
  const queryClient = useQueryClient();
  const update = (change: (current: CurrentCall | null) => CurrentCall | null) =>
    queryClient.setQueryData<CurrentCall | null>(currentCallKeys.current, (current) => change(current ?? null));

  useSocketEvent('call:ringing', ({ call, contact, localTime }) => {
    update(() => ({ phase: 'ringing', call, contact, localTime }));
  });
  useSocketEvent('call:answered', ({ call }) => {
    update((current) =>
      current && current.call.linkedid === call.linkedid
        ? { ...current, phase: 'answered', call }
        : { phase: 'answered', call, contact: null, localTime: null },
    );
  });
  useSocketEvent('call:ended', ({ call }) => {
    update((current) => (current && current.call.linkedid !== call.linkedid ? current : null));
    void queryClient.invalidateQueries({ queryKey: recentCallsKeys.all });
  });
  return usePushedQuery<CurrentCall | null>(currentCallKeys.current, null);
}
