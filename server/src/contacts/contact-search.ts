import { MIN_PHONE_FRAGMENT_DIGITS, phoneFragmentDigits, phoneSearchKeys, type CountryCode } from '@crm/shared';

/**
 * Contact search without scanning: every card stores `searchKeys` (a multikey index) holding its
 * name/company/e-mail words in lower case and, marked with `#`, the trailing digit runs of its
 * phones. A word is found by prefix (an index range), a phone fragment by exact key. The `#` keeps
 * phone keys out of word ranges: "42" as a word must not walk every number ending in 42….
 */

/** Bumped when the key format changes; cards with an older version get their keys rebuilt. */
export const SEARCH_KEYS_VERSION = 2;
const PHONE_KEY = '#';

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
  for (const phone of phones) for (const key of phoneSearchKeys(phone)) keys.add(`${PHONE_KEY}${key}`);
  return [...keys];
}

/** The stored search fields of a card. */
export function searchFields(contact: SearchableContact): { searchKeys: string[]; searchVersion: number } {
  return { searchKeys: contactSearchKeys(contact), searchVersion: SEARCH_KEYS_VERSION };
}

export type SearchFilter = Record<string, unknown>;

/** Just past every string starting with `prefix` in index order. */
const PREFIX_END = '\uffff';

/**
 * The store filter for a typed search: a phone fragment in any format (exact key), or words
 * matched by prefix. A prefix is an index range `[word, word + U+FFFF)`; on an array field the
 * range must hold for one element, hence `$elemMatch`. The plain range beside it (only when no
 * exact key is present) is what lets stores that do not plan `$elemMatch` on an index still scan
 * the range instead of the collection; it never changes the result.
 */
export function contactSearchFilter(q: string, defaultCountry: CountryCode): SearchFilter {
  const digits = phoneFragmentDigits(q, defaultCountry);
  if (digits) return { searchKeys: `${PHONE_KEY}${digits}` };
  const typed = [...new Set(wordsOf(q))];
  // A one-letter word beside longer ones ("Steel 5", typed as you go) would make a range over a
  // large part of the index for little narrowing: it is left out until it grows.
  const words = typed.some((word) => word.length > 1) ? typed.filter((word) => word.length > 1) : typed;
  if (words.length === 0) return { searchKeys: { $in: [] } };
  const isExact = (word: string) => /^\d+$/.test(word) && word.length >= MIN_PHONE_FRAGMENT_DIGITS;
  const exact = words.filter(isExact);
  // Most selective last (a simple planner keeps the last range): words with digits, then longer words.
  const selectivity = (word: string) => (/\d/.test(word) && word.length >= 3 ? 100 : 0) + word.length;
  const prefixes = words.filter((word) => !isExact(word)).sort((a, b) => selectivity(a) - selectivity(b));
  const clauses: SearchFilter[] = prefixes.flatMap((word) => {
    const range = { $gte: word, $lt: `${word}${PREFIX_END}` };
    const elem = { searchKeys: { $elemMatch: range } };
    return exact.length > 0 ? [elem] : [{ searchKeys: range }, elem];
  });
  // A long digit word may be a word of the name ("Client 1042") or the end of a phone.
  clauses.push(...exact.map((word) => ({ searchKeys: { $in: [word, `${PHONE_KEY}${word}`] } })));
  return clauses.length === 1 ? (clauses[0] as SearchFilter) : { $and: clauses };
}
