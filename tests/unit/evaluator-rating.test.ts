import { describe, expect, it } from 'vitest';
import { ratingTarget, stepRating, STALE_AFTER_MS, type RatingContext, type RatingInput, type RatingPhase } from '../../renderer/evaluator/ratingMachine';
import { makeHall, MINUTE } from '../support/hall';

const TIMEOUT = 30_000;
const ctx = (now: number, pending: string | undefined, extra: Partial<RatingContext> = {}): RatingContext => ({ now, timeoutMs: TIMEOUT, thanksMs: 5_000, pending, late: undefined, ...extra });

/** Run inputs through the machine, collecting what it records. */
function run(inputs: Array<[RatingInput, RatingContext]>, start: RatingPhase = { t: 'idle' }) {
  let phase = start;
  const records = [];
  for (const [input, c] of inputs) {
    const s = stepRating(phase, input, c);
    phase = s.phase;
    if (s.record) records.push(s.record);
  }
  return { phase, records };
}

describe('evaluator rating flow', () => {
  it('R8: a finished ticket is offered the five levels; a good level is recorded at once, then thanks', () => {
    const r = run([
      [{ t: 'sync' }, ctx(0, 't1')],
      [{ t: 'pick', level: 4 }, ctx(1_000, 't1')],
    ]);
    expect(r.records).toEqual([{ ticketId: 't1', level: 4, reasons: [], source: 'pad' }]);
    expect(r.phase).toEqual({ t: 'thanks', ticketId: 't1', level: 4, until: 6_000 });
  });

  it('R8: a bad rating needs at least one reason before it can be submitted', () => {
    const r = run([
      [{ t: 'sync' }, ctx(0, 't1')],
      [{ t: 'pick', level: 1 }, ctx(1_000, 't1')],
      [{ t: 'submit' }, ctx(2_000, 't1')],
    ]);
    expect(r.records).toEqual([]);
    expect(r.phase).toMatchObject({ t: 'reasons', level: 1, reasons: [] });
    const r2 = run(
      [
        [{ t: 'toggle', reason: 'slow' }, ctx(3_000, 't1')],
        [{ t: 'toggle', reason: 'made-up' }, ctx(3_000, 't1')],
        [{ t: 'toggle', reason: 'wait' }, ctx(3_000, 't1')],
        [{ t: 'toggle', reason: 'slow' }, ctx(3_000, 't1')],
        [{ t: 'submit' }, ctx(4_000, 't1')],
      ],
      r.phase,
    );
    expect(r2.records).toEqual([{ ticketId: 't1', level: 1, reasons: ['wait'], source: 'pad' }]);
  });

  it('back from the reasons page offers the five levels again', () => {
    const r = run([
      [{ t: 'sync' }, ctx(0, 't1')],
      [{ t: 'pick', level: 2 }, ctx(1_000, 't1')],
      [{ t: 'back' }, ctx(2_000, 't1')],
      [{ t: 'pick', level: 3 }, ctx(3_000, 't1')],
    ]);
    expect(r.records).toEqual([{ ticketId: 't1', level: 3, reasons: [], source: 'pad' }]);
  });

  it('R8: no choice within the timeout records "no rating" and goes back to idle', () => {
    const r = run([
      [{ t: 'sync' }, ctx(0, 't1')],
      [{ t: 'tick' }, ctx(TIMEOUT - 1, 't1')],
      [{ t: 'tick' }, ctx(TIMEOUT, 't1')],
      // The fold has not heard of the recording yet: the screen's own memory stops a second offer.
      [{ t: 'tick' }, ctx(TIMEOUT + 500, 't1', { recorded: new Map([['t1', null]]) })],
    ]);
    expect(r.records).toEqual([{ ticketId: 't1', level: null, reasons: [], source: 'timeout' }]);
    expect(r.phase).toEqual({ t: 'idle' });
  });

  it('a citizen who picked a bad level and walked away still leaves that level', () => {
    const r = run([
      [{ t: 'sync' }, ctx(0, 't1')],
      [{ t: 'pick', level: 2 }, ctx(1_000, 't1')],
      [{ t: 'toggle', reason: 'attitude' }, ctx(2_000, 't1')],
      [{ t: 'tick' }, ctx(2_000 + TIMEOUT, 't1')],
    ]);
    expect(r.records).toEqual([{ ticketId: 't1', level: 2, reasons: ['attitude'], source: 'pad' }]);
  });

  it('the hardware keypad rates the offered ticket (source device); a second press does nothing (R8)', () => {
    const r = run([
      [{ t: 'sync' }, ctx(0, 't1')],
      [{ t: 'key', level: 5 }, ctx(1_000, 't1')],
      [{ t: 'key', level: 1 }, ctx(1_500, 't1')],
      [{ t: 'tick' }, ctx(7_000, undefined, { recorded: new Map([['t1', 5]]) })],
      [{ t: 'key', level: 1 }, ctx(8_000, undefined, { recorded: new Map([['t1', 5]]) })],
    ]);
    expect(r.records).toEqual([{ ticketId: 't1', level: 5, reasons: [], source: 'device' }]);
    expect(r.phase).toEqual({ t: 'idle' });
  });

  it('a late keypad press after a timeout still rates that ticket, once', () => {
    const r = run([
      [{ t: 'key', level: 2 }, ctx(0, undefined, { late: 't1', recorded: new Map([['t1', null]]) })],
      [{ t: 'tick' }, ctx(6_000, undefined)],
      [{ t: 'key', level: 2 }, ctx(7_000, undefined, { late: 't1', recorded: new Map([['t1', 2]]) })],
    ]);
    expect(r.records).toEqual([{ ticketId: 't1', level: 2, reasons: [], source: 'device' }]);
  });

  it('the window finishing the next citizen first closes the open rating as "no rating" and offers the new one', () => {
    const r = run([
      [{ t: 'sync' }, ctx(0, 't1')],
      [{ t: 'sync' }, ctx(5_000, 't2')],
    ]);
    expect(r.records).toEqual([{ ticketId: 't1', level: null, reasons: [], source: 'timeout' }]);
    expect(r.phase).toEqual({ t: 'rate', ticketId: 't2', since: 5_000 });
  });

  it('a rating recorded elsewhere takes the offer away without recording anything', () => {
    const r = run([
      [{ t: 'sync' }, ctx(0, 't1')],
      [{ t: 'sync' }, ctx(1_000, undefined)],
    ]);
    expect(r.records).toEqual([]);
    expect(r.phase).toEqual({ t: 'idle' });
  });
});

