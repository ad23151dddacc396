import { useQuery } from '@tanstack/react-query';
import type { LoginRequest, LoginResponse, User } from '../auth.js';
import type { Language, Role } from '../roles.js';
import { api, isApiError } from './api-client.js';

/** Query keys for the signed-in user; both consoles read `me` from one cache entry. */
export const sessionKeys = {
  me: ['session', 'me'] as const,
};

/** The signed-in user, or null when there is no session (401). */
export async function fetchMe(): Promise<User | null> {
  try {
    const { user } = await api.get<{ user: User }>('/api/auth/me');
    return user;
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: sessionKeys.me, queryFn: fetchMe, staleTime: Infinity });
}

export const login = (request: LoginRequest) => api.post<LoginResponse>('/api/auth/login', request);
export const logout = () => api.post<void>('/api/auth/logout');
export const saveMyLanguage = (language: Language) => api.patch<{ user: User }>('/api/auth/me', { language });

/** Where each role lands after login (the URL scheme both consoles share). */
export const LOGIN_PATH = '/login';
export const AGENT_HOME = '/';
export const SUPERVISOR_HOME = '/supervisor/';
export const ADMIN_HOME = '/supervisor/admin';

export function homeFor(role: Role): string {
  switch (role) {
    case 'agent':
      return AGENT_HOME;
    case 'admin':
      return ADMIN_HOME;
    case 'supervisor':
    case 'manager':
      return SUPERVISOR_HOME;
  }
}

const DASHBOARD_ROLES: readonly Role[] = ['supervisor', 'manager', 'admin'];

/** Whether a role may open a page of the product (by absolute path). */
export function canOpen(role: Role, path: string): boolean {
  if (path === LOGIN_PATH) return true;
  if (path === '/supervisor' || path.startsWith('/supervisor/')) {
    const inAdmin = /^\/supervisor\/admin(\/|$)/.test(path);
    return inAdmin ? role === 'admin' : DASHBOARD_ROLES.includes(role);
  }
  // The agent console is also the contacts workspace: supervisors, managers and admins open it
  // from the dashboard to work on cards (import and merge live there); they land on the dashboard.
  return true;
}

/**
 * The `next` parameter of the login page, accepted only as a same-site absolute path, so a
 * crafted link cannot send a user elsewhere after login.
 */
export function safeNextPath(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  return next;
}

/** Where to go right after login: `next` when the role may open it, else the role's home. */
export function destinationAfterLogin(role: Role, next: string | null): string {
  const safe = safeNextPath(next);
  if (safe && safe !== LOGIN_PATH && canOpen(role, new URL(safe, 'http://x').pathname)) return safe;
  return homeFor(role);
}

export function loginUrl(nextPath: string): string {
  return `${LOGIN_PATH}?next=${encodeURIComponent(nextPath)}`;
}
