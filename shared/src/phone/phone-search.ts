import type { CountryCode } from 'libphonenumber-js/max';
import { normalizePhone } from './phone-number.js';

/** Shortest trailing digit run we index for fragment search ("1122" finds +73432001122). */
export const MIN_PHONE_FRAGMENT_DIGITS = 4;

/**
 * The key a stored E.164 number is found by: its digits reversed. People type the end of a
 * number (local part, with or without area code); the end of a number is the start of its
 * reversed digits, so a fragment in any format is a prefix of one key per number, an index range.
 */
export function phoneSearchKey(e164: string): string {
  return reversed(e164.replace(/\D/g, ''));
}

/** The prefix of `phoneSearchKey` that finds every number ending in these digits. */
export function phoneFragmentKey(digits: string): string {
  return reversed(digits);
}

function reversed(digits: string): string {
  return [...digits].reverse().join('');
}

/**
 * The digits to look a typed fragment up by, or null when it is not a phone fragment.
 * A complete number in any format ("8 343 200-11-22") becomes its E.164 digits; a partial one
 * ("200-11-22", "(343) 200") becomes its bare digits.
 */
export function phoneFragmentDigits(fragment: string, defaultCountry: CountryCode = 'RU'): string | null {
  const text = fragment.trim();
  if (!/^[\d\s()+.\-]+$/.test(text)) return null;
  const full = normalizePhone(text, defaultCountry);
  if (full.ok) return full.phone.e164.slice(1);
  const digits = text.replace(/\D/g, '');
  return digits.length >= MIN_PHONE_FRAGMENT_DIGITS ? digits : null;
}
