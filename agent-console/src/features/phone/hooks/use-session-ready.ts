import { useQueryClient } from '@tanstack/react-query';
import type { SessionReadyPayload } from '@crm/shared';
import { usePushedQuery, useSocketEvent } from '@crm/shared/ui/index.js';

export const sessionReadyKeys = {
  ready: ['session-ready'] as const,
};

/** What the server said about this session when the socket connected (null until it has). */
export function useSessionReady(): SessionReadyPayload | null {
  const queryClient = useQueryClient();
  useSocketEvent('session:ready', (payload) => {
    queryClient.setQueryData(sessionReadyKeys.ready, payload);
  });
  return usePushedQuery<SessionReadyPayload | null>(sessionReadyKeys.ready, null);
}
