/**
 * The on-disk framing shared by journal and snapshot files: an 8-byte magic naming the file's
 * kind, then records of `[u32 length][u32 crc32(payload)][payload]`. The checksum lets recovery
 * tell a torn last write (dropped) from damage in the middle of a file (refused).
 */
import { crc32 } from 'node:zlib';
import { serializeWithBufferAndIndex, type Document } from 'bson';

export const JOURNAL_MAGIC = Buffer.from('CRMJRNL1', 'latin1');
export const SNAPSHOT_MAGIC = Buffer.from('CRMSNAP1', 'latin1');
export const MAGIC_SIZE = 8;
const RECORD_HEADER = 8;
/** The smallest BSON document (an empty one). */
const MIN_PAYLOAD = 5;

export function frameRecord(payload: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(RECORD_HEADER);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** Room for the largest record (a 16 MiB document plus its envelope) after a flush point. */
const MAX_RECORD_BYTES = 17 * 1024 * 1024;
const FLUSH_AT_BYTES = 16 * 1024 * 1024;

/**
 * Frames records straight into one reusable buffer: no allocation or copy per record, which
 * matters when a snapshot writes a million documents or a bulk insert journals 100 000.
 */
export class RecordBuffer {
  private buffer = Buffer.allocUnsafe(1024 * 1024);
  /** Bytes framed and not yet taken. */
  used = 0;
  /** Where the payload of the last appended record starts (its tag byte, when it has one). */
  lastPayloadStart = 0;

  /** Whether the caller should write out what is framed before adding more. */
  get isFull(): boolean {
    return this.used >= FLUSH_AT_BYTES;
  }

  /** Frames a BSON document, optionally preceded by a one-byte tag inside the payload. */
  appendDocument(doc: Document, tag?: number): void {
    this.reserve(MAX_RECORD_BYTES);
    const payloadStart = this.used + RECORD_HEADER;
    const bodyStart = tag === undefined ? payloadStart : payloadStart + 1;
    if (tag !== undefined) this.buffer[payloadStart] = tag;
    const last = serializeWithBufferAndIndex(doc, this.buffer, { index: bodyStart });
    this.seal(payloadStart, last + 1);
  }

  /** Frames bytes that already are an encoded document (copied as they are). */
  appendRaw(bytes: Uint8Array, tag: number): void {
    this.reserve(bytes.length + RECORD_HEADER + 1);
    const payloadStart = this.used + RECORD_HEADER;
    this.buffer[payloadStart] = tag;
    this.buffer.set(bytes, payloadStart + 1);
    this.seal(payloadStart, payloadStart + 1 + bytes.length);
  }

  /** The framed bytes; valid until the next append (callers write them out first). */
  view(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  clear(): void {
    this.used = 0;
  }

  private seal(payloadStart: number, payloadEnd: number): void {
    this.lastPayloadStart = payloadStart;
    this.buffer.writeUInt32LE(payloadEnd - payloadStart, this.used);
    this.buffer.writeUInt32LE(crc32(this.buffer.subarray(payloadStart, payloadEnd)), this.used + 4);
    this.used = payloadEnd;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.used + bytes, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

function isAllZero(contents: Buffer, from: number): boolean {
  for (let i = from; i < contents.length; i += 1) if (contents[i] !== 0) return false;
  return true;
}

export class CorruptFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

export interface ScanResult {
  /** How many intact records were read. */
  records: number;
  /** Offset just past the last intact record. */
  validEnd: number;
  /** Bytes after `validEnd` that do not form a whole, intact record (a torn tail). */
  tornBytes: number;
}

/**
 * Reads every record of a file's contents. A bad record at the very end is reported as a torn
 * tail; a bad record followed by more data means the file is damaged, and that throws (the
 * caller then discards whatever it built from the records before it).
 */
export function scanRecords(
  file: string,
  contents: Buffer,
  magic: Buffer,
  /** Called for each intact record with the payload's start and end offsets in `contents`. */
  onRecord: (start: number, end: number) => void,
): ScanResult {
  if (contents.length < MAGIC_SIZE || !contents.subarray(0, MAGIC_SIZE).equals(magic)) {
    throw new CorruptFileError(file, `not a ${magic.toString('latin1')} file (foreign or damaged header)`);
  }
  let records = 0;
  let offset = MAGIC_SIZE;
  while (offset < contents.length) {
    const remaining = contents.length - offset;
    if (remaining < RECORD_HEADER) break;
    const length = contents.readUInt32LE(offset);
    const end = offset + RECORD_HEADER + length;
    if (end > contents.length) break;
    const payload = contents.subarray(offset + RECORD_HEADER, end);
    // An all-zero header (length 0, and crc32 of nothing is 0) would pass the checksum: every
    // payload holds at least a BSON document, so a shorter one is as bad as a checksum mismatch.
    if (length < MIN_PAYLOAD || crc32(payload) !== contents.readUInt32LE(offset + 4)) {
      // After a power loss the file may end in zeros (its size was updated, its last blocks
      // never written): a bad record followed only by zeros is a torn tail too.
      if (isAllZero(contents, end)) break;
      throw new CorruptFileError(file, `checksum mismatch in the record at byte ${offset}, with ${contents.length - end} bytes of records after it`);
    }
    onRecord(offset + RECORD_HEADER, end);
    records += 1;
    offset = end;
  }
  return { records, validEnd: offset, tornBytes: contents.length - offset };
}
