import type { CountryCode } from 'libphonenumber-js/max';
import { normalizePhone } from './phone-number.js';

/** Shortest trailing digit run we index for fragment search ("1122" finds +73432001122). */
export const MIN_PHONE_FRAGMENT_DIGITS = 4;

/**
 * The keys a stored E.164 number is found by: every trailing run of its digits from
 * MIN_PHONE_FRAGMENT_DIGITS up to the whole number. People type the end of a number
 * (local part, with or without area code), so suffixes cover fragments in any format
 * while staying an exact-match index lookup.
 */
export function phoneSearchKeys(e164: string): string[] {
  const digits = e164.replace(/\D/g, '');
  const keys: string[] = [];
  for (let length = MIN_PHONE_FRAGMENT_DIGITS; length <= digits.length; length += 1) {
    keys.push(digits.slice(digits.length - length));
  }
  return keys;
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
