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

  it('holds trailing digit runs of each phone, marked apart from words', () => {
    expect(keys).toEqual(expect.arrayContaining(['#1122', '#2001122', '#3432001122', '#73432001122']));
    expect(keys).not.toContain('1122');
  });
});

describe('contact search filter', () => {
  it('looks a complete number in any format up by its E.164 digits', () => {
    expect(contactSearchFilter('8 343 200-11-22', 'RU')).toEqual({ searchKeys: '#73432001122' });
    expect(contactSearchFilter('+7 (343) 2001122', 'RU')).toEqual({ searchKeys: '#73432001122' });
  });

  it('looks a fragment up by its digits', () => {
    expect(contactSearchFilter('200-11-22', 'RU')).toEqual({ searchKeys: '#2001122' });
  });

  it('matches every typed word by prefix as an index range on one key, longest word last', () => {
    expect(contactSearchFilter('Петр urals', 'RU')).toEqual({
      $and: [
        { searchKeys: { $gte: 'петр', $lt: 'петр\uffff' } },
        { searchKeys: { $elemMatch: { $gte: 'петр', $lt: 'петр\uffff' } } },
        { searchKeys: { $gte: 'urals', $lt: 'urals\uffff' } },
        { searchKeys: { $elemMatch: { $gte: 'urals', $lt: 'urals\uffff' } } },
      ],
    });
  });

  it('puts a word with digits last, as the most selective', () => {
    const filter = contactSearchFilter('Steel 123', 'RU') as { $and: { searchKeys: unknown }[] };
    expect(filter.$and.at(-1)).toEqual({ searchKeys: { $elemMatch: { $gte: '123', $lt: '123\uffff' } } });
  });

  it('leaves out a one-letter word typed beside longer ones', () => {
    expect(contactSearchFilter('Steel 5', 'RU')).toEqual({
      $and: [{ searchKeys: { $gte: 'steel', $lt: 'steel\uffff' } }, { searchKeys: { $elemMatch: { $gte: 'steel', $lt: 'steel\uffff' } } }],
    });
    expect(contactSearchFilter('p', 'RU')).toEqual({
      $and: [{ searchKeys: { $gte: 'p', $lt: 'p\uffff' } }, { searchKeys: { $elemMatch: { $gte: 'p', $lt: 'p\uffff' } } }],
    });
  });

  it('looks digit words up as exact keys', () => {
    expect(contactSearchFilter('Steel 2001122', 'RU')).toEqual({
      $and: [{ searchKeys: { $elemMatch: { $gte: 'steel', $lt: 'steel\uffff' } } }, { searchKeys: { $in: ['2001122', '#2001122'] } }],
    });
  });

  it('needs no regex, so typed regex characters are plain text', () => {
    expect(contactSearchFilter('***', 'RU')).toEqual({ searchKeys: { $in: [] } });
    expect(JSON.stringify(contactSearchFilter('a.b(', 'RU'))).not.toContain('$regex');
  });
});
