import { useQueryClient } from '@tanstack/react-query';
import type { AgentStatus } from '@crm/shared';
import { usePushedQuery, useSocketEvent } from '@crm/shared/ui/index.js';

export const liveBoardKeys = {
  agents: ['live-board', 'agents'] as const,
};

type AgentBoard = Record<string, AgentStatus>;

/** Every agent's latest pushed state, by extension, sorted for display. */
export function useAgentBoard(): AgentStatus[] {
  const queryClient = useQueryClient();
  useSocketEvent('agent:status', (status) => {
    queryClient.setQueryData<AgentBoard>(liveBoardKeys.agents, (board = {}) => ({ ...board, [status.extension]: status }));
  });
  const board = usePushedQuery<AgentBoard>(liveBoardKeys.agents, {});
  return Object.values(board).sort((a, b) => a.extension.localeCompare(b.extension, undefined, { numeric: true }));
}
