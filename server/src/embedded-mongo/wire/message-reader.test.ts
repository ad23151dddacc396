import { describe, expect, it } from 'vitest';
import { FramingError, MessageReader } from './message-reader.js';

function message(length: number, fill: number): Buffer {
  const buffer = Buffer.alloc(length, fill);
  buffer.writeInt32LE(length, 0);
  return buffer;
}

describe('MessageReader', () => {
  it('assembles a message delivered in pieces, even a split length prefix', () => {
    const reader = new MessageReader();
    const whole = message(40, 7);
    expect(reader.push(whole.subarray(0, 2))).toEqual([]);
    expect(reader.push(whole.subarray(2, 25))).toEqual([]);
    const [done] = reader.push(whole.subarray(25));
    expect(done?.equals(whole)).toBe(true);
    expect(reader.pendingBytes).toBe(0);
  });

  it('splits several messages that arrive in one read, keeping a trailing partial one', () => {
    const reader = new MessageReader();
    const a = message(20, 1);
    const b = message(33, 2);
    const c = message(18, 3);
    const out = reader.push(Buffer.concat([a, b, c.subarray(0, 5)]));
    expect(out.map((m) => m.length)).toEqual([20, 33]);
    expect(out[1]?.equals(b)).toBe(true);
    expect(reader.pendingBytes).toBe(5);
    expect(reader.push(c.subarray(5))[0]?.equals(c)).toBe(true);
  });

  it('refuses an oversize message as soon as its length is known', () => {
    const reader = new MessageReader(1000);
    const header = Buffer.alloc(4);
    header.writeInt32LE(1001, 0);
    expect(() => reader.push(header)).toThrow(FramingError);
  });

  it('refuses a length shorter than a header', () => {
    const reader = new MessageReader();
    const header = Buffer.alloc(8);
    header.writeInt32LE(-5, 0);
    expect(() => reader.push(header)).toThrow(FramingError);
  });
});
