import net from 'node:net';
import { closeTogether } from '../support/pbx.js';

/**
 * A TCP tap in front of the PBX simulator: the CRM's AMI client talks to the simulator through it
 * unchanged, and a test can slip extra AMI events into the stream the CRM reads — the frames a real
 * Asterisk sends for a call the simulator does not model (two agents calling each other's desk
 * phones). Events are only ever inserted between two whole messages of the simulator.
 */
export interface AmiTap {
  port: number;
  /** Sends one event (`Event: name` then the fields, in order) to every connected AMI client. */
  inject(name: string, fields: Record<string, string>): void;
  close(): Promise<void>;
}

interface Link {
  client: net.Socket;
  upstream: net.Socket;
  /** The simulator's bytes seen so far end between two messages (after the banner or a blank line). */
  isAtBoundary: boolean;
  hasBanner: boolean;
  pending: string[];
}

export async function startAmiTap(targetPort: number): Promise<AmiTap> {
  const links = new Set<Link>();

  const flush = (link: Link) => {
    if (!link.isAtBoundary || !link.hasBanner) return;
    for (const message of link.pending.splice(0)) link.client.write(message);
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const link: Link = { client, upstream, isAtBoundary: false, hasBanner: false, pending: [] };
    links.add(link);
    let tail = '';
    upstream.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      tail = (tail + text).slice(-4);
      if (!link.hasBanner) {
        // The banner is one line; AMI messages after it end with a blank line.
        const lineEnd = text.indexOf('\r\n');
        if (lineEnd >= 0) link.hasBanner = true;
      }
      if (link.pending.length > 0 && link.hasBanner) {
        // Write up to the last message end, the injected events, then the rest.
        const cut = text.lastIndexOf('\r\n\r\n');
        if (cut >= 0) {
          client.write(chunk.subarray(0, cut + 4));
          link.isAtBoundary = true;
          flush(link);
          const rest = chunk.subarray(cut + 4);
          if (rest.length > 0) client.write(rest);
          link.isAtBoundary = rest.length === 0;
          return;
        }
      }
      client.write(chunk);
      link.isAtBoundary = tail.endsWith('\r\n\r\n') || /^Asterisk Call Manager\/[^\r\n]*\r\n$/.test(text);
    });
    client.pipe(upstream);
    closeTogether(client, upstream, () => links.delete(link));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the AMI tap has no port');

  return {
    port: address.port,
    inject(name, fields) {
      let message = `Event: ${name}\r\nPrivilege: call,all\r\n`;
      for (const [key, value] of Object.entries(fields)) message += `${key}: ${value}\r\n`;
      message += '\r\n';
      for (const link of links) {
        link.pending.push(message);
        flush(link);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const link of links) {
          link.client.destroy();
          link.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
