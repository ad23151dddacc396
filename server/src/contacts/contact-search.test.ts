import { describe, expect, it } from 'vitest';
import { contactSearchFilter, contactSearchKeys } from './contact-search.js';

describe('contact search keys', () => {
  const keys = contactSearchKeys({
    name: 'Иван Петров-Ёлкин',
    company: 'Ural Steel LLC',
    email: 'Ivan@UralSteel.ru',
    phones: ['+73432001122'],
  });

  it('holds lower-case words of name and company, ё read as е', () => {
    expect(keys).toEqual(expect.arrayContaining(['иван', 'петров', 'елкин', 'ural', 'steel', 'llc', 'ivan@uralsteel.ru']));
  });

  it('holds one key per phone, its digits reversed and marked apart from words', () => {
    expect(keys).toContain('#22110023437');
    expect(keys.filter((key) => key.startsWith('#'))).toHaveLength(1);
  });
});

const range = (prefix: string) => ({ $gte: prefix, $lt: `${prefix}\uffff` });
const prefix = (key: string) => [{ searchKeys: range(key) }, { searchKeys: { $elemMatch: range(key) } }];

describe('contact search filter', () => {
  it('looks a complete number in any format up by its reversed E.164 digits', () => {
    expect(contactSearchFilter('8 343 200-11-22', 'RU')).toEqual({ $and: prefix('#22110023437') });
    expect(contactSearchFilter('+7 (343) 2001122', 'RU')).toEqual({ $and: prefix('#22110023437') });
  });

  it('looks a fragment up as a prefix of the reversed digits (the end of the number)', () => {
    expect(contactSearchFilter('200-11-22', 'RU')).toEqual({ $and: prefix('#2211002') });
  });

  it('matches every typed word by prefix, the longest word as the index range', () => {
    expect(contactSearchFilter('Петр urals', 'RU')).toEqual({
      $and: [{ searchKeys: { $elemMatch: range('петр') } }, ...prefix('urals')],
    });
  });

  it('puts a word with digits last, as the most selective', () => {
    const filter = contactSearchFilter('Steel 123', 'RU') as { $and: { searchKeys: unknown }[] };
    expect(filter.$and.at(-1)).toEqual({ searchKeys: { $elemMatch: range('123') } });
  });

  it('leaves out a one-letter word typed beside longer ones', () => {
    expect(contactSearchFilter('Steel 5', 'RU')).toEqual({ $and: prefix('steel') });
    expect(contactSearchFilter('p', 'RU')).toEqual({ $and: prefix('p') });
  });

  it('reads a long digit word as a word of the name or as the end of a phone', () => {
    expect(contactSearchFilter('Steel 2001122', 'RU')).toEqual({
      $or: [
        { $and: [{ searchKeys: { $elemMatch: range('steel') } }, ...prefix('2001122')] },
        { $and: [{ searchKeys: { $elemMatch: range('steel') } }, ...prefix('#2211002')] },
      ],
    });
  });

  it('needs no regex, so typed regex characters are plain text', () => {
    expect(contactSearchFilter('***', 'RU')).toEqual({ searchKeys: { $in: [] } });
    expect(JSON.stringify(contactSearchFilter('a.b(', 'RU'))).not.toContain('$regex');
  });
});
