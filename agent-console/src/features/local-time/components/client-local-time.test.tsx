import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CALLING_WINDOW, type ContactTimeZone } from '@crm/shared';
import { renderWithProviders } from '@crm/shared/ui/testing/render.js';
import { ClientLocalTime } from './client-local-time.js';

const zone = (value: string | null, candidates: string[] = value ? [value] : []): ContactTimeZone => ({
  zone: value,
  source: 'number',
  candidates,
});

const clock = () => screen.getByRole('region', { name: 'Client’s local time' });

describe('client local time', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // A British English browser: 24-hour clock.
    vi.spyOn(window.navigator, 'languages', 'get').mockReturnValue(['en-GB']);
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('shows the client’s clock, the offset to the agent and that we may call now', () => {
    // 10:30 in Moscow is 12:30 in Yekaterinburg.
    vi.setSystemTime(new Date('2026-11-23T07:30:00Z'));
    renderWithProviders(<ClientLocalTime timeZone={zone('Asia/Yekaterinburg')} window={DEFAULT_CALLING_WINDOW} agentZone="Europe/Moscow" />);

    expect(within(clock()).getByText('12:30')).toBeTruthy();
    expect(within(clock()).getByText('Yekaterinburg')).toBeTruthy();
    expect(within(clock()).getByText('+2 h to you')).toBeTruthy();
    expect(within(clock()).getByText('Inside calling hours (09:00–21:00)')).toBeTruthy();
    expect(clock().dataset.window).toBe('inside');
  });

  it('says when the client’s calling window is closed and when it opens, in their time and the agent’s', () => {
    // 02:00 UTC: 07:00 in Yekaterinburg, 05:00 in Moscow.
    vi.setSystemTime(new Date('2026-11-23T02:00:00Z'));
    renderWithProviders(<ClientLocalTime timeZone={zone('Asia/Yekaterinburg')} window={DEFAULT_CALLING_WINDOW} agentZone="Europe/Moscow" />);

    expect(within(clock()).getByText('07:00')).toBeTruthy();
    expect(within(clock()).getByText('Outside calling hours (09:00–21:00)')).toBeTruthy();
    expect(within(clock()).getByText('Calls allowed from 09:00 today (07:00 your time)')).toBeTruthy();
    expect(clock().dataset.window).toBe('outside');
  });

  it('after the window closes, points to tomorrow morning, and speaks Russian', () => {
    // 17:30 UTC: 03:30 next day in Vladivostok (UTC+10) — before the window; 20:30 in Moscow.
    vi.setSystemTime(new Date('2026-11-23T17:30:00Z'));
    renderWithProviders(<ClientLocalTime timeZone={zone('Asia/Vladivostok')} window={DEFAULT_CALLING_WINDOW} agentZone="Europe/Moscow" />, {
      language: 'ru',
    });
    const ru = screen.getByRole('region', { name: 'Местное время клиента' });
    expect(within(ru).getByText('03:30')).toBeTruthy();
    expect(within(ru).getByText('+7 ч к вашему')).toBeTruthy();
    expect(within(ru).getByText('Звонить можно с 09:00 сегодня (02:00 по вашему времени)')).toBeTruthy();

    cleanup();
    // 12:30 UTC: 22:30 in Vladivostok — after the window, so the next opening is tomorrow.
    vi.setSystemTime(new Date('2026-11-23T12:30:00Z'));
    renderWithProviders(<ClientLocalTime timeZone={zone('Asia/Vladivostok')} window={DEFAULT_CALLING_WINDOW} agentZone="Europe/Moscow" />);
    expect(within(clock()).getByText('Calls allowed from 09:00 tomorrow (02:00 your time)')).toBeTruthy();
  });

  it('shows an ambiguous zone as such, with every candidate’s time, never one guessed clock', () => {
    vi.setSystemTime(new Date('2026-11-23T16:00:00Z'));
    renderWithProviders(
      <ClientLocalTime timeZone={zone(null, ['America/Chicago', 'America/Denver'])} window={DEFAULT_CALLING_WINDOW} agentZone="Europe/Moscow" />,
    );

    expect(within(clock()).getByText('Time zone uncertain')).toBeTruthy();
    const candidates = within(clock()).getAllByRole('listitem').map((item) => item.textContent);
    expect(candidates).toEqual(['10:00 Chicago (−9 h)', '09:00 Denver (−10 h)']);
    expect(clock().dataset.window).toBe('unknown');
    expect(clock().querySelector('time')).toBeNull();
  });

  it('says the zone is unknown when nothing points to one', () => {
    renderWithProviders(<ClientLocalTime timeZone={zone(null)} window={DEFAULT_CALLING_WINDOW} agentZone="Europe/Moscow" />);
    expect(within(clock()).getByText('Time zone unknown')).toBeTruthy();
  });
});
