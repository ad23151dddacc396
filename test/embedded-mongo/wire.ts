/** Raw wire-protocol helpers for tests that talk to the server below the driver. */
import net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';

let requestId = 1;

export function opMsg(body: Document, opCode = 2013): Buffer {
  const doc = Buffer.from(serialize(body));
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + doc.length, 0);
  header.writeInt32LE(requestId++, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(opCode, 12);
  header.writeUInt32LE(0, 16); // flagBits
  header.writeUInt8(0, 20); // section kind 0
  return Buffer.concat([header, doc]);
}

export function parseHostPort(url: string): { host: string; port: number } {
  const match = /^mongodb:\/\/([^/:,]+):(\d+)/.exec(url);
  if (!match) throw new Error(`cannot read host:port from ${url}`);
  return { host: match[1] as string, port: Number(match[2]) };
}

export interface RawClient {
  socket: net.Socket;
  /** Next complete reply body, or 'closed' if the server closed the connection first. */
  nextReply(): Promise<Document | 'closed'>;
  close(): void;
}

export async function connectRaw(url: string): Promise<RawClient> {
  const { host, port } = parseHostPort(url);
  const socket = net.connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffered = Buffer.alloc(0);
  let isClosed = false;
  const waiting: Array<() => void> = [];
  const wake = () => waiting.splice(0).forEach((resolve) => resolve());
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake();
  });
  socket.on('close', () => {
    isClosed = true;
    wake();
  });
  socket.on('error', () => undefined);
  return {
    socket,
    async nextReply() {
      for (;;) {
        if (buffered.length >= 4) {
          const length = buffered.readInt32LE(0);
          if (buffered.length >= length) {
            const message = buffered.subarray(0, length);
            buffered = buffered.subarray(length);
            const opCode = message.readInt32LE(12);
            // OP_MSG: body after flags and section kind; OP_REPLY: after 20 bytes of reply fields.
            return deserialize(message.subarray(opCode === 2013 ? 21 : 36));
          }
        }
        if (isClosed) return 'closed';
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    },
    close: () => socket.destroy(),
  };
}
