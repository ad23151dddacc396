import { render, type RenderOptions } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { User } from '../../auth.js';
import type { Language } from '../../roles.js';
import { AppProviders } from '../app-providers.js';
import { createI18n } from '../i18n.js';
import { createQueryClient } from '../query-client.js';
import { sessionKeys } from '../session.js';

/** A console piece with fresh react-query and i18next, optionally already signed in. */
export function renderWithProviders(
  ui: ReactElement,
  { language = 'en', user, ...options }: { language?: Language; user?: User | null } & Omit<RenderOptions, 'wrapper'> = {},
) {
  const queryClient = createQueryClient();
  const i18n = createI18n(language);
  if (user !== undefined) queryClient.setQueryData(sessionKeys.me, user);
  const result = render(
    <AppProviders queryClient={queryClient} i18n={i18n}>
      {ui}
    </AppProviders>,
    options,
  );
  return { ...result, queryClient, i18n };
}

/** A user as the server returns it, for tests. */
export function buildUser(overrides: Partial<User> = {}): User {
  return {
    id: '65f000000000000000000001',
    login: 'agent1',
    displayName: 'Anna Petrova',
    role: 'agent',
    extension: '1001',
    queues: ['support', 'sales'],
    language: 'en',
    disabled: false,
    ...overrides,
  };
}

interface FakeRoute {
  method?: string;
  path: string;
  status?: number;
  /** The answer, or a function of the request body that returns it. */
  body?: unknown;
}

/**
 * Answers the console's `fetch` calls like the server would, by method and path; records each
 * request (method, path, parsed body) so a test can check what reached the server.
 */
export function fakeServer(routes: FakeRoute[]) {
  const requests: Array<{ method: string; path: string; body: unknown }> = [];
  const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    requests.push({ method, path: url.pathname + url.search, body });
    const route = routes.find((r) => (r.method ?? 'GET') === method && r.path === url.pathname);
    if (!route) {
      return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: `No route ${method} ${url.pathname}` } }), {
        status: 404,
        headers: { 'Content-Type': 'application/json' },
      });
    }
    const status = route.status ?? 200;
    const answer = typeof route.body === 'function' ? (route.body as (request: unknown) => unknown)(body) : route.body;
    return new Response(status === 204 ? null : JSON.stringify(answer ?? {}), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { fetch: fetchImpl, requests };
}
