import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Deal, ImportContactsReport } from '@crm/shared';
import { buildUser, type fakeServer } from '@crm/shared/ui/testing/render.js';
import { startTestSocketServer, type TestSocketServer } from '@crm/shared/ui/testing/socket-server.js';
import { buildContact, buildDeal } from '../../../testing/builders.js';
import { NO_CALLS_TODAY, openCardFromSearch, renderAgentConsole } from '../../../testing/console.js';

const IVAN = buildContact();
const DUPLICATE = buildContact({ id: '66a000000000000000000002', name: 'I. Petrov', company: null, phones: ['+79161234567'] });

describe('deals, CSV import and merge on the contact card', () => {
  let server: TestSocketServer;
  const agent = buildUser();
  const supervisor = buildUser({ id: '65f000000000000000000002', login: 'super1', displayName: 'Sergei Orlov', role: 'supervisor' });
  const manager = buildUser({ id: '65f000000000000000000003', login: 'manager1', displayName: 'Maria Ivanova', role: 'manager' });
  const baseRoutes = [
    NO_CALLS_TODAY,
    { path: '/api/contacts', body: { items: [IVAN, DUPLICATE], total: 2, isTotalCapped: false, page: 1, pageSize: 10 } },
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

  const renderConsole = (routes: Parameters<typeof fakeServer>[0], user = agent) =>
    renderAgentConsole({ server, user, routes: [...routes, ...baseRoutes] });
  const panel = () => screen.getByRole('region', { name: 'Contact card' });
  const openIvan = () => openCardFromSearch('Petrov', 'Ivan Petrov');
  /** Opens Ivan's card, then the merge dialog, and picks the duplicate I. Petrov. */
  const pickDuplicateOfIvan = async () => {
    await openIvan();
    fireEvent.click(within(panel()).getByRole('button', { name: 'Merge…' }));
    fireEvent.change(await within(panel()).findByPlaceholderText('Find the other card'), { target: { value: 'Petrov' } });
    fireEvent.submit(within(panel()).getByPlaceholderText('Find the other card').closest('form')!);
    fireEvent.click(await within(panel()).findByLabelText(/I\. Petrov/));
  };

  it('creates a deal, keeps its next step, and asks why before moving it to lost', async () => {
    let deals: Deal[] = [buildDeal()];
    const api = renderConsole([
      { path: '/api/deals', body: () => ({ items: deals, total: deals.length, page: 1, pageSize: 50 }) },
      {
        method: 'POST',
        path: '/api/deals',
        status: 201,
        body: (request: { title: string }) => {
          const deal = buildDeal({ id: '66b000000000000000000002', title: request.title, stage: 'new', nextStep: null });
          deals = [...deals, deal];
          return { deal };
        },
      },
      { method: 'POST', path: `/api/deals/${deals[0]!.id}/stage`, body: { deal: buildDeal({ stage: 'lost', status: 'lost', lostReason: 'Chose a competitor' }) } },
      { method: 'PATCH', path: `/api/deals/${deals[0]!.id}`, body: { deal: buildDeal() } },
    ]);
    await openIvan();
    fireEvent.click(within(panel()).getByRole('tab', { name: 'Deals' }));
    expect(await within(panel()).findByText('Rolled steel, Q2 contract')).toBeTruthy();

    fireEvent.click(within(panel()).getByRole('button', { name: 'New deal' }));
    const form = within(panel()).getByRole('form', { name: 'New deal' });
    fireEvent.change(within(form).getByLabelText('Title'), { target: { value: 'Spare parts' } });
    fireEvent.change(within(form).getByLabelText('Amount'), { target: { value: '120 000' } });
    fireEvent.change(within(form).getByLabelText('Next step'), { target: { value: 'Send the price list' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create deal' }));
    expect(await within(panel()).findByText('Spare parts')).toBeTruthy();
    expect(api.requests.find((request) => request.method === 'POST' && request.path === '/api/deals')?.body).toEqual({
      contactId: IVAN.id,
      title: 'Spare parts',
      amount: 120000,
      currency: 'RUB',
      nextStep: { text: 'Send the price list' },
    });

    const first = within(panel()).getByText('Rolled steel, Q2 contract').closest('li')!;
    fireEvent.change(within(first).getByLabelText('Next step'), { target: { value: 'Call accounting on Monday' } });
    fireEvent.click(within(first).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.requests.find((request) => request.method === 'PATCH')?.body).toEqual({
        nextStep: { text: 'Call accounting on Monday', dueAt: null, taskId: null },
      }),
    );

    fireEvent.change(within(first).getByLabelText('Stage'), { target: { value: 'lost' } });
    const move = within(first).getByRole('button', { name: 'Move' });
    expect(move.hasAttribute('disabled')).toBe(true);
    fireEvent.change(within(first).getByLabelText('Why was it lost?'), { target: { value: 'Chose a competitor' } });
    fireEvent.click(move);
    await waitFor(() =>
      expect(api.requests.find((request) => request.path.endsWith('/stage'))?.body).toEqual({ stage: 'lost', reason: 'Chose a competitor' }),
    );
  });

  it('previews a CSV import, then imports it and reports merged and refused rows', async () => {
    const report = (dryRun: boolean): ImportContactsReport => ({
      dryRun,
      columns: { name: 'name', phone: 'phones' },
      ignoredColumns: ['fax'],
      totals: { rows: 3, created: 1, merged: 1, refused: 0, invalid: 1 },
      rows: [
        { line: 2, status: 'create', name: 'Olga New', phones: ['+74951230000'], existing: null, sameAsLine: null, errors: [] },
        { line: 3, status: 'merge', name: 'Ivan P.', phones: ['+73432001122'], existing: { id: IVAN.id, name: 'Ivan Petrov', company: 'Ural Steel' }, sameAsLine: null, errors: [] },
        { line: 4, status: 'invalid', name: 'Nobody', phones: ['12'], existing: null, sameAsLine: null, errors: ['phone: not a number'] },
      ],
    });
    const api = renderConsole([
      { method: 'POST', path: '/api/contacts/import', body: (request: { dryRun: boolean }) => ({ report: report(request.dryRun) }) },
    ], manager);
    fireEvent.click(screen.getByRole('button', { name: 'Import CSV' }));
    const csv = 'name,phone,fax\nOlga New,+74951230000,1\nIvan P.,83432001122,2\nNobody,12,3';
    fireEvent.change(await within(panel()).findByLabelText('Or paste the CSV'), { target: { value: csv } });
    expect(within(panel()).getByRole('button', { name: 'Import' }).hasAttribute('disabled')).toBe(true);

    fireEvent.click(within(panel()).getByRole('button', { name: 'Preview' }));
    expect(
      await within(panel()).findByText('Preview of 3 rows: 1 new, 1 merged, 0 refused, 1 invalid. Nothing saved yet.'),
    ).toBeTruthy();
    expect(within(panel()).getByRole('button', { name: 'Card Ivan Petrov' })).toBeTruthy();
    expect(within(panel()).getByText('phone: not a number')).toBeTruthy();
    expect(within(panel()).getByText('Columns ignored: fax')).toBeTruthy();

    // Another duplicate rule than the one previewed needs its own preview first.
    fireEvent.change(within(panel()).getByLabelText('A number already on a card'), { target: { value: 'refuse' } });
    expect(within(panel()).getByRole('button', { name: 'Import' }).hasAttribute('disabled')).toBe(true);
    fireEvent.change(within(panel()).getByLabelText('A number already on a card'), { target: { value: 'merge' } });
    fireEvent.click(within(panel()).getByRole('button', { name: 'Preview' }));
    expect(
      await within(panel()).findByText('Preview of 3 rows: 1 new, 1 merged, 0 refused, 1 invalid. Nothing saved yet.'),
    ).toBeTruthy();

    fireEvent.click(within(panel()).getByRole('button', { name: 'Import' }));
    expect(await within(panel()).findByText('Imported 3 rows: 1 new, 1 merged, 0 refused, 1 invalid.')).toBeTruthy();
    expect(api.requests.filter((request) => request.path === '/api/contacts/import').map((request) => request.body)).toEqual([
      { csv, dryRun: true, onDuplicate: 'merge' },
      { csv, dryRun: true, onDuplicate: 'merge' },
      { csv, dryRun: false, onDuplicate: 'merge' },
    ]);
  });

  it('merges a duplicate card into the open one and says what moved', async () => {
    const api = renderConsole([
      {
        method: 'POST',
        path: `/api/contacts/${IVAN.id}/merge`,
        body: { contact: { ...IVAN, phones: [...IVAN.phones, ...DUPLICATE.phones] }, moved: { calls: 3, notes: 1, deals: 0 } },
      },
    ], supervisor);
    await pickDuplicateOfIvan();

    fireEvent.click(within(panel()).getByRole('button', { name: 'Merge I. Petrov into Ivan Petrov' }));

    expect(await within(panel()).findByText('Merged into Ivan Petrov. Moved: calls 3, notes 1, deals 0.')).toBeTruthy();
    expect(api.requests).toContainEqual({
      method: 'POST',
      path: `/api/contacts/${IVAN.id}/merge`,
      body: { sourceId: DUPLICATE.id, expectedUpdatedAt: IVAN.updatedAt, sourceExpectedUpdatedAt: DUPLICATE.updatedAt },
    });
  });

  it('shows the card a colleague changed after the merge was previewed, and merges that version when asked again', async () => {
    const changed = { ...DUPLICATE, company: 'Petrov Trading', updatedAt: '2026-03-02T09:30:00.000Z' };
    const api = renderConsole([
      {
        method: 'POST',
        path: `/api/contacts/${IVAN.id}/merge`,
        status: 409,
        body: {
          error: {
            code: 'CONTACT_EDITED_ELSEWHERE',
            message: 'The card to merge in "I. Petrov" was changed by someone else',
            details: { contact: changed, mergeCard: 'source' },
          },
        },
      },
    ], supervisor);
    await pickDuplicateOfIvan();
    fireEvent.click(within(panel()).getByRole('button', { name: 'Merge I. Petrov into Ivan Petrov' }));

    expect((await within(panel()).findByRole('alert')).textContent).toMatch(/^Someone else changed the card I\. Petrov at .+ Nothing was merged/);
    // The preview now shows the card as it is, and merging again sends that version.
    expect(within(panel()).getByText(/Merge in and remove: I\. Petrov · Petrov Trading/)).toBeTruthy();
    fireEvent.click(within(panel()).getByRole('button', { name: 'Merge I. Petrov into Ivan Petrov' }));
    await waitFor(() => expect(api.requests.filter((request) => request.path === `/api/contacts/${IVAN.id}/merge`)).toHaveLength(2));
    expect(api.requests.filter((request) => request.path === `/api/contacts/${IVAN.id}/merge`).at(-1)?.body).toEqual({
      sourceId: DUPLICATE.id,
      expectedUpdatedAt: IVAN.updatedAt,
      sourceExpectedUpdatedAt: changed.updatedAt,
    });
  });

  it('offers an agent neither CSV import nor merge, which the server would refuse', async () => {
    renderConsole([]);
    const card = await openIvan();
    expect(within(card).getByRole('button', { name: 'Edit' })).toBeTruthy();
    expect(within(card).queryByRole('button', { name: 'Merge…' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Import CSV' })).toBeNull();
  });

  it('offers a supervisor merge but not CSV import', async () => {
    renderConsole([], supervisor);
    expect(within(await openIvan()).getByRole('button', { name: 'Merge…' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Import CSV' })).toBeNull();
  });

  it('offers a manager both CSV import and merge', async () => {
    renderConsole([], manager);
    expect(screen.getByRole('button', { name: 'Import CSV' })).toBeTruthy();
    expect(within(await openIvan()).getByRole('button', { name: 'Merge…' })).toBeTruthy();
  });

  it('says who may merge when the server still refuses (the role changed since sign-in)', async () => {
    renderConsole([
      { method: 'POST', path: `/api/contacts/${IVAN.id}/merge`, status: 403, body: { error: { code: 'FORBIDDEN', message: 'Not allowed' } } },
    ], supervisor);
    await pickDuplicateOfIvan();
    fireEvent.click(within(panel()).getByRole('button', { name: 'Merge I. Petrov into Ivan Petrov' }));

    expect((await within(panel()).findByRole('alert')).textContent).toBe('Merging cards needs a supervisor, manager or administrator account.');
  });
});
