import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '@crm/shared';
import { AgentBoard, deviceActivityFromStatus } from './agent-state.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');

function board() {
  const changes: AgentStatus[] = [];
  return { board: new AgentBoard((status) => changes.push(status)), changes };
}

describe('agent state', () => {
  it('is ready once logged into a queue with a free device, and since says when that began', () => {
    const { board: agents } = board();
    agents.membership({ extension: '1001', queue: 'support', device: 'idle', paused: false, pauseReason: null }, T0);
    expect(agents.get('1001')).toEqual({ extension: '1001', state: 'ready', pauseReason: null, since: new Date(T0).toISOString(), queues: ['support'] });
  });

  it('goes ringing → on call → ready with the device, without repeating unchanged states', () => {
    const { board: agents, changes } = board();
    agents.membership({ extension: '1001', queue: 'support', device: 'idle', paused: false, pauseReason: null }, T0);
    agents.membership({ extension: '1001', queue: 'sales', device: 'idle', paused: false, pauseReason: null }, T0);
    agents.activity('1001', 'ringing', T0 + 1000);
    agents.membership({ extension: '1001', queue: 'support', device: deviceActivityFromStatus(6), paused: null, pauseReason: null }, T0 + 1001);
    agents.membership({ extension: '1001', queue: 'sales', device: deviceActivityFromStatus(6), paused: null, pauseReason: null }, T0 + 1002);
    agents.activity('1001', 'on-call', T0 + 3000);
    agents.activity('1001', 'idle', T0 + 15_000);
    expect(changes.map((change) => change.state)).toEqual(['ready', 'ringing', 'on-call', 'ready']);
    expect(agents.get('1001')?.since).toBe(new Date(T0 + 15_000).toISOString());
  });

  it('is paused with the reason only when paused in every queue (QueuePause without Queue: one event per queue)', () => {
    const { board: agents } = board();
    agents.membership({ extension: '1002', queue: 'support', device: 'idle', paused: false, pauseReason: null }, T0);
    agents.membership({ extension: '1002', queue: 'sales', device: 'idle', paused: false, pauseReason: null }, T0);
    agents.pause('1002', 'support', true, 'lunch', T0 + 1);
    expect(agents.get('1002')?.state).toBe('ready');
    agents.pause('1002', 'sales', true, 'lunch', T0 + 2);
    expect(agents.get('1002')).toMatchObject({ state: 'paused', pauseReason: 'lunch' });
    agents.pause('1002', 'support', false, null, T0 + 3);
    agents.pause('1002', 'sales', false, null, T0 + 4);
    expect(agents.get('1002')).toMatchObject({ state: 'ready', pauseReason: null });
  });

  it('shows a paused agent who is on a call as on call', () => {
    const { board: agents } = board();
    agents.membership({ extension: '1003', queue: 'support', device: 'idle', paused: true, pauseReason: 'training' }, T0);
    agents.activity('1003', 'on-call', T0 + 5);
    expect(agents.get('1003')?.state).toBe('on-call');
    agents.activity('1003', 'idle', T0 + 10);
    expect(agents.get('1003')).toMatchObject({ state: 'paused', pauseReason: 'training' });
  });

  it('is offline when removed from every queue or when the device is unavailable', () => {
    const { board: agents } = board();
    agents.membership({ extension: '1001', queue: 'support', device: 'idle', paused: false, pauseReason: null }, T0);
    agents.membership({ extension: '1001', queue: 'support', device: deviceActivityFromStatus(5), paused: null, pauseReason: null }, T0 + 1);
    expect(agents.get('1001')?.state).toBe('offline');
    agents.membership({ extension: '1001', queue: 'support', device: 'idle', paused: null, pauseReason: null }, T0 + 2);
    agents.removed('1001', 'support', T0 + 3);
    expect(agents.get('1001')).toMatchObject({ state: 'offline', queues: [] });
  });

  it('rebuilds memberships from a full QueueStatus listing after a reconnect', () => {
    const { board: agents } = board();
    agents.membership({ extension: '1001', queue: 'support', device: 'idle', paused: false, pauseReason: null }, T0);
    agents.membership({ extension: '1002', queue: 'support', device: 'idle', paused: false, pauseReason: null }, T0);
    agents.replaceMemberships([{ extension: '1001', queue: 'sales', device: 'on-call', paused: false, pauseReason: null }], T0 + 60_000);
    expect(agents.get('1001')).toMatchObject({ state: 'on-call', queues: ['sales'] });
    expect(agents.get('1002')).toMatchObject({ state: 'offline', queues: [] });
  });

  it('is in wrap-up after a call until the outcome is pressed, then ready (or paused if paused meanwhile)', () => {
    const { board: agents, changes } = board();
    agents.membership({ extension: '1001', queue: 'support', device: 'idle', paused: false, pauseReason: null }, T0);
    agents.activity('1001', 'on-call', T0 + 1);
    agents.wrapUp('1001', true, T0 + 2);
    expect(agents.get('1001')?.state).toBe('on-call');
    agents.activity('1001', 'idle', T0 + 3);
    expect(agents.get('1001')).toMatchObject({ state: 'wrap-up', since: new Date(T0 + 3).toISOString() });
    agents.wrapUp('1001', false, T0 + 4);
    expect(changes.map((change) => change.state)).toEqual(['ready', 'on-call', 'wrap-up', 'ready']);
  });
});
