import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HallFold, canonicalState, foldEvents } from '../../shared/fold';
import type { HallEvent } from '../../shared/events';
import { runWorld } from '../sim/world';
import { HALL, makeHall, MINUTE } from '../support/hall';

/** A busy, messy log: several terminals, offline spells, call conflicts, crashes. */
function messyLog(seed: number): HallEvent[] {
  return runWorld({ seed, kiosks: 3, counters: 4, steps: 250, partition: 0.2, duplicate: 0.1, crash: 0.02, skewMs: 600_000 }).log;
}

describe('the fold', () => {
  it('any order of arrival gives the same state: fold(shuffle(events)) == fold(sort(events))', () => {
    const log = messyLog(7);
    const sorted = canonicalState(foldEvents(HALL, log));
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: log.length, maxLength: log.length }), (keys) => {
        const shuffled = log.map((e, i) => [keys[i]!, e] as const).sort((a, b) => a[0] - b[0]).map(([, e]) => e);
        return canonicalState(foldEvents(HALL, shuffled)) === sorted;
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('events arriving one by one in any order (rewinding each time) end in the same state as one batch', () => {
    const log = messyLog(11);
    const expected = canonicalState(foldEvents(HALL, log));
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: log.length, maxLength: log.length }), (keys) => {
        const f = new HallFold(HALL);
        const order = log.map((e, i) => [keys[i]!, e] as const).sort((a, b) => a[0] - b[0]);
        for (const [, e] of order) f.add(e);
        return canonicalState(f.state) === expected;
      }),
      { numRuns: 10, seed: 43 },
    );
  });

  it('an event at the tail is applied in place; one from the past rewinds and replays', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const late = h.terminal('kiosk-2');
    const offline = late.emit('ticket.issued', {
      ticketId: late.nextId(), serviceId: 'hukou', number: 'AL001', numberSource: 'offline', day: '2026-11-23', channel: 'kiosk',
    });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'hukou' });
    expect(h.fold.add(k.emit('window.opened', { windowId: 'w1' }))).toBe('applied');
    expect(h.fold.add(offline)).toBe('rebuilt');
    // Taken offline a minute earlier, it is first in line: its fair place.
    expect(h.fold.state.waiting.get('2026-11-23|hukou')?.has(offline.payload.ticketId)).toBe(true);
    const fresh = foldEvents(HALL, [...h.fold.log].reverse());
    expect(canonicalState(h.fold.state)).toBe(canonicalState(fresh));
  });

  it('a duplicate delivery changes nothing; a different event under a used origin:seq is refused', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const id = h.issue(k, { serviceId: 'hukou' });
    const before = canonicalState(h.fold.state);
    const e = h.fold.log[h.fold.log.length - 1]!;
    expect(h.fold.add(JSON.parse(JSON.stringify(e)))).toBe('duplicate');
    const forged = { ...e, payload: { ...(e.payload as object), number: 'A999' } } as HallEvent;
    expect(h.fold.add(forged)).toBe('conflict');
    expect(canonicalState(h.fold.state)).toBe(before);
    expect(h.fold.state.tickets.get(id)?.number).toBe('A001');
  });

  it("refuses another hall's events", () => {
    const h = makeHall();
    const e = h.terminal('kiosk-1').emit('window.opened', { windowId: 'w1' });
    expect(h.fold.add({ ...e, hall: 'hall-2' })).toBe('wrong-hall');
    expect(h.fold.size).toBe(h.fold.log.length);
  });

  it('a late event from an earlier day rewinds to that day and gives the same state as a fresh fold', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const held: HallEvent[] = [];
    for (let day = 0; day < 4; day++) {
      const a = h.issue(k, { serviceId: 'hukou' });
      h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
      h.emit(c, 'ticket.finished', { ticketId: a, windowId: 'w1', outcome: 'done' });
      // An evaluator that was offline: its rating arrives days later.
      held.push(c.emit('evaluation.recorded', { ticketId: a, windowId: 'w1', level: 2, source: 'pad' }));
      h.advance(24 * 60 * MINUTE);
    }
    h.fold.add(held[3]!);
    h.fold.add(held[1]!); // three days back: older than the kept day snapshots
    h.fold.add(held[2]!);
    h.fold.add(held[0]!);
    expect(canonicalState(h.fold.state)).toBe(canonicalState(foldEvents(HALL, h.fold.log)));
    expect(h.fold.state.rectifications.size).toBe(4);
  });

  it('rebuild from nothing gives the same state as incremental folding', () => {
    const h = makeHall();
    h.fold.addMany(messyLog(3).filter((e) => !e.origin.startsWith('admin-1')));
    const incremental = canonicalState(h.fold.state);
    h.fold.rebuild();
    expect(canonicalState(h.fold.state)).toBe(incremental);
  });
});
