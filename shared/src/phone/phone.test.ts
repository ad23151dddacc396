import { describe, expect, it } from 'vitest';
import { formatPhone, normalizePhone, phoneFragmentDigits, phoneFragmentKey, phoneSearchKey } from './index.js';

function e164(input: string, country?: Parameters<typeof normalizePhone>[1]): string {
  const result = normalizePhone(input, country);
  if (!result.ok) throw new Error(result.message);
  return result.phone.e164;
}

describe('normalizePhone', () => {
  it.each([
    ['8 343 200-11-22'],
    ['+7 (343) 2001122'],
    ['7 343 200 11 22'],
    ['(343) 200-11-22'],
    ['+7-343-200-11-22'],
    ['00 7 343 200 11 22'],
  ])('reads %s as +73432001122', (typed) => {
    expect(e164(typed)).toBe('+73432001122');
  });

  it('uses the default country for numbers typed without a country code', () => {
    expect(e164('044 123 4567', 'UA')).toBe('+380441234567');
    expect(e164('22 123 45 67', 'PL')).toBe('+48221234567');
    expect(e164('(212) 555-1234', 'US')).toBe('+12125551234');
  });

  it('keeps an explicit country code over the default country', () => {
    expect(e164('+48 22 123 45 67', 'RU')).toBe('+48221234567');
  });

  it('reports the country and display formats', () => {
    const result = normalizePhone('8 (423) 200-11-22');
    expect(result).toEqual({
      ok: true,
      phone: { e164: '+74232001122', country: 'RU', national: '8 (423) 200-11-22', international: '+7 423 200 11 22' },
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['call me', 'not-a-number'],
    ['123', 'too-short'],
    ['+7 343 200', 'too-short'],
    ['+7 000 000 00 00', 'invalid'],
    ['1'.repeat(80), 'too-long'],
  ])('refuses %j with reason %s and a message naming the input', (typed, reason) => {
    const result = normalizePhone(typed);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.message.length).toBeGreaterThan(0);
  });
});

describe('formatPhone', () => {
  it('formats a stored number for display', () => {
    expect(formatPhone('+73432001122')).toBe('+7 343 200 11 22');
    expect(formatPhone('+73432001122', 'national')).toBe('8 (343) 200-11-22');
    expect(formatPhone('+12125551234', 'national')).toBe('(212) 555-1234');
  });

  it('shows garbage as stored rather than failing', () => {
    expect(formatPhone('unknown')).toBe('unknown');
  });
});

describe('phone fragment search', () => {
  /** What a fragment search finds: the fragment's key is a prefix of the number's key. */
  const phoneMatchesFragment = (e164: string, digits: string) => phoneSearchKey(e164).startsWith(phoneFragmentKey(digits));

  it.each(['8 343 200-11-22', '+7 (343) 2001122', '2001122', '200-11-22', '343 200 11 22', '1122'])(
    'finds +73432001122 by %s',
    (typed) => {
      const digits = phoneFragmentDigits(typed);
      expect(digits).not.toBeNull();
      expect(phoneMatchesFragment('+73432001122', digits as string)).toBe(true);
    },
  );

  it('keys a number by its reversed digits, so the typed end of a number is a prefix of its key', () => {
    expect(phoneSearchKey('+73432001122')).toBe('22110023437');
    expect(phoneSearchKey('+73432001122').startsWith(phoneFragmentKey('2001122'))).toBe(true);
  });

  it('does not treat words or tiny fragments as phone fragments', () => {
    expect(phoneFragmentDigits('Petrov')).toBeNull();
    expect(phoneFragmentDigits('12')).toBeNull();
  });

  it('does not find a different number sharing a prefix, nor by digits from the middle', () => {
    expect(phoneMatchesFragment('+73432001123', phoneFragmentDigits('200-11-22') as string)).toBe(false);
    expect(phoneMatchesFragment('+73432001122', '3432')).toBe(false);
  });
});
