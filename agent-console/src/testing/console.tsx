import { fireEvent, screen, within } from '@testing-library/react';
import { vi } from 'vitest';
import type { User } from '@crm/shared';
import { fakeServer, renderWithProviders } from '@crm/shared/ui/testing/render.js';
import type { TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';
import { AgentConsole } from '../features/console/components/agent-console.js';

type FakeRoutes = Parameters<typeof fakeServer>[0];

/** Today's calls panel asks for this on every console; an empty day unless a test says otherwise. */
export const NO_CALLS_TODAY = { path: '/api/calls', body: { items: [], total: 0, page: 1, pageSize: 100 } } as const;

/**
 * The whole agent console signed in as `user`, its socket on the test server and its `fetch`
 * answered by `routes` (the first route that matches wins). Returns the fake server, whose
 * `requests` say what reached it.
 */
export function renderAgentConsole({ server, user, routes }: { server: TestSocketServer; user: User; routes: FakeRoutes }) {
  const api = fakeServer(routes);
  vi.stubGlobal('fetch', api.fetch);
  renderWithProviders(<AgentConsole user={user} socket={server.clientSocket()} />, { user });
  return api;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Searches as the agent would, opens the result for the contact called `name` and waits for its card. Returns the card panel. */
export async function openCardFromSearch(query: string, name: string): Promise<HTMLElement> {
  const search = screen.getByRole('searchbox', { name: 'Search contacts' });
  fireEvent.change(search, { target: { value: query } });
  fireEvent.submit(search.closest('form')!);
  // A result's accessible name starts with the contact's name (company, phone and city follow).
  fireEvent.click(await screen.findByRole('button', { name: new RegExp(`^${escapeRegExp(name)}`) }));
  const card = screen.getByRole('region', { name: 'Contact card' });
  await within(card).findByRole('heading', { name: new RegExp(escapeRegExp(name)) });
  return card;
}
