import type { Language } from '../roles.js';
import { en } from './catalogs/en.js';
import { ru } from './catalogs/ru.js';
import { uk } from './catalogs/uk.js';
import { pl } from './catalogs/pl.js';
import type { Messages } from './messages.js';

export type { Messages } from './messages.js';
export * from './format.js';

/** Every UI language with its catalog. */
export const catalogs: Record<Language, Messages> = { en, ru, uk, pl };

/** Each language named in itself, so a user can find their own in the switcher. */
export const LANGUAGE_AUTONYMS: Record<Language, string> = {
  ru: 'Русский',
  en: 'English',
  uk: 'Українська',
  pl: 'Polski',
};

/** Used before we know the user (login page) when the browser prefers no language we have. */
export const FALLBACK_LANGUAGE: Language = 'ru';
