import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../roles.js';
import { catalogs, formatDuration, localeFor, formatTime } from './index.js';

type Tree = { readonly [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  const english = leaves(catalogs.en);

  it.each(LANGUAGES.filter((lang) => lang !== 'en'))('%s has every English message, none empty, same placeholders', (lang) => {
    const translated = leaves(catalogs[lang]);
    expect([...translated.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of translated) {
      expect(text.trim(), key).not.toBe('');
      expect(placeholders(text), key).toEqual(placeholders(english.get(key) ?? ''));
    }
  });
});

describe('formatting for the user’s locale', () => {
  it('uses the browser’s regional variant when it matches the UI language', () => {
    expect(localeFor('en', ['en-US', 'ru-RU'])).toBe('en-US');
    expect(localeFor('ru', ['en-US', 'ru-RU'])).toBe('ru-RU');
    expect(localeFor('pl', ['en-US'])).toBe('pl-PL');
  });

  it('shows a 24-hour clock in Russian and a 12-hour one for an American English browser', () => {
    const at = '2026-03-02T19:05:00Z';
    expect(formatTime(at, 'ru-RU', { timeZone: 'Europe/Moscow' })).toBe('22:05');
    expect(formatTime(at, 'en-US', { timeZone: 'Europe/Moscow' })).toMatch(/^10:05\sPM$/);
  });

  it('reads call durations as a clock', () => {
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(245)).toBe('4:05');
    expect(formatDuration(3723)).toBe('1:02:03');
  });
});
