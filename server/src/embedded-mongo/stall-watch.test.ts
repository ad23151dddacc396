import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { watchStalls } from './stall-watch.js';

describe('stall watch', () => {
  it('logs a blocked event loop with how long it lasted', async () => {
    const lines: Array<{ blockedMs: number; gcPausesMs: number; msg: string }> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const stop = watchStalls(logger);
    await new Promise((resolve) => setTimeout(resolve, 120));
    // Something holds the loop for half a second (a huge synchronous command, a long GC).
    const until = performance.now() + 500;
    while (performance.now() < until);
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop();
    const stall = lines.find((line) => line.msg === 'event loop blocked: every client waited');
    expect(stall?.blockedMs).toBeGreaterThanOrEqual(400);
    expect(stall?.gcPausesMs).toBeGreaterThanOrEqual(0);
  });
});
