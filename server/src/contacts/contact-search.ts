import { MIN_PHONE_FRAGMENT_DIGITS, phoneFragmentDigits, phoneSearchKeys, type CountryCode } from '@crm/shared';

/**
 * Contact search without scanning: every card stores `searchKeys` (a multikey index) holding its
 * name/company/e-mail words in lower case and the trailing digit runs of its phones. A word is
 * found by prefix (an anchored regex uses the index), a phone fragment by exact key.
 */

export interface SearchableContact {
  name: string;
  company: string | null;
  email: string | null;
  phones: readonly string[];
}

const WORD = /[\p{L}\p{N}]+/gu;

export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/ё/g, 'е');
}

export function wordsOf(text: string | null): string[] {
  if (!text) return [];
  return [...text.matchAll(WORD)].map((match) => normalizeWord(match[0]));
}

export function contactSearchKeys({ name, company, email, phones }: SearchableContact): string[] {
  const keys = new Set<string>([...wordsOf(name), ...wordsOf(company)]);
  if (email) keys.add(email.toLowerCase());
  for (const phone of phones) for (const key of phoneSearchKeys(phone)) keys.add(key);
  return [...keys];
}

export type SearchFilter = Record<string, unknown>;

/** The store filter for a typed search: a phone fragment in any format, or words matched by prefix. */
export function contactSearchFilter(q: string, defaultCountry: CountryCode): SearchFilter {
  const digits = phoneFragmentDigits(q, defaultCountry);
  if (digits) return { searchKeys: digits };
  const words = wordsOf(q);
  if (words.length === 0) return { searchKeys: { $in: [] } };
  const clauses = words.map((word) =>
    /^\d+$/.test(word) && word.length >= MIN_PHONE_FRAGMENT_DIGITS
      ? { searchKeys: word }
      : { searchKeys: { $regex: `^${escapeRegex(word)}` } },
  );
  return clauses.length === 1 ? (clauses[0] as SearchFilter) : { $and: clauses };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
