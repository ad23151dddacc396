import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/** "HH:mm", 24-hour clock. */
export const clockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm (00:00–23:59)');

/** Hours of the client's own day in which we may call them, start inclusive, end exclusive. */
export const callingWindowSchema = z
  .object({ start: clockTimeSchema, end: clockTimeSchema.or(z.literal('24:00')) })
  .refine(({ start, end }) => minutesOfClock(start) < minutesOfClock(end), {
    message: 'start must be before end',
    path: ['end'],
  });
export type CallingWindow = z.infer<typeof callingWindowSchema>;

export const DEFAULT_CALLING_WINDOW: CallingWindow = { start: '09:00', end: '21:00' };

/** What the console shows beside a client's name: their clock, offset to the agent, whether we may call. */
export const localTimeFactsSchema = z.object({
  zone: z.string(),
  /** The client's wall clock at `now`, ISO 8601 with their offset. */
  localTime: z.string(),
  utcOffsetMinutes: z.number(),
  agentZone: z.string(),
  /** Client offset minus agent offset: +120 when the client is two hours ahead. */
  offsetToAgentMinutes: z.number(),
  /** "+2 h", "−3 h 30 min", "0 h". */
  offsetToAgentLabel: z.string(),
  window: callingWindowSchema,
  isInsideCallingWindow: z.boolean(),
  /** When outside the window: the next moment it opens (ISO 8601 UTC); null when inside. */
  nextAllowedAt: z.string().nullable(),
  /** When inside the window: when it closes today (ISO 8601 UTC); null when outside. */
  windowClosesAt: z.string().nullable(),
});
export type LocalTimeFacts = z.infer<typeof localTimeFactsSchema>;

export interface LocalTimeInput {
  /** The client's IANA zone. */
  zone: string;
  /** The agent's IANA zone (browser zone in the console, company zone on the server). */
  agentZone: string;
  now: Date;
  window?: CallingWindow;
}

export function isValidTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  // luxon builds an Intl.DateTimeFormat to tell (~0.3 ms); every pop checks two zones.
  const isValid = IANAZone.isValidZone(zone);
  // Only valid names are kept: they are a bounded set, made-up ones are not.
  if (isValid) validZones.add(zone);
  return isValid;
}
const validZones = new Set<string>();

/** The client's local-time facts at `now`. Offsets come from the IANA rules at `now`, so DST is right on both sides. */
export function localTimeFacts({ zone, agentZone, now, window = DEFAULT_CALLING_WINDOW }: LocalTimeInput): LocalTimeFacts {
  assertZone(zone);
  assertZone(agentZone);
  const local = DateTime.fromJSDate(now, { zone });
  const agentOffset = DateTime.fromJSDate(now, { zone: agentZone }).offset;
  const offsetToAgentMinutes = local.offset - agentOffset;
  const isInside = isInsideWindow(local, window);
  return {
    zone,
    localTime: local.toISO() ?? now.toISOString(),
    utcOffsetMinutes: local.offset,
    agentZone,
    offsetToAgentMinutes,
    offsetToAgentLabel: offsetLabel(offsetToAgentMinutes),
    window,
    isInsideCallingWindow: isInside,
    nextAllowedAt: isInside ? null : toUtcIso(nextWindowOpening(local, window)),
    windowClosesAt: isInside ? toUtcIso(atClock(local, window.end)) : null,
  };
}

/** True when `at` falls inside the client's calling window in `zone`. */
export function isInsideCallingWindow({ at, zone, window = DEFAULT_CALLING_WINDOW }: CallTimeInput): boolean {
  assertZone(zone);
  return isInsideWindow(DateTime.fromJSDate(at, { zone }), window);
}

export interface CallTimeInput {
  at: Date;
  zone: string;
  window?: CallingWindow;
}

/**
 * `at` itself when it is inside the client's calling window, otherwise the next opening of the window
 * (later today or tomorrow, client time). Scheduling uses it so nothing lands at night for the client.
 */
export function nextAllowedCallTime({ at, zone, window = DEFAULT_CALLING_WINDOW }: CallTimeInput): Date {
  assertZone(zone);
  const local = DateTime.fromJSDate(at, { zone });
  if (isInsideWindow(local, window)) return at;
  return nextWindowOpening(local, window).toJSDate();
}

/** "+2 h", "−3 h 30 min", "+45 min", "0 h". */
export function offsetLabel(minutes: number): string {
  if (minutes === 0) return '0 h';
  const sign = minutes > 0 ? '+' : '−';
  const abs = Math.abs(minutes);
  const hours = Math.floor(abs / 60);
  const rest = abs % 60;
  if (hours === 0) return `${sign}${rest} min`;
  return rest === 0 ? `${sign}${hours} h` : `${sign}${hours} h ${rest} min`;
}

export function minutesOfClock(clock: string): number {
  const [hours = '0', minutes = '0'] = clock.split(':');
  return Number(hours) * 60 + Number(minutes);
}

function isInsideWindow(local: DateTime, window: CallingWindow): boolean {
  const minute = local.hour * 60 + local.minute;
  return minute >= minutesOfClock(window.start) && minute < minutesOfClock(window.end);
}

function nextWindowOpening(local: DateTime, window: CallingWindow): DateTime {
  const minute = local.hour * 60 + local.minute;
  const day = minute < minutesOfClock(window.start) ? local : local.plus({ days: 1 });
  return atClock(day, window.start);
}

/** The given wall-clock time on `day`'s date in its zone; a time skipped by DST moves forward (luxon's rule). */
function atClock(day: DateTime, clock: string): DateTime {
  const minutes = minutesOfClock(clock);
  const midnight = day.startOf('day');
  if (minutes >= 24 * 60) return midnight.plus({ days: 1 });
  return midnight.set({ hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0, millisecond: 0 });
}

function toUtcIso(value: DateTime): string {
  return value.toUTC().toISO() ?? value.toJSDate().toISOString();
}

function assertZone(zone: string): void {
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone "${zone}"`);
}
