import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionIndicator, SocketProvider } from '@crm/shared/ui/index.js';
import { renderWithProviders } from '@crm/shared/ui/testing/render.js';
import { startTestSocketServer, type TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';

const indicator = () => screen.getByRole('status');

describe('connection indicator', () => {
  let server: TestSocketServer;

  beforeEach(async () => {
    server = await startTestSocketServer();
  });

  afterEach(async () => {
    cleanup();
    await server.stop();
  });

  it('goes online, shows reconnecting while the server is away, and comes back online', async () => {
    renderWithProviders(
      <SocketProvider socket={server.clientSocket()}>
        <ConnectionIndicator />
      </SocketProvider>,
    );

    await waitFor(() => expect(indicator().textContent).toContain('Online'));

    await server.goAway();
    await waitFor(() => expect(indicator().textContent).toContain('Reconnecting…'));

    await server.comeBack();
    await waitFor(() => expect(indicator().textContent).toContain('Online'));
  });

  it('reconnects by itself after the server closes the socket on purpose (a restart), re-checking the session', async () => {
    const onRefused = vi.fn();
    renderWithProviders(
      <SocketProvider socket={server.clientSocket()} onRefused={onRefused}>
        <ConnectionIndicator />
      </SocketProvider>,
    );
    await waitFor(() => expect(indicator().textContent).toContain('Online'));

    server.kickAll();

    await waitFor(() => expect(indicator().textContent).toContain('Reconnecting…'));
    expect(onRefused).toHaveBeenCalledOnce();
    await waitFor(() => expect(indicator().textContent).toContain('Online'));
  });

  it('shows offline and reports the refusal when the server will not accept the session', async () => {
    server.refuseConnections('Not signed in');
    const onRefused = vi.fn();
    renderWithProviders(
      <SocketProvider socket={server.clientSocket()} onRefused={onRefused}>
        <ConnectionIndicator />
      </SocketProvider>,
      { language: 'ru' },
    );

    await waitFor(() => expect(indicator().textContent).toContain('Нет связи'));
    expect(onRefused).toHaveBeenCalledOnce();
  });

  it('shows offline when the browser loses the network', async () => {
    renderWithProviders(
      <SocketProvider socket={server.clientSocket()}>
        <ConnectionIndicator />
      </SocketProvider>,
    );
    await waitFor(() => expect(indicator().textContent).toContain('Online'));

    window.dispatchEvent(new Event('offline'));

    await waitFor(() => expect(indicator().textContent).toContain('Offline'));
  });
});
