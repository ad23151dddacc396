/**
 * Splits a TCP byte stream into whole wire-protocol messages. TCP may deliver half a message or
 * several at once; each message starts with its own int32 length. The length is checked as
 * soon as its four bytes arrive, so an oversize or nonsensical frame is refused before any of
 * its body is buffered.
 */
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
/** The standard 16-byte header: messageLength, requestID, responseTo, opCode. */
export const HEADER_SIZE = 16;

export class FramingError extends Error {}

export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageSize = MAX_MESSAGE_SIZE_BYTES) {}

  /** Feeds received bytes; returns every message completed by them, in order. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      const length = this.peekLength();
      if (length === undefined || this.buffered < length) break;
      messages.push(this.take(length));
    }
    return messages;
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peekLength(): number | undefined {
    if (this.buffered < 4) return undefined;
    const head = this.chunks[0] as Buffer;
    const length = head.length >= 4 ? head.readInt32LE(0) : Buffer.concat(this.chunks).readInt32LE(0);
    if (length < HEADER_SIZE) throw new FramingError(`message length ${length} is shorter than a header`);
    if (length > this.maxMessageSize) throw new FramingError(`message length ${length} exceeds maxMessageSizeBytes ${this.maxMessageSize}`);
    return length;
  }

  /** Removes exactly `length` bytes from the front, copying only when a message spans chunks. */
  private take(length: number): Buffer {
    const head = this.chunks[0] as Buffer;
    if (head.length >= length) {
      const message = head.subarray(0, length);
      if (head.length === length) this.chunks.shift();
      else this.chunks[0] = head.subarray(length);
      this.buffered -= length;
      return message;
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const message = all.subarray(0, length);
    const rest = all.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return message;
  }
}
