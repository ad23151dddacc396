import { describe, expect, it } from 'vitest';
import {
  callingWindowSchema,
  isInsideCallingWindow,
  localTimeFacts,
  nextAllowedCallTime,
  offsetLabel,
} from './index.js';

const utc = (iso: string) => new Date(iso);

describe('localTimeFacts', () => {
  it('shows a Yekaterinburg client two hours ahead of a Moscow agent, inside the window at 14:00 their time', () => {
    const facts = localTimeFacts({ zone: 'Asia/Yekaterinburg', agentZone: 'Europe/Moscow', now: utc('2026-02-10T09:00:00Z') });
    expect(facts).toMatchObject({
      localTime: '2026-02-10T14:00:00.000+05:00',
      utcOffsetMinutes: 300,
      offsetToAgentMinutes: 120,
      offsetToAgentLabel: '+2 h',
      isInsideCallingWindow: true,
      nextAllowedAt: null,
      windowClosesAt: '2026-02-10T16:00:00.000Z',
    });
  });

  it('says when a Vladivostok client may be called next when it is night there', () => {
    // 23:30 in Vladivostok (UTC+10).
    const facts = localTimeFacts({ zone: 'Asia/Vladivostok', agentZone: 'Europe/Moscow', now: utc('2026-02-10T13:30:00Z') });
    expect(facts.isInsideCallingWindow).toBe(false);
    expect(facts.offsetToAgentLabel).toBe('+7 h');
    expect(facts.nextAllowedAt).toBe('2026-02-10T23:00:00.000Z'); // 09:00 on the 11th, Vladivostok
  });

  it('opens the window later the same morning when it is early for the client', () => {
    // 07:15 in Warsaw (winter, UTC+1).
    const facts = localTimeFacts({ zone: 'Europe/Warsaw', agentZone: 'Europe/Moscow', now: utc('2026-01-15T06:15:00Z') });
    expect(facts.isInsideCallingWindow).toBe(false);
    expect(facts.offsetToAgentLabel).toBe('−2 h');
    expect(facts.nextAllowedAt).toBe('2026-01-15T08:00:00.000Z');
  });

  it('treats the window end as closed: 21:00 sharp is too late', () => {
    const facts = localTimeFacts({ zone: 'Europe/Moscow', agentZone: 'Europe/Moscow', now: utc('2026-01-15T18:00:00Z') });
    expect(facts.isInsideCallingWindow).toBe(false);
    expect(facts.offsetToAgentLabel).toBe('0 h');
    expect(facts.nextAllowedAt).toBe('2026-01-16T06:00:00.000Z');
  });

  it('uses an admin-configured window', () => {
    const window = { start: '10:00', end: '18:30' };
    const inside = localTimeFacts({ zone: 'Europe/Kyiv', agentZone: 'Europe/Kyiv', now: utc('2026-01-15T16:29:00Z'), window });
    const outside = localTimeFacts({ zone: 'Europe/Kyiv', agentZone: 'Europe/Kyiv', now: utc('2026-01-15T16:30:00Z'), window });
    expect(inside.isInsideCallingWindow).toBe(true);
    expect(outside.isInsideCallingWindow).toBe(false);
    expect(outside.nextAllowedAt).toBe('2026-01-16T08:00:00.000Z');
  });

  it('labels half-hour offsets', () => {
    const facts = localTimeFacts({ zone: 'Asia/Kolkata', agentZone: 'Europe/Moscow', now: utc('2026-01-15T06:00:00Z') });
    expect(facts.offsetToAgentLabel).toBe('+2 h 30 min');
  });

  it('refuses an unknown zone', () => {
    expect(() => localTimeFacts({ zone: 'Mars/Olympus', agentZone: 'Europe/Moscow', now: new Date() })).toThrow(/Mars\/Olympus/);
  });
});

describe('DST (America/New_York)', () => {
  it('opens the window at 09:00 EDT on the morning clocks spring forward (8 March 2026)', () => {
    // 23:00 EST on 7 March.
    const facts = localTimeFacts({ zone: 'America/New_York', agentZone: 'Europe/Moscow', now: utc('2026-03-08T04:00:00Z') });
    expect(facts.localTime).toBe('2026-03-07T23:00:00.000-05:00');
    expect(facts.offsetToAgentLabel).toBe('−8 h');
    expect(facts.nextAllowedAt).toBe('2026-03-08T13:00:00.000Z');
  });

  it('changes the offset to a Moscow agent from −8 h to −7 h across the March change', () => {
    const before = localTimeFacts({ zone: 'America/New_York', agentZone: 'Europe/Moscow', now: utc('2026-03-07T15:00:00Z') });
    const after = localTimeFacts({ zone: 'America/New_York', agentZone: 'Europe/Moscow', now: utc('2026-03-09T15:00:00Z') });
    expect(before.localTime).toBe('2026-03-07T10:00:00.000-05:00');
    expect(after.localTime).toBe('2026-03-09T11:00:00.000-04:00');
    expect(before.offsetToAgentMinutes).toBe(-480);
    expect(after.offsetToAgentMinutes).toBe(-420);
  });

  it('opens the window at 09:00 EST on the morning clocks fall back (1 November 2026)', () => {
    // 22:00 EDT on 31 October.
    const facts = localTimeFacts({ zone: 'America/New_York', agentZone: 'Europe/Moscow', now: utc('2026-11-01T02:00:00Z') });
    expect(facts.isInsideCallingWindow).toBe(false);
    expect(facts.nextAllowedAt).toBe('2026-11-01T14:00:00.000Z');
  });

  it('closes the window at 21:00 local on the changeover day, not at a stored offset', () => {
    const facts = localTimeFacts({ zone: 'America/New_York', agentZone: 'UTC', now: utc('2026-11-01T15:00:00Z') });
    expect(facts.localTime).toBe('2026-11-01T10:00:00.000-05:00');
    expect(facts.windowClosesAt).toBe('2026-11-02T02:00:00.000Z');
  });
});

describe('nextAllowedCallTime', () => {
  it('keeps a time that is already inside the window', () => {
    const at = utc('2026-02-10T09:00:00Z');
    expect(nextAllowedCallTime({ at, zone: 'Asia/Yekaterinburg' })).toEqual(at);
  });

  it('moves a retry that would fall at 22:10 client time to 09:00 next morning', () => {
    const at = utc('2026-03-02T12:10:00Z'); // 22:10 Vladivostok
    expect(nextAllowedCallTime({ at, zone: 'Asia/Vladivostok' }).toISOString()).toBe('2026-03-02T23:00:00.000Z');
    expect(isInsideCallingWindow({ at, zone: 'Asia/Vladivostok' })).toBe(false);
  });
});

describe('calling window settings', () => {
  it('refuses a window that ends before it starts', () => {
    expect(callingWindowSchema.safeParse({ start: '21:00', end: '09:00' }).success).toBe(false);
    expect(callingWindowSchema.safeParse({ start: '9:00', end: '21:00' }).success).toBe(false);
    expect(callingWindowSchema.safeParse({ start: '00:00', end: '24:00' }).success).toBe(true);
  });

  it('labels offsets', () => {
    expect(offsetLabel(-210)).toBe('−3 h 30 min');
    expect(offsetLabel(45)).toBe('+45 min');
  });
});