describe('which ticket the evaluator rates', () => {
  function served() {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const e = h.terminal('evaluator-1');
    h.open(c, 'w1');
    const id = h.issue(k, { serviceId: 'hukou' });
    h.emit(c, 'ticket.called', { ticketId: id, windowId: 'w1' });
    h.emit(c, 'ticket.finished', { ticketId: id, windowId: 'w1', outcome: 'done' });
    return { h, k, c, e, id };
  }

  it('the last ticket finished at the window, until it has a rating (R8)', () => {
    const { h, e, id } = served();
    expect(ratingTarget(h.fold.state, 'w1', h.now(), TIMEOUT).pending?.id).toBe(id);
    expect(ratingTarget(h.fold.state, 'w2', h.now(), TIMEOUT)).toEqual({});
    h.emit(e, 'evaluation.recorded', { ticketId: id, windowId: 'w1', level: 4, source: 'pad' });
    expect(ratingTarget(h.fold.state, 'w1', h.now(), TIMEOUT)).toEqual({});
  });

  it('after a timeout, a late keypad press is taken until the window calls the next citizen', () => {
    const { h, k, c, e, id } = served();
    h.emit(e, 'evaluation.recorded', { ticketId: id, windowId: 'w1', level: null, source: 'timeout' });
    expect(ratingTarget(h.fold.state, 'w1', h.now(), TIMEOUT).late?.id).toBe(id);
    const next = h.issue(k, { serviceId: 'hukou' });
    h.emit(c, 'ticket.called', { ticketId: next, windowId: 'w1' });
    expect(ratingTarget(h.fold.state, 'w1', h.now(), TIMEOUT)).toEqual({});
  });

  it('a ticket finished long before the evaluator heard of it is closed as "no rating", not offered', () => {
    const { h, id } = served();
    h.advance(TIMEOUT + STALE_AFTER_MS + MINUTE);
    expect(ratingTarget(h.fold.state, 'w1', h.now(), TIMEOUT).stale?.id).toBe(id);
  });
});
