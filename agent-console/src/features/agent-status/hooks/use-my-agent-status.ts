import { useQueryClient } from '@tanstack/react-query';
import type { AgentStatus } from '@crm/shared';
import { usePushedQuery, useSocketEvent } from '@crm/shared/ui/index.js';

export const agentStatusKeys = {
  mine: ['agent-status', 'mine'] as const,
};

/** The agent's own telephony state as the server last pushed it (null until the first push). */
export function useMyAgentStatus(extension: string | null): AgentStatus | null {
  const queryClient = useQueryClient();
  useSocketEvent('agent:status', (status) => {
    if (extension && status.extension === extension) queryClient.setQueryData(agentStatusKeys.mine, status);
  });
  return usePushedQuery<AgentStatus | null>(agentStatusKeys.mine, null);
}
