import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * A number as the PBX shows it (`+73432001122`, `83432001122`, `<unknown>`, `s`) in E.164 where
 * possible. Short internal numbers (extensions) stay as they are; placeholders become null.
 */
export function toE164(raw: string | null | undefined, defaultCountry: string): string | null {
  if (!raw) return null;
  const value = raw.trim();
  if (value === '' || value === '<unknown>' || value === 's' || value === 'anonymous') return null;
  const digits = value.replace(/[\s()\-.]/g, '');
  if (!/^\+?\d+$/.test(digits)) return null;
  if (digits.length <= 6 && !digits.startsWith('+')) return digits;
  const parsed = parsePhoneNumberFromString(digits, defaultCountry as CountryCode);
  if (parsed && parsed.isPossible()) return parsed.number;
  return digits;
}
