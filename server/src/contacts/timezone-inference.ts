import { isValidTimeZone, type ContactTimeZone } from '@crm/shared';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { geocoder, timezones } from 'libphonenumber-geo-carrier';

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
  /** Region as the numbering plan names it (e.g. "Ekaterinburg"); null for mobile ranges. */
  region: string | null;
  timeZone: ContactTimeZone;
}

export type NumberLocator = (e164: string) => Promise<NumberLocation>;

/**
 * Where a number is, from Google's numbering-plan metadata (libphonenumber-geo-carrier). The
 * library reads its metadata files on every call, so results are kept in a bounded cache.
 */
export function createNumberLocator({ cacheSize = 10_000, locale = 'en' as const } = {}): NumberLocator {
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

async function locateNumber(e164: string, locale: 'en'): Promise<NumberLocation> {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return { e164, country: null, region: null, timeZone: zoneFromCandidates(null) };
  const [zones, region] = await Promise.all([timezones(parsed), geocoder(parsed, locale)]);
  return { e164, country: parsed.country ?? null, region: region || null, timeZone: zoneFromCandidates(zones) };
}
