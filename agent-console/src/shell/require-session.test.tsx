import { useQuery } from '@tanstack/react-query';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, RequireSession } from '@crm/shared/ui/index.js';
import { goTo } from '@crm/shared/ui/navigation.js';
import { buildUser, fakeServer, renderWithProviders } from '@crm/shared/ui/testing/render.js';

// The browser's address bar is the boundary: record where the app sends the user.
vi.mock('@crm/shared/ui/navigation.js', () => ({
  goTo: vi.fn(),
  currentPath: () => `${window.location.pathname}${window.location.search}`,
}));

function Contacts() {
  const contacts = useQuery({ queryKey: ['contacts'], queryFn: () => api.get('/api/contacts') });
  return <p>{contacts.isError ? 'failed' : 'contacts page'}</p>;
}

describe('session guard', () => {
  beforeEach(() => {
    vi.mocked(goTo).mockClear();
    window.history.replaceState(null, '', '/?tab=search');
  });

  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('sends a visitor without a session to the login page with the way back', async () => {
    vi.stubGlobal('fetch', fakeServer([{ path: '/api/auth/me', status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'no session' } } }]).fetch);
    renderWithProviders(<RequireSession>{() => <p>console</p>}</RequireSession>);

    await waitFor(() => expect(goTo).toHaveBeenCalledWith('/login?next=%2F%3Ftab%3Dsearch', { replace: true }));
    expect(screen.queryByText('console')).toBeNull();
  });

  it('sends a supervisor who opens the admin section to the dashboard', async () => {
    window.history.replaceState(null, '', '/supervisor/admin');
    const supervisor = buildUser({ role: 'supervisor' });
    vi.stubGlobal('fetch', fakeServer([{ path: '/api/auth/me', body: { user: supervisor } }]).fetch);
    renderWithProviders(<RequireSession>{() => <p>admin</p>}</RequireSession>);

    await waitFor(() => expect(goTo).toHaveBeenCalledWith('/supervisor/', { replace: true }));
    expect(screen.queryByText('admin')).toBeNull();
  });

  it('lets a supervisor open the agent console to work on contacts', async () => {
    const supervisor = buildUser({ role: 'supervisor' });
    vi.stubGlobal('fetch', fakeServer([{ path: '/api/auth/me', body: { user: supervisor } }]).fetch);
    renderWithProviders(<RequireSession>{() => <p>console</p>}</RequireSession>);

    await screen.findByText('console');
    expect(goTo).not.toHaveBeenCalled();
  });

  it('notices a session that ended mid-work (any 401) and goes to the login page', async () => {
    vi.stubGlobal(
      'fetch',
      fakeServer([
        { path: '/api/auth/me', body: { user: buildUser() } },
        { path: '/api/contacts', body: { items: [] } },
      ]).fetch,
    );
    const { queryClient } = renderWithProviders(<RequireSession>{() => <Contacts />}</RequireSession>);
    await screen.findByText('contacts page');
    // The session expires on the server: every request now answers 401.
    vi.stubGlobal(
      'fetch',
      fakeServer([
        { path: '/api/auth/me', status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'session expired' } } },
        { path: '/api/contacts', status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'session expired' } } },
      ]).fetch,
    );
    await queryClient.refetchQueries({ queryKey: ['contacts'] });

    await waitFor(() => expect(goTo).toHaveBeenCalledWith('/login?next=%2F%3Ftab%3Dsearch', { replace: true }));
  });
});
