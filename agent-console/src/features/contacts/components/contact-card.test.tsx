import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_COMPANY_SETTINGS, type Contact, type TimelineItem } from '@crm/shared';
import { buildUser, type fakeServer } from '@crm/shared/ui/testing/render.js';
import { startTestSocketServer, type TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';
import { buildCall, buildContact } from '../../../testing/builders.js';
import { NO_CALLS_TODAY, openCardFromSearch, renderAgentConsole } from '../../../testing/console.js';

const IVAN = buildContact({ customFields: { inn: '6658000000' } });
const settings = {
  ...DEFAULT_COMPANY_SETTINGS,
  customFields: [
    { key: 'inn', label: 'INN', type: 'text', choices: [], required: false },
    { key: 'employees', label: 'Employees', type: 'number', choices: [], required: false },
  ],
};

describe('contact cards', () => {
  let server: TestSocketServer;
  const user = buildUser();
  const baseRoutes = [
    NO_CALLS_TODAY,
    { path: '/api/settings', body: { settings } },
    { path: '/api/contacts', body: { items: [IVAN], total: 1, isTotalCapped: false, page: 1, pageSize: 10 } },
    { path: `/api/contacts/${IVAN.id}`, body: { contact: IVAN } },
  ];

  beforeEach(async () => {
    server = await startTestSocketServer();
  });

  afterEach(async () => {
    cleanup();
    vi.unstubAllGlobals();
    await server.stop();
  });

  const renderConsole = (routes: Parameters<typeof fakeServer>[0]) => renderAgentConsole({ server, user, routes: [...routes, ...baseRoutes] });
  const contactPanel = () => screen.getByRole('region', { name: /Contact card|New contact/ });

  const openIvan = () => openCardFromSearch('2001122', 'Ivan Petrov');
  /** Opens Ivan's card, edits the city and saves (Ctrl+Enter); returns the edit form. */
  const saveIvansCity = async (city: string) => {
    await openIvan();
    const panel = contactPanel();
    fireEvent.click(within(panel).getByRole('button', { name: /Edit/ }));
    const form = await within(panel).findByRole('form', { name: 'Edit Ivan Petrov' });
    fireEvent.change(within(form).getByLabelText('City'), { target: { value: city } });
    fireEvent.keyDown(within(form).getByLabelText('City'), { key: 'Enter', ctrlKey: true });
    return form;
  };

  it('refuses a duplicate phone, names the card that has it and opens that card in one click', async () => {
    const api = renderConsole([
      {
        method: 'POST',
        path: '/api/contacts',
        status: 409,
        body: {
          error: {
            code: 'DUPLICATE_PHONE',
            message: '+7 343 200 11 22 already belongs to the card "Ivan Petrov" (Ural Steel)',
            details: { phone: '+73432001122', existing: { id: IVAN.id, name: 'Ivan Petrov', company: 'Ural Steel' } },
          },
        },
      },
    ]);
    fireEvent.click(screen.getAllByRole('button', { name: 'New contact' })[0]!);
    const form = await screen.findByRole('form', { name: 'New contact' });
    expect(document.activeElement).toBe(within(form).getByLabelText('Name'));
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Ivan again' } });
    fireEvent.change(within(form).getByLabelText('Phone 1'), { target: { value: '8 343 200-11-22' } });
    fireEvent.keyDown(within(form).getByLabelText('Phone 1'), { key: 'Enter', ctrlKey: true });

    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('+7 343 200 11 22 already belongs to Ivan Petrov (Ural Steel).');
    expect(api.requests.find((request) => request.method === 'POST')?.body).toMatchObject({ name: 'Ivan again', phones: ['8 343 200-11-22'] });

    fireEvent.click(within(alert).getByRole('button', { name: 'Open Ivan Petrov' }));
    expect(await within(contactPanel()).findByRole('heading', { name: /Ivan Petrov/ })).toBeTruthy();
    expect(within(contactPanel()).getByText('Ural Steel')).toBeTruthy();
  });

  it('shows every field of a card, including the admin’s custom fields, and saves an edit with Ctrl+Enter', async () => {
    const api = renderConsole([
      {
        method: 'PATCH',
        path: `/api/contacts/${IVAN.id}`,
        // The server answers with the stored card: numbers in E.164, the zone as it resolved it.
        body: ({ customFields }: Partial<Contact>) => ({
          contact: { ...IVAN, customFields: { ...IVAN.customFields, ...customFields }, phones: ['+73432001122', '+79161234567'] },
        }),
      },
    ]);
    await openIvan();
    const panel = contactPanel();
    expect(await within(panel).findByText('INN')).toBeTruthy();
    expect(within(panel).getByText('6658000000')).toBeTruthy();
    expect(within(panel).getByText('Yekaterinburg (from the number)')).toBeTruthy();

    fireEvent.click(within(panel).getByRole('button', { name: /Edit/ }));
    const form = await within(panel).findByRole('form', { name: 'Edit Ivan Petrov' });
    fireEvent.click(within(form).getByRole('button', { name: 'Add a phone' }));
    fireEvent.change(within(form).getByLabelText('Phone 2'), { target: { value: '+7 916 123-45-67' } });
    fireEvent.change(within(form).getByLabelText('Employees'), { target: { value: '250' } });
    fireEvent.keyDown(within(form).getByLabelText('Employees'), { key: 'Enter', ctrlKey: true });

    expect(await within(panel).findByText('+7 916 123 45 67')).toBeTruthy();
    const patch = api.requests.find((request) => request.method === 'PATCH')?.body as Record<string, unknown>;
    // Only what the agent changed goes, with the version of the card they edited: a colleague's
    // change to another field is kept, and a change made since is refused instead of overwritten.
    expect(patch).toEqual({
      phones: ['+73432001122', '+7 916 123-45-67'],
      customFields: { employees: 250 },
      expectedUpdatedAt: IVAN.updatedAt,
    });
  });

  it('says when a colleague saved the card meanwhile, reloads it keeping what the agent typed, and saves against the new version', async () => {
    const changedByColleague = { ...IVAN, company: 'Ural Steel Holding', updatedAt: '2026-11-23T09:15:00.000Z' };
    let patches = 0;
    const api = renderConsole([
      {
        method: 'PATCH',
        path: `/api/contacts/${IVAN.id}`,
        status: 409,
        body: () => {
          patches += 1;
          return {
            error: {
              code: 'CONTACT_EDITED_ELSEWHERE',
              message: 'The card "Ivan Petrov" was changed by someone else',
              details: { contact: changedByColleague },
            },
          };
        },
      },
    ]);
    const form = await saveIvansCity('Perm');

    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('Someone else saved this card at');
    expect(alert.textContent).toContain('Your changes are not saved yet.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Reload the card, keep my changes' }));

    // The colleague's company is in, the agent's typing is still there.
    await waitFor(() => expect((within(form).getByLabelText('Company') as HTMLInputElement).value).toBe('Ural Steel Holding'));
    expect((within(form).getByLabelText('City') as HTMLInputElement).value).toBe('Perm');
    expect(within(form).getByRole('status').textContent).toContain('yours are still in the form');
    expect(within(form).queryByRole('alert')).toBeNull();

    fireEvent.keyDown(within(form).getByLabelText('City'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(patches).toBe(2));
    expect(api.requests.filter((request) => request.method === 'PATCH').map((request) => request.body)).toEqual([
      { city: 'Perm', expectedUpdatedAt: IVAN.updatedAt },
      { city: 'Perm', expectedUpdatedAt: changedByColleague.updatedAt },
    ]);
  });

  it('reloads the card and drops the agent’s typing when they choose to discard it', async () => {
    const changedByColleague = { ...IVAN, city: 'Tyumen', updatedAt: '2026-11-23T09:15:00.000Z' };
    renderConsole([
      {
        method: 'PATCH',
        path: `/api/contacts/${IVAN.id}`,
        status: 409,
        body: { error: { code: 'CONTACT_EDITED_ELSEWHERE', message: 'changed', details: { contact: changedByColleague } } },
      },
    ]);
    const form = await saveIvansCity('Perm');
    fireEvent.click(within(await within(form).findByRole('alert')).getByRole('button', { name: 'Reload and discard my changes' }));
    await waitFor(() => expect((within(form).getByLabelText('City') as HTMLInputElement).value).toBe('Tyumen'));
  });

  it('shows the timeline of calls and notes and adds a note', async () => {
    const timeline: TimelineItem[] = [
      { kind: 'call', at: '2026-11-20T10:00:00.000Z', call: buildCall({ active: false, result: 'no-answer', direction: 'outbound', calledNumber: '+73432001122' }) },
    ];
    const api = renderConsole([
      { path: `/api/contacts/${IVAN.id}/timeline`, body: () => ({ items: timeline }) },
      {
        method: 'POST',
        path: `/api/contacts/${IVAN.id}/notes`,
        status: 201,
        body: (request: { text: string }) => {
          const note = { id: 'n1', contactId: IVAN.id, text: request.text, authorId: user.id, authorName: 'Anna Petrova', createdAt: '2026-11-23T09:00:00.000Z' };
          timeline.unshift({ kind: 'note', at: note.createdAt, note });
          return { item: timeline[0] };
        },
      },
    ]);
    await openIvan();
    fireEvent.click(within(contactPanel()).getByRole('tab', { name: 'Timeline' }));
    const list = await within(contactPanel()).findByRole('list', { name: 'Timeline' });
    expect(list.textContent).toContain('Outbound · No answer');

    fireEvent.change(within(contactPanel()).getByLabelText('Note'), { target: { value: 'Prefers calls after lunch' } });
    fireEvent.click(within(contactPanel()).getByRole('button', { name: 'Add note' }));

    await waitFor(() => expect(within(contactPanel()).getByRole('list', { name: 'Timeline' }).textContent).toContain('Prefers calls after lunch'));
    expect(api.requests).toContainEqual({ method: 'POST', path: `/api/contacts/${IVAN.id}/notes`, body: { text: 'Prefers calls after lunch' } });
  });

  it('takes the keyboard to the search with / (also on a Russian layout), to the card a result opens, and back to the search when the results close', async () => {
    renderConsole([]);
    const search = screen.getByRole('searchbox', { name: 'Search contacts' });
    // The / key focuses the search, also with a Russian layout on (the same key types ".").
    fireEvent.keyDown(document.body, { key: '.', code: 'Slash' });
    expect(document.activeElement).toBe(search);
    fireEvent.change(search, { target: { value: '2001122' } });
    fireEvent.submit(search.closest('form')!);
    // Screen readers hear how many were found, not the whole list.
    await waitFor(() => expect(screen.getAllByRole('status').map((status) => status.textContent)).toContain('1 contact found'));
    fireEvent.click(await screen.findByRole('button', { name: 'Close' }));
    expect(document.activeElement).toBe(search);

    fireEvent.submit(search.closest('form')!);
    const result = await screen.findByRole('button', { name: /Ivan Petrov/ });
    result.focus();
    fireEvent.click(result);
    await waitFor(() => expect(document.activeElement).toBe(within(contactPanel()).getByRole('heading', { name: 'Contact card' })));
  });
});
