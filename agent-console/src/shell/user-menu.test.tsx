import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppHeader, SocketProvider } from '@crm/shared/ui/index.js';
import { buildUser, fakeServer, renderWithProviders } from '@crm/shared/ui/testing/render.js';
import { startTestSocketServer, type TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';

describe('account menu', () => {
  let server: TestSocketServer;
  const user = buildUser({ language: 'ru', displayName: 'Anna Petrova' });

  beforeEach(async () => {
    server = await startTestSocketServer();
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await server.stop();
  });

  const renderHeader = () =>
    renderWithProviders(
      <SocketProvider socket={server.clientSocket()}>
        <AppHeader title="Agent console" user={user} />
      </SocketProvider>,
      { language: 'ru', user },
    );

  it('switches the whole UI to English at once and saves the choice to the profile', async () => {
    const api = fakeServer([
      { method: 'PATCH', path: '/api/auth/me', body: (request: { language: 'en' }) => ({ user: { ...user, ...request } }) },
    ]);
    vi.stubGlobal('fetch', api.fetch);
    const { queryClient } = renderHeader();

    fireEvent.click(screen.getByRole('button', { name: 'Учётная запись: Anna Petrova' }));
    expect(screen.getByRole('button', { name: 'Выйти' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Язык'), { target: { value: 'en' } });

    expect(await screen.findByRole('button', { name: 'Log out' })).toBeTruthy();
    expect(screen.getByLabelText('Language')).toBeTruthy();
    expect(screen.getByText('Agent')).toBeTruthy();
    await waitFor(() => expect(api.requests).toContainEqual({ method: 'PATCH', path: '/api/auth/me', body: { language: 'en' } }));
    await waitFor(() => expect(queryClient.getQueryData<{ language: string }>(['session', 'me'])?.language).toBe('en'));
  });

  it('goes back to the saved language and says why when the server does not save it', async () => {
    vi.stubGlobal(
      'fetch',
      fakeServer([{ method: 'PATCH', path: '/api/auth/me', status: 500, body: { error: { code: 'INTERNAL', message: 'Store unavailable' } } }]).fetch,
    );
    renderHeader();

    fireEvent.click(screen.getByRole('button', { name: 'Учётная запись: Anna Petrova' }));
    fireEvent.change(screen.getByLabelText('Язык'), { target: { value: 'en' } });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Не удалось сохранить язык');
    expect(alert.textContent).toContain('Store unavailable');
    expect(screen.getByRole('button', { name: 'Выйти' })).toBeTruthy();
  });

  it('closes with Escape and gives focus back to the account button', async () => {
    renderHeader();
    const button = screen.getByRole('button', { name: 'Учётная запись: Anna Petrova' });
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');

    fireEvent.keyDown(document, { key: 'Escape' });

    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(button);
  });
});
