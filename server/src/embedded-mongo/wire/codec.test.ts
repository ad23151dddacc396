import { deserialize, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { decodeRequest, encodeReply, OP_MSG, OP_QUERY, ProtocolError } from './codec.js';

function header(length: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(77, 4);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function opMsg(flags: number, sections: Buffer[], checksum = false): Buffer {
  const flagBytes = Buffer.alloc(4);
  flagBytes.writeUInt32LE(flags, 0);
  const body = Buffer.concat([flagBytes, ...sections, ...(checksum ? [Buffer.alloc(4, 0xab)] : [])]);
  return Buffer.concat([header(16 + body.length, OP_MSG), body]);
}

const kind0 = (doc: object) => Buffer.concat([Buffer.from([0]), Buffer.from(serialize(doc))]);

function kind1(identifier: string, docs: object[]): Buffer {
  const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map((doc) => Buffer.from(serialize(doc)))]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + payload.length, 0);
  return Buffer.concat([Buffer.from([1]), size, payload]);
}

describe('wire codec', () => {
  it('merges kind-1 document sequences into the command, with a checksum present', () => {
    const message = opMsg(1, [kind0({ insert: 'calls', $db: 'crm' }), kind1('documents', [{ a: 1 }, { a: 2 }])], true);
    const request = decodeRequest(message);
    expect(request.db).toBe('crm');
    expect(request.body).toEqual({ insert: 'calls', $db: 'crm', documents: [{ a: 1 }, { a: 2 }] });
    expect(request.isFireAndForget).toBe(false);
  });

  it('marks moreToCome requests as needing no reply', () => {
    expect(decodeRequest(opMsg(2, [kind0({ insert: 'x', $db: 'crm' })])).isFireAndForget).toBe(true);
  });

  it('refuses unknown required flag bits and ignores optional ones (exhaustAllowed)', () => {
    expect(() => decodeRequest(opMsg(1 << 4, [kind0({ ping: 1, $db: 'admin' })]))).toThrow(/required flag/);
    expect(decodeRequest(opMsg(1 << 16, [kind0({ ping: 1, $db: 'admin' })])).body).toEqual({ ping: 1, $db: 'admin' });
  });

  it('requires $db in an OP_MSG command, as MongoDB does (40571)', () => {
    expect(() => decodeRequest(opMsg(0, [kind0({ ping: 1 })]))).toThrow(expect.objectContaining({ code: 40571 }));
  });

  it('decodes a legacy OP_QUERY handshake and answers with OP_REPLY', () => {
    const query = Buffer.concat([Buffer.alloc(4), Buffer.from('admin.$cmd\0'), Buffer.alloc(8), Buffer.from(serialize({ isMaster: 1 }))]);
    const message = Buffer.concat([header(16 + query.length, OP_QUERY), query]);
    const request = decodeRequest(message);
    expect(request).toMatchObject({ db: 'admin', body: { isMaster: 1 }, isLegacy: true });
    const reply = encodeReply(request, { ok: 1 });
    expect(reply.readInt32LE(8)).toBe(77);
    expect(reply.readInt32LE(12)).toBe(1);
    expect(deserialize(reply.subarray(36))).toEqual({ ok: 1 });
  });

  it('rejects a section whose document overruns the message', () => {
    const bad = kind0({ ping: 1 });
    bad.writeInt32LE(5000, 1);
    expect(() => decodeRequest(opMsg(0, [bad]))).toThrow(ProtocolError);
  });

  it('rejects an unknown section kind and a missing body', () => {
    expect(() => decodeRequest(opMsg(0, [Buffer.from([9, 0, 0, 0])]))).toThrow(ProtocolError);
    expect(() => decodeRequest(opMsg(0, [kind1('documents', [{ a: 1 }])]))).toThrow(/no body/);
  });
});
