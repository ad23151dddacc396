import { describe, expect, it } from 'vitest';
import { zoneFromAddress } from './address-timezone.js';

describe('zone from the address', () => {
  it.each([
    ['Vladivostok', 'RU', 'Asia/Vladivostok'],
    ['Yekaterinburg', 'RU', 'Asia/Yekaterinburg'],
    ['Kyiv', 'UA', 'Europe/Kyiv'],
    ['Boise', null, 'America/Boise'],
  ])('places a card in %s (%s) in %s', (city, country, zone) => {
    expect(zoneFromAddress(city, country)).toEqual({ zone, source: 'address', candidates: [zone] });
  });

  it('does not guess for a city name found in several zones', () => {
    expect(zoneFromAddress('Springfield', 'US')).toBeNull();
  });

  it('ignores a city unknown or outside the card country', () => {
    expect(zoneFromAddress('Atlantis', null)).toBeNull();
    expect(zoneFromAddress('Warsaw', 'RU')).toBeNull();
    expect(zoneFromAddress('  ', 'RU')).toBeNull();
  });
});
