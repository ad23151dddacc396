import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AmiConnection } from './ami-connection.js';

function connectionWithLog() {
  const messages: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => messages.push(String(JSON.parse(line).msg)) });
  const connection = new AmiConnection({ host: '127.0.0.1', port: 1, username: 'crm', secret: 'crm-secret', logger, now: Date.now });
  return { connection, messages };
}

describe('actions', () => {
  it('refuses a value with a line break, which would smuggle another header or action to the PBX', async () => {
    const { connection } = connectionWithLog();
    await expect(connection.action({ action: 'QueueRemove', queue: 'support\r\n\r\nAction: Originate', interface: 'Local/1001@agents/n' })).rejects.toMatchObject({
      code: 'invalid',
      message: 'queue: must not contain a line break',
    });
    await expect(connection.listAction({ action: 'QueueStatus', queue: 'sales\nMember: x' })).rejects.toMatchObject({ code: 'invalid' });
  });
});

describe('skipped AMI input in the log', () => {
  it('says once why input was skipped, however often the PBX repeats it', () => {
    const { connection, messages } = connectionWithLog();
    for (let index = 0; index < 1000; index += 1) connection.problem('unknown event Join');
    expect(messages).toEqual(['AMI: skipped input (unknown event Join)']);
  });

  it('still says it only once after many other distinct reasons have been logged', () => {
    const { connection, messages } = connectionWithLog();
    for (let index = 0; index < 600; index += 1) connection.problem(`unknown event Custom${index}`);
    messages.length = 0;
    for (let index = 0; index < 1000; index += 1) connection.problem('unknown event Join');
    expect(messages).toEqual(['AMI: skipped input (unknown event Join)']);
  });
});
