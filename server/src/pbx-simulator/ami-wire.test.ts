import { describe, expect, it } from 'vitest';
import { formatMessage, parseActions, parseCallerId } from './ami-wire.js';

describe('AMI wire format (simulator side)', () => {
  it('splits actions, keeps the unfinished rest, reads headers case-insensitively and every Variable', () => {
    const { actions, rest } = parseActions('Action: Originate\r\nActionID: o1\r\nVariable: A=1\r\nvariable: B=2,C=3\r\nCHANNEL: Local/1001@agents\r\n\r\nAction: Ping\r\nAction');
    expect(actions).toHaveLength(1);
    expect(actions[0]?.headers.get('channel')).toBe('Local/1001@agents');
    expect(actions[0]?.variables).toEqual([['A', '1'], ['B', '2'], ['C', '3']]);
    expect(rest).toBe('Action: Ping\r\nAction');
  });

  it('accepts LF-only clients and ignores lines without a colon', () => {
    const { actions } = parseActions('Action: Ping\nnonsense\nActionID: 7\n\n');
    expect(actions[0]?.headers.get('actionid')).toBe('7');
  });

  it('writes Key: Value lines ended by a blank line, and reads caller IDs', () => {
    expect(formatMessage([['Response', 'Success'], ['Ping', 'Pong']])).toBe('Response: Success\r\nPing: Pong\r\n\r\n');
    expect(parseCallerId('"Ivan Petrov" <+73432001122>')).toEqual({ name: 'Ivan Petrov', num: '+73432001122' });
    expect(parseCallerId('+73432001122')).toEqual({ name: null, num: '+73432001122' });
  });
});
