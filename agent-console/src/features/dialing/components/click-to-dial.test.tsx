import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Contact, DialProgressPayload, DialRequest } from '@crm/shared';
import { buildUser } from '@crm/shared/ui/testing/render.js';
import { startTestSocketServer, type TestServerSocket, type TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';
import { buildContact } from '../../../testing/builders.js';
import { NO_CALLS_TODAY, openCardFromSearch, renderAgentConsole } from '../../../testing/console.js';

/** A fixed-offset zone where it is now about `hour` o'clock, whenever the test runs. */
function zoneWhereItIs(hour: number): string {
  let offset = hour - new Date().getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

const phonePanel = () => screen.getByRole('region', { name: 'Phone' });

describe('click-to-dial', () => {
  let server: TestSocketServer;
  let connection: Promise<TestServerSocket>;
  const user = buildUser();
  const dials: DialRequest[] = [];

  const openCard = (contact: Contact) => {
    renderAgentConsole({
      server,
      user,
      routes: [
        NO_CALLS_TODAY,
        { path: '/api/contacts', body: { items: [contact], total: 1, isTotalCapped: false, page: 1, pageSize: 10 } },
        { path: `/api/contacts/${contact.id}`, body: { contact } },
      ],
    });
    return openCardFromSearch(contact.name, contact.name);
  };

  /** The server accepts every dial and plays the given progress back. */
  const answerDials = (socket: TestServerSocket, progress: Array<Pick<DialProgressPayload, 'stage' | 'outcome'>>) => {
    socket.on('call:dial', (request, ack) => {
      dials.push(request);
      if (request.confirmOutsideWindow !== true && request.contactId === null) {
        ack({ error: { code: 'OUTSIDE_CALLING_WINDOW', message: 'It is 03:10 for the client' } });
        return;
      }
      // The server answers with the number in E.164.
      const number = request.number.startsWith('+') ? request.number : '+73432001122';
      ack({ data: { dialId: `dial-${dials.length}`, number } });
      for (const step of progress) {
        socket.emit('call:dial-progress', { dialId: `dial-${dials.length}`, number, contactId: request.contactId ?? null, callId: null, ...step });
      }
    });
  };

  beforeEach(async () => {
    dials.length = 0;
    server = await startTestSocketServer();
    connection = server.nextConnection();
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await server.stop();
  });

  it('dials the main number with one key inside the calling window and tells how it went in words', async () => {
    const contact = buildContact({ phones: ['+73432001122', '+79161234567'], timeZone: { zone: zoneWhereItIs(13), source: 'manual', candidates: [] } });
    const card = await openCard(contact);
    answerDials(await connection, [
      { stage: 'ringing-agent', outcome: null },
      { stage: 'ringing-client', outcome: null },
      { stage: 'finished', outcome: 'client-busy' },
    ]);
    // Every phone has its own button; D dials the main one.
    expect(within(card).getByRole('button', { name: 'Call +7 916 123 45 67' })).toBeTruthy();

    fireEvent.keyDown(document.body, { key: 'd' });

    expect(await within(phonePanel()).findByText('Ivan Petrov: client busy')).toBeTruthy();
    expect(dials).toEqual([{ number: '+73432001122', contactId: contact.id, confirmOutsideWindow: false }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('dials with the D key while a Russian keyboard layout is on (the key types "в"), and not with a letter typed in a field', async () => {
    const contact = buildContact({ timeZone: { zone: zoneWhereItIs(13), source: 'manual', candidates: [] } });
    await openCard(contact);
    answerDials(await connection, [{ stage: 'finished', outcome: 'client-busy' }]);

    fireEvent.keyDown(screen.getByRole('searchbox', { name: 'Search contacts' }), { key: 'в', code: 'KeyD' });
    expect(dials).toEqual([]);

    fireEvent.keyDown(document.body, { key: 'в', code: 'KeyD' });
    expect(await within(phonePanel()).findByText('Ivan Petrov: client busy')).toBeTruthy();
    expect(dials).toEqual([{ number: contact.phones[0], contactId: contact.id, confirmOutsideWindow: false }]);
  });

  it('asks for confirmation first when the client’s calling window is closed, and dials only once confirmed', async () => {
    const contact = buildContact({ timeZone: { zone: zoneWhereItIs(3), source: 'manual', candidates: [] } });
    const card = await openCard(contact);
    answerDials(await connection, [
      { stage: 'ringing-agent', outcome: null },
      { stage: 'finished', outcome: 'agent-no-answer' },
    ]);

    fireEvent.click(within(card).getByRole('button', { name: 'Call +7 343 200 11 22' }));

    const dialog = await screen.findByRole('dialog', { name: 'Outside the client’s calling hours' });
    expect(dialog.textContent).toContain('It is outside calling hours (09:00–21:00) for Ivan Petrov (+7 343 200 11 22). Call anyway?');
    expect(dialog.textContent).toMatch(/Calls allowed from 09:00( AM)? today/);
    expect(dials).toEqual([]);

    // Cancel is where the keyboard lands; Escape also cancels.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(dials).toEqual([]);

    fireEvent.click(within(card).getByRole('button', { name: 'Call +7 343 200 11 22' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Call anyway' }));

    expect(await within(phonePanel()).findByText('You did not answer your phone; Ivan Petrov was not called')).toBeTruthy();
    expect(dials).toEqual([{ number: '+73432001122', contactId: contact.id, confirmOutsideWindow: true }]);
  });

  it('asks for confirmation when the server says the client’s window is closed (zone unknown to the console)', async () => {
    renderAgentConsole({ server, user, routes: [NO_CALLS_TODAY] });
    answerDials(await connection, [{ stage: 'connected', outcome: 'answered' }]);

    fireEvent.change(within(phonePanel()).getByLabelText('Number to call'), { target: { value: '8 343 200-11-22' } });
    fireEvent.click(within(phonePanel()).getByRole('button', { name: 'Call' }));

    const dialog = await screen.findByRole('dialog', { name: 'Outside the client’s calling hours' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Call anyway' }));

    await waitFor(() => expect(within(phonePanel()).getByText('Connected to +7 343 200 11 22')).toBeTruthy());
    expect(dials.map((request) => request.confirmOutsideWindow)).toEqual([false, true]);
  });

  it('lets the agent dial again when a dropped connection lost the progress of a call', async () => {
    const contact = buildContact({ timeZone: { zone: zoneWhereItIs(13), source: 'manual', candidates: [] } });
    const card = await openCard(contact);
    answerDials(await connection, [{ stage: 'ringing-agent', outcome: null }]);
    const call = () => within(card).getByRole('button', { name: 'Call +7 343 200 11 22' });

    fireEvent.click(call());
    expect(await within(phonePanel()).findByText('Your phone is ringing: pick up to call Ivan Petrov')).toBeTruthy();
    expect(call().hasAttribute('disabled')).toBe(true);

    await server.goAway();
    await server.comeBack();

    await waitFor(() => expect(call().hasAttribute('disabled')).toBe(false));
  });
});
