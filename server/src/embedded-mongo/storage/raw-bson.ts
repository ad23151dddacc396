/**
 * Reading a few top-level fields out of an encoded BSON document without decoding the rest
 * (index keys and `_id` at load time). Values of the wanted fields are decoded with `bson`
 * itself, by wrapping each in a one-field document view.
 */
import { deserialize } from 'bson';
import type { Doc } from '../query/bson-order.js';

const DECODE = { allowObjectSmallerThanBufferSize: true } as const;

/** Byte length of an element value of BSON type `type` starting at `at`. */
function valueLength(buffer: Buffer, type: number, at: number): number {
  switch (type) {
    case 0x01: // double
    case 0x09: // UTC datetime
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // JavaScript code
    case 0x0e: // symbol
      return 4 + buffer.readInt32LE(at);
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return buffer.readInt32LE(at);
    case 0x05: // binary
      return 5 + buffer.readInt32LE(at);
    case 0x06: // undefined
    case 0x0a: // null
    case 0x7f: // max key
    case 0xff: // min key
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x0b: {
      // regex: two C strings
      const first = buffer.indexOf(0, at);
      return buffer.indexOf(0, first + 1) + 1 - at;
    }
    case 0x0c: // DBPointer
      return 4 + buffer.readInt32LE(at) + 12;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      throw new Error(`unknown BSON element type ${type}`);
  }
}

/** Decodes one element (type byte through value) as a field of a tiny document. */
function decodeElement(buffer: Buffer, elementStart: number, elementEnd: number): Doc {
  const size = 4 + (elementEnd - elementStart) + 1;
  const view = Buffer.allocUnsafe(size);
  view.writeInt32LE(size, 0);
  buffer.copy(view, 4, elementStart, elementEnd);
  view[size - 1] = 0;
  return deserialize(view, DECODE);
}

/** Decodes the common index-key shapes directly from the bytes; undefined means "use bson". */
function decodeSimpleValue(buffer: Buffer, type: number, at: number): { value: unknown } | undefined {
  switch (type) {
    case 0x02:
      return { value: buffer.toString('utf8', at + 4, at + 4 + buffer.readInt32LE(at) - 1) };
    case 0x10:
      return { value: buffer.readInt32LE(at) };
    case 0x01:
      return { value: buffer.readDoubleLE(at) };
    case 0x09:
      return { value: new Date(Number(buffer.readBigInt64LE(at))) };
    case 0x08:
      return { value: buffer[at] === 1 };
    case 0x0a:
      return { value: null };
    case 0x04:
      return decodeSimpleArray(buffer, at);
    default:
      return undefined;
  }
}

/** An array whose elements are all simple values (phones, tags). */
function decodeSimpleArray(buffer: Buffer, at: number): { value: unknown } | undefined {
  const end = at + buffer.readInt32LE(at) - 1;
  const values: unknown[] = [];
  let cursor = at + 4;
  while (cursor < end) {
    const type = buffer[cursor] as number;
    if (type === 0x04 || type === 0x03) return undefined;
    const valueStart = buffer.indexOf(0, cursor + 1) + 1;
    const decoded = decodeSimpleValue(buffer, type, valueStart);
    if (!decoded) return undefined;
    values.push(decoded.value);
    cursor = valueStart + valueLength(buffer, type, valueStart);
  }
  return { value: values };
}

/**
 * The `_id` of an encoded document as an id-map key, reading an ObjectId `_id` (the usual
 * first field) straight from its bytes; undefined for other shapes.
 */
export function rawObjectIdHex(buffer: Buffer, offset: number): string | undefined {
  const at = offset + 4;
  if (buffer[at] !== 0x07 || buffer[at + 1] !== 0x5f || buffer[at + 2] !== 0x69 || buffer[at + 3] !== 0x64 || buffer[at + 4] !== 0) return undefined;
  return buffer.toString('hex', at + 5, at + 17);
}

const encodedNames = new Map<string, Buffer>();

function encodedName(name: string): Buffer {
  let encoded = encodedNames.get(name);
  if (!encoded) {
    encoded = Buffer.from(name, 'utf8');
    encodedNames.set(name, encoded);
  }
  return encoded;
}

/** Which wanted name the element name at [start, end) is, comparing bytes (no string made). */
function matchName(buffer: Buffer, start: number, end: number, names: readonly string[]): string | undefined {
  for (const name of names) {
    const encoded = encodedName(name);
    if (encoded.length === end - start && buffer.compare(encoded, 0, encoded.length, start, end) === 0) return name;
  }
  return undefined;
}

export function readTopLevelFields(buffer: Buffer, offset: number, names: readonly string[]): Doc {
  const out: Doc = {};
  const end = offset + buffer.readInt32LE(offset) - 1;
  let at = offset + 4;
  let found = 0;
  while (at < end && found < names.length) {
    const elementStart = at;
    const type = buffer[at] as number;
    const nameEnd = buffer.indexOf(0, at + 1);
    const name = matchName(buffer, at + 1, nameEnd, names);
    const valueStart = nameEnd + 1;
    const next = valueStart + valueLength(buffer, type, valueStart);
    if (name !== undefined) {
      const simple = decodeSimpleValue(buffer, type, valueStart);
      if (simple) out[name] = simple.value;
      else Object.assign(out, decodeElement(buffer, elementStart, next));
      found += 1;
    }
    at = next;
  }
  return out;
}
