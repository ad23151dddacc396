import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';

export type { CountryCode } from 'libphonenumber-js/max';

/** A number that parsed and validated: what we store (E.164) and what we show. */
export interface NormalizedPhone {
  e164: string;
  /** ISO 3166-1 alpha-2, null for non-geographic numbers (e.g. +800). */
  country: string | null;
  national: string;
  international: string;
}

export const PHONE_ERROR_REASONS = ['empty', 'not-a-number', 'invalid-country', 'too-short', 'too-long', 'invalid'] as const;
export type PhoneErrorReason = (typeof PHONE_ERROR_REASONS)[number];

export type PhoneParseResult =
  | { ok: true; phone: NormalizedPhone }
  | { ok: false; reason: PhoneErrorReason; message: string };

const MAX_INPUT = 64;

export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}

/**
 * Normalises any typed number ("8 343 200-11-22", "+7 (343) 2001122", "00 48 22 123 45 67") to E.164.
 * `defaultCountry` decides numbers typed without a country code (national format, trunk prefix).
 */
export function normalizePhone(input: string, defaultCountry: CountryCode = 'RU'): PhoneParseResult {
  const raw = input.trim();
  if (raw === '') return fail('empty', 'Phone number is empty');
  if (raw.length > MAX_INPUT) return fail('too-long', `Phone number "${raw.slice(0, 20)}…" is too long`);
  if (!/\d/.test(raw)) return fail('not-a-number', `"${raw}" is not a phone number`);
  // "00" is the international prefix in most of Europe and Russia's newer dial plan; treat it as "+".
  const text = raw.replace(/^00\s*(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(text, { defaultCountry, extract: false });
  if (!parsed) return fail('not-a-number', `"${raw}" is not a phone number`);
  if (!parsed.isValid()) {
    const lengthProblem = validatePhoneNumberLength(text, { defaultCountry });
    if (lengthProblem === 'TOO_SHORT') return fail('too-short', `"${raw}" is too short to be a phone number`);
    if (lengthProblem === 'TOO_LONG') return fail('too-long', `"${raw}" is too long to be a phone number`);
    if (lengthProblem === 'INVALID_COUNTRY') return fail('invalid-country', `"${raw}" has an unknown country code`);
    return fail('invalid', `"${raw}" is not a valid ${parsed.country ?? `+${parsed.countryCallingCode}`} phone number`);
  }
  return {
    ok: true,
    phone: {
      e164: parsed.number,
      country: parsed.country ?? null,
      national: parsed.formatNational(),
      international: parsed.formatInternational(),
    },
  };
}

/** Formats a stored E.164 number for display; an unparsable value is shown as stored. */
export function formatPhone(e164: string, style: 'international' | 'national' = 'international'): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return style === 'national' ? parsed.formatNational() : parsed.formatInternational();
}

/** True when the value is already a canonical E.164 number (what the store holds). */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{5,14}$/.test(value);
}

function fail(reason: PhoneErrorReason, message: string): PhoneParseResult {
  return { ok: false, reason, message };
}
