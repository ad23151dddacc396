import { MIN_PHONE_FRAGMENT_DIGITS, phoneFragmentDigits, phoneFragmentKey, phoneSearchKey, type CountryCode } from '@crm/shared';

/**
 * Contact search without scanning: every card stores `searchKeys` (a multikey index) holding its
 * name/company/e-mail words in lower case and, marked with `#`, each phone's digits reversed.
 * A word is found by prefix, and so is a phone fragment (the end of a number is the start of its
 * reversed digits): one index range either way, one key per number. The `#` keeps phone keys out
 * of word ranges: "42" as a word must not walk every number ending in 24….
 */

/**
 * Bumped when the key format changes; cards with an older version get their keys rebuilt.
 * 2: one key per trailing digit run of each phone; 3: one reversed key per phone.
 */
export const SEARCH_KEYS_VERSION = 3;
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
  for (const phone of phones) keys.add(`${PHONE_KEY}${phoneSearchKey(phone)}`);
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
 * The clauses that find a prefix on an array field: the range must hold for one element, hence
 * `$elemMatch`. The plain range beside it lets a planner that does not plan `$elemMatch` on an
 * index still walk that range instead of the collection; it never changes the result.
 */
function prefixClauses(prefix: string): SearchFilter[] {
  const range = prefixRange(prefix);
  return [{ searchKeys: range }, { searchKeys: { $elemMatch: range } }];
}

const allOf = (clauses: SearchFilter[]): SearchFilter => (clauses.length === 1 ? (clauses[0] as SearchFilter) : { $and: clauses });
const phonePrefix = (digits: string) => `${PHONE_KEY}${phoneFragmentKey(digits)}`;
const isDigitWord = (word: string) => /^\d+$/.test(word) && word.length >= MIN_PHONE_FRAGMENT_DIGITS;

/**
 * The store filter for a typed search: a phone fragment in any format, or words, each matched by
 * prefix. A simple planner walks the last range, so the most selective word goes last. A long
 * digit word ("Client 1042", "Petrov 2001122") may be a word of the name or the end of a phone:
 * the filter is then an `$or` of both readings, each served by its own index range.
 */
export function contactSearchFilter(q: string, defaultCountry: CountryCode): SearchFilter {
  const digits = phoneFragmentDigits(q, defaultCountry);
  if (digits) return allOf(prefixClauses(phonePrefix(digits)));
  const typed = [...new Set(wordsOf(q))];
  // A one-letter word beside longer ones ("Steel 5", typed as you go) would make a range over a
  // large part of the index for little narrowing: it is left out until it grows.
  const words = typed.some((word) => word.length > 1) ? typed.filter((word) => word.length > 1) : typed;
  if (words.length === 0) return { searchKeys: { $in: [] } };
  // Most selective last: words with digits, then longer words.
  const selectivity = (word: string) => (/\d/.test(word) && word.length >= 3 ? 100 : 0) + word.length;
  const ordered = [...words].sort((a, b) => selectivity(a) - selectivity(b));
  const last = ordered.pop() as string;
  const clauses: SearchFilter[] = ordered.map((word) =>
    isDigitWord(word)
      ? { $or: [{ searchKeys: { $elemMatch: prefixRange(word) } }, { searchKeys: { $elemMatch: prefixRange(phonePrefix(word)) } }] }
      : { searchKeys: { $elemMatch: prefixRange(word) } },
  );
  if (!isDigitWord(last)) return allOf([...clauses, ...prefixClauses(last)]);
  return { $or: [allOf([...clauses, ...prefixClauses(last)]), allOf([...clauses, ...prefixClauses(phonePrefix(last))])] };
}

function prefixRange(prefix: string): { $gte: string; $lt: string } {
  return { $gte: prefix, $lt: `${prefix}${PREFIX_END}` };
}
