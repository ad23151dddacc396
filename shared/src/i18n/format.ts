import type { Language } from '../roles.js';

/**
 * Locale-aware formatting with the platform's Intl, no framework. The UI language picks the
 * words; the locale tag picks date/number conventions, taken from the browser when it agrees with
 * the language (an en-US browser gets a 12-hour clock, en-GB a 24-hour one).
 */

const DEFAULT_LOCALE: Record<Language, string> = {
  ru: 'ru-RU',
  en: 'en-GB',
  uk: 'uk-UA',
  pl: 'pl-PL',
};

/** The BCP 47 tag to format with for a UI language, preferring a matching browser locale. */
export function localeFor(language: Language, preferred: readonly string[] = []): string {
  const match = preferred.find((tag) => tag.toLowerCase().split('-')[0] === language);
  return match ?? DEFAULT_LOCALE[language];
}

type DateInput = Date | string | number;

const toDate = (value: DateInput): Date => (value instanceof Date ? value : new Date(value));

/**
 * Building an Intl formatter costs far more than using one, and the consoles' clocks format the
 * same few patterns every second: each locale + options pair is built once and reused.
 */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();
const listFormats = new Map<string, Intl.ListFormat>();

function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    dateTimeFormats.set(key, format);
  }
  return format;
}

function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

export interface FormatOptions {
  /** IANA zone; the viewer's own zone when omitted. */
  timeZone?: string;
}

export function formatTime(value: DateInput, locale: string, { timeZone }: FormatOptions = {}): string {
  return dateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(toDate(value));
}

export function formatTimeWithSeconds(value: DateInput, locale: string, { timeZone }: FormatOptions = {}): string {
  return dateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone }).format(
    toDate(value),
  );
}

export function formatDate(value: DateInput, locale: string, { timeZone }: FormatOptions = {}): string {
  return dateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(toDate(value));
}

/** Weekday and date, for headers ("Monday, 23 November"). */
export function formatLongDate(value: DateInput, locale: string, { timeZone }: FormatOptions = {}): string {
  return dateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(
    toDate(value),
  );
}

export function formatDateTime(value: DateInput, locale: string, { timeZone }: FormatOptions = {}): string {
  return dateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone }).format(toDate(value));
}

/** A call or wait duration as a clock reading: 0:07, 4:05, 1:02:03. Same in every locale. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

export function formatNumber(value: number, locale: string, options?: Intl.NumberFormatOptions): string {
  return numberFormat(locale, options).format(value);
}

/** A list of names joined the way the language does it ("support, sales and vip"). */
export function formatList(values: readonly string[], locale: string): string {
  let format = listFormats.get(locale);
  if (!format) {
    format = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
    listFormats.set(locale, format);
  }
  return format.format(values);
}
