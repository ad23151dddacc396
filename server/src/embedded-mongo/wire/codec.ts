/**
 * Decoding requests and encoding replies for the opcodes drivers use: OP_MSG (2013) for every
 * command, and the legacy OP_QUERY (2004) / OP_REPLY (1) pair that drivers still use for the
 * first `hello` of a connection.
 */
import { deserialize, serialize, type Document } from 'bson';
import { MongoCommandError } from '../errors.js';
import { HEADER_SIZE } from './message-reader.js';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const FLAG_CHECKSUM_PRESENT = 1 << 0;
const FLAG_MORE_TO_COME = 1 << 1;
/** Bits 0–15 are "required": a receiver must refuse a message with one it does not know. */
const REQUIRED_FLAGS_MASK = 0xffff;
const KNOWN_REQUIRED_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME;

export class ProtocolError extends Error {}

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export interface CommandRequest {
  header: MessageHeader;
  /** The command document, with kind-1 document sequences merged in as arrays. */
  body: Document;
  /** The database the command runs in (`$db` or the OP_QUERY namespace). */
  db: string;
  /** The client set moreToCome: it expects no reply (unacknowledged writes). */
  isFireAndForget: boolean;
  isLegacy: boolean;
}

export function readHeader(message: Buffer): MessageHeader {
  return {
    length: message.readInt32LE(0),
    requestId: message.readInt32LE(4),
    responseTo: message.readInt32LE(8),
    opCode: message.readInt32LE(12),
  };
}

const BSON_OPTIONS = { validation: { utf8: true } } as const;

function readDocument(message: Buffer, offset: number, end: number): { doc: Document; next: number } {
  if (offset + 5 > end) throw new ProtocolError('truncated BSON document');
  const size = message.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new ProtocolError(`BSON document size ${size} does not fit the message`);
  const doc = deserialize(message.subarray(offset, offset + size), BSON_OPTIONS);
  return { doc, next: offset + size };
}

function readCString(message: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = message.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated C string');
  return { value: message.toString('utf8', offset, zero), next: zero + 1 };
}

/** Parses an OP_MSG or OP_QUERY command; throws ProtocolError on malformed input. */
export function decodeRequest(message: Buffer): CommandRequest {
  const header = readHeader(message);
  if (header.opCode === OP_MSG) return decodeOpMsg(message, header);
  if (header.opCode === OP_QUERY) return decodeOpQuery(message, header);
  throw new ProtocolError(`unsupported opCode ${header.opCode}`);
}

function decodeOpMsg(message: Buffer, header: MessageHeader): CommandRequest {
  if (message.length < HEADER_SIZE + 5) throw new ProtocolError('OP_MSG too short');
  const flags = message.readUInt32LE(HEADER_SIZE);
  const unknownRequired = flags & REQUIRED_FLAGS_MASK & ~KNOWN_REQUIRED_FLAGS;
  if (unknownRequired !== 0) throw new ProtocolError(`OP_MSG has unknown required flag bits 0x${unknownRequired.toString(16)}`);
  // The CRC-32C checksum (if present) is the last 4 bytes; TCP already guards the bytes, so it is skipped rather than verified.
  const end = flags & FLAG_CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === 0) {
      const { doc, next } = readDocument(message, offset, end);
      if (body) throw new ProtocolError('OP_MSG has more than one body section');
      body = doc;
      offset = next;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new ProtocolError('truncated document sequence');
      const sectionEnd = offset + message.readInt32LE(offset);
      if (sectionEnd > end || sectionEnd < offset + 5) throw new ProtocolError('document sequence size does not fit the message');
      const { value: identifier, next } = readCString(message, offset + 4, sectionEnd);
      const docs: Document[] = [];
      let cursor = next;
      while (cursor < sectionEnd) {
        const read = readDocument(message, cursor, sectionEnd);
        docs.push(read.doc);
        cursor = read.next;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${String(kind)}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG has no body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  if (typeof body.$db !== 'string') throw new MongoCommandError('Location40571', 'OP_MSG requests require a $db argument');
  const db = body.$db;
  return { header, body, db, isFireAndForget: (flags & FLAG_MORE_TO_COME) !== 0, isLegacy: false };
}

function decodeOpQuery(message: Buffer, header: MessageHeader): CommandRequest {
  let offset = HEADER_SIZE + 4; // flags
  const { value: namespace, next } = readCString(message, offset, message.length);
  offset = next + 8; // numberToSkip, numberToReturn
  const { doc } = readDocument(message, offset, message.length);
  if (!namespace.endsWith('.$cmd')) throw new ProtocolError(`OP_QUERY is only supported for commands, not ${namespace}`);
  const body = '$query' in doc && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  return { header, body, db: namespace.slice(0, -'.$cmd'.length), isFireAndForget: false, isLegacy: true };
}

let nextRequestId = 1;

function frame(opCode: number, responseTo: number, payload: Uint8Array[]): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  const length = HEADER_SIZE + payload.reduce((sum, part) => sum + part.length, 0);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, ...payload], length);
}

/** A reply in the same protocol the request used. */
export function encodeReply(request: Pick<CommandRequest, 'header' | 'isLegacy'>, reply: Document): Buffer {
  // Framed by one copy (the concat below); wrapping the encoding in Buffer.from would copy it twice.
  const doc = serialize(reply, { ignoreUndefined: true });
  if (request.isLegacy) {
    const prefix = Buffer.alloc(20);
    prefix.writeInt32LE(0, 0); // responseFlags
    prefix.writeBigInt64LE(0n, 4); // cursorID
    prefix.writeInt32LE(0, 12); // startingFrom
    prefix.writeInt32LE(1, 16); // numberReturned
    return frame(OP_REPLY, request.header.requestId, [prefix, doc]);
  }
  const prefix = Buffer.alloc(5); // flagBits 0, section kind 0
  return frame(OP_MSG, request.header.requestId, [prefix, doc]);
}
