import type { ContactTimeZone } from '@crm/shared';
import { isValidTimeZone } from '@crm/shared';
import cityTimezones from 'city-timezones';
import { currentZoneName } from './timezone-inference.js';

/**
 * The zone of a card from its city (DESIGN §2.2: "set by hand or from the address"), using the
 * city-timezones table. Only a city that names one zone (within the card's country, when known)
 * gives a zone; "Springfield" without a state does not.
 */
export function zoneFromAddress(city: string | null, country: string | null): ContactTimeZone | null {
  const name = city?.trim();
  if (!name) return null;
  const matches = cityTimezones.lookupViaCity(name).filter((match) => !country || match.iso2 === country);
  const zones = [...new Set(matches.map((match) => currentZoneName(match.timezone)))].filter(isValidTimeZone);
  if (zones.length !== 1) return null;
  const [zone] = zones as [string];
  return { zone, source: 'address', candidates: [zone] };
}
