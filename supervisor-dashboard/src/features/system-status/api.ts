import type { HealthResponse } from '@crm/shared';
import { api } from '@crm/shared/ui/index.js';

export const systemStatusKeys = {
  health: ['system', 'health'] as const,
};

export const fetchHealth = (signal?: AbortSignal) => api.get<HealthResponse>('/healthz', { signal });
