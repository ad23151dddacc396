import type { CreateUserRequest, UpdateUserRequest, User } from '@crm/shared';
import { api } from '@crm/shared/ui/index.js';

export const userKeys = {
  all: ['users'] as const,
  list: () => [...userKeys.all, 'list'] as const,
};

export const listUsers = (signal?: AbortSignal) => api.get<{ items: User[] }>('/api/users', { signal });
export const createUser = (request: CreateUserRequest) => api.post<{ user: User }>('/api/users', request);
export const updateUser = (id: string, request: UpdateUserRequest) => api.patch<{ user: User }>(`/api/users/${encodeURIComponent(id)}`, request);
