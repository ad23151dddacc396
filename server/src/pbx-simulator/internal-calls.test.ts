import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '@crm/shared';
import { createAgentMatcher } from '../telephony/agent-identity.js';
import { normalizeAmiEvent, type AmiFrame } from '../telephony/ami-events.js';
import { CallModel, type CallEffect } from '../telephony/call-state.js';
import { SimPbx } from './sim-pbx.js';
import { startTraffic } from './traffic.js';

/** The simulator on a fast clock, its events folded by the CRM's own call model as they come. */
function harness({ agentRingSeconds = 2 } = {}) {
  const effects: CallEffect[] = [];
  const events: AmiFrame[] = [];
  const model = new CallModel({ defaultCountry: 'RU', matchAgent: createAgentMatcher(), onEffect: (effect) => effects.push(effect) });
  const pbx = new SimPbx({
    timeScale: 0.002,
    agentRingSeconds,
    talkSeconds: 10,
    random: () => 0.5,
    emit: (name, _eventClass, fields) => {
      const frame: AmiFrame = { event: name };
      for (const [key, value] of fields) frame[key.toLowerCase()] = String(value);
      events.push(frame);
      const result = normalizeAmiEvent(frame, pbx.now());
      if (result.ok) model.apply(result.event);
    },
  });
  const record = (id: string): CallRecord | undefined =>
    effects.flatMap((effect) => (effect.type === 'call-changed' && effect.call.id === id ? [effect.call] : [])).at(-1);
  const ended = (id: string) =>
    new Promise<CallRecord>((resolve) => {
      const check = () => {
        const done = effects.find((effect) => effect.type === 'call-ended' && effect.call.id === id);
        if (done?.type === 'call-ended') resolve(done.call);
        else setTimeout(check, 5);
      };
      check();
    });
  return { pbx, effects, events, record, ended };
}

const rung = (effects: CallEffect[]) => effects.flatMap((effect) => (effect.type === 'agent-ringing' ? [effect.extension] : []));
const answeredBy = (effects: CallEffect[]) => effects.flatMap((effect) => (effect.type === 'agent-answered' ? [effect.extension] : [])).sort();

describe('the simulator placing a call between two agents', () => {
  let pbx: SimPbx | null = null;
  afterEach(() => pbx?.close());

  it('dials the colleague from the caller’s desk phone; the call model sees an answered internal call from 1001 to 1002', async () => {
    const sim = harness();
    pbx = sim.pbx;
    const id = sim.pbx.placeInternalCall({ from: '1001', to: '1002', talkSeconds: 5 });
    expect(sim.events.find((event) => event.event === 'DialBegin')).toMatchObject({ channel: expect.stringMatching(/^PJSIP\/1001-/), destchannel: expect.stringMatching(/^Local\/1002@agents-.*;1$/), dialstring: '1002@agents' });
    expect(rung(sim.effects)).toEqual(['1002']);
    // Both phones are busy for the queue meanwhile.
    expect(sim.pbx.isBusy(sim.pbx.agents.get('1001')!)).toBe(true);

    const call = await sim.ended(id);
    expect(call).toMatchObject({ direction: 'outbound', queue: null, agentExtension: '1001', callerNumber: '1001', calledNumber: '1002', result: 'answered' });
    expect(call.answeredAt).not.toBeNull();
    expect(answeredBy(sim.effects)).toEqual(['1001', '1002']);
    expect(sim.pbx.activeChannelCount()).toBe(0);
    expect([...sim.pbx.agents.values()].map((agent) => agent.device)).toEqual([1, 1, 1]);
  });

  it.each([
    { what: 'nobody answers within 20 s', act: () => undefined, result: 'no-answer' },
    { what: 'the colleague rejects it', act: (sim: SimPbx) => sim.agents.get('1002')?.ring?.reject(), result: 'busy' },
    { what: 'the caller hangs up first', act: (sim: SimPbx) => sim.agents.get('1001')?.hangup?.(), result: 'no-answer' },
  ])('ends the call unanswered when $what and frees both phones', async ({ act, result }) => {
    const sim = harness();
    pbx = sim.pbx;
    sim.pbx.agents.get('1002')!.human = true;
    const id = sim.pbx.placeInternalCall({ from: '1001', to: '1002' });
    act(sim.pbx);
    const call = await sim.ended(id);
    expect(call).toMatchObject({ result, answeredAt: null, agentExtension: '1001', calledNumber: '1002' });
    expect(answeredBy(sim.effects)).toEqual([]);
    expect(sim.pbx.activeChannelCount()).toBe(0);
    expect([...sim.pbx.agents.values()].map((agent) => agent.device)).toEqual([1, 1, 1]);
  });

  it('answers BUSY at once when the colleague is already rung for another call, without popping that call away', async () => {
    const sim = harness();
    pbx = sim.pbx;
    sim.pbx.agents.get('1003')!.human = true;
    const first = sim.pbx.placeInternalCall({ from: '1002', to: '1003' });
    const second = sim.pbx.placeInternalCall({ from: '1001', to: '1003' });
    expect(await sim.ended(second)).toMatchObject({ result: 'busy' });
    // 1003 was rung for the first call only, and is still shown ringing for it.
    expect(rung(sim.effects)).toEqual(['1003']);
    expect(sim.record(first)).toMatchObject({ active: true });
    const board = sim.effects.flatMap((effect) => (effect.type === 'agent-activity' && effect.extension === '1003' ? [effect.activity] : []));
    expect(board.at(-1)).toBe('ringing');
    expect(() => sim.pbx.placeInternalCall({ from: '1002', to: '1001' })).toThrow(/cannot dial/);
  });

  it('lets demo agents call each other when the traffic asks for internal calls, never from a phone a console drives', async () => {
    const sim = harness();
    pbx = sim.pbx;
    sim.pbx.agents.get('1001')!.human = true;
    const stop = startTraffic(sim.pbx, { callsPerMinute: 0, internalCallsPerMinute: 60, talkSeconds: 5, callers: [] }, () => 0.5);
    const first = await new Promise<CallRecord>((resolve) => {
      const check = () => {
        const ringing = sim.effects.find((effect) => effect.type === 'agent-ringing');
        if (ringing?.type === 'agent-ringing') resolve(ringing.call);
        else setTimeout(check, 5);
      };
      check();
    });
    stop();
    expect(first.agentExtension).not.toBe('1001');
    expect(first.calledNumber).not.toBe(first.agentExtension);
  });
});
