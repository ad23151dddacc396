import { Binary, Decimal128, Long, ObjectId, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { rawObjectIdHex, readTopLevelFields } from './raw-bson.js';

describe('reading fields of an encoded document', () => {
  const id = new ObjectId();
  const doc = {
    _id: id,
    name: 'Анна',
    phones: ['+79001112233', '+78001112233'],
    n: 42,
    x: 1.5,
    big: Long.fromString('9007199254740993'),
    at: new Date('2026-03-02T10:00:00Z'),
    ok: true,
    none: null,
    bin: new Binary(Buffer.from([1, 2, 3])),
    dec: Decimal128.fromString('1.10'),
    sub: { a: [1, { b: 2 }] },
    mixed: ['a', { k: 1 }],
    re: /x+/i,
  };
  const encoded = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(serialize(doc))]);

  it('decodes just the wanted fields, of any BSON type, at an offset', () => {
    const fields = ['phones', 'at', 'sub', 'mixed', 'n', 'big', 'none', 'ok', 'name', 'x'];
    const read = readTopLevelFields(encoded, 3, fields);
    expect(read).toEqual({
      name: 'Анна',
      phones: ['+79001112233', '+78001112233'],
      n: 42,
      x: 1.5,
      big: doc.big,
      at: doc.at,
      ok: true,
      none: null,
      sub: { a: [1, { b: 2 }] },
      mixed: ['a', { k: 1 }],
    });
  });

  it('skips over every other type to reach a later field, and ignores absent ones', () => {
    expect(readTopLevelFields(encoded, 3, ['re', 'absent'])).toEqual({ re: /x+/i });
    expect(String(readTopLevelFields(encoded, 3, ['dec']).dec)).toBe('1.10');
  });

  it('reads an ObjectId _id straight from the bytes', () => {
    expect(rawObjectIdHex(encoded, 3)).toBe(id.toHexString());
    expect(rawObjectIdHex(Buffer.from(serialize({ _id: 'text' })), 0)).toBeUndefined();
  });
});
