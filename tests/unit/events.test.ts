import { describe, expect, it } from 'vitest';
import { HybridClock } from '../../shared/clock';
import { authorEvent, compareEvents, EVENT_TYPES, InvalidEventError, parseEvent, type HallEvent } from '../../shared/events';

const ctx = () => {
  let seq = 0;
  return { hall: 'hall-1', origin: 'kiosk-1~1', clock: new HybridClock({ now: () => 1_763_800_000_000 }), nextSeq: () => ++seq };
};

const issued = {
  ticketId: 'kiosk-1~1:1',
  serviceId: 'hukou',
  number: 'A001',
  numberSource: 'server' as const,
  day: '2026-11-23',
  channel: 'kiosk' as const,
};

describe('event envelope', () => {
  it('authored events get dense sequence numbers and increasing clocks', () => {
    const c = ctx();
    const a = authorEvent(c, 'ticket.issued', issued);
    const b = authorEvent(c, 'window.opened', { windowId: 'w1' });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(compareEvents(a, b)).toBeLessThan(0);
    expect(a.payload.priority).toBe('normal');
    expect(a.payload.medium).toBe('paper');
  });

  it('authoring refuses a payload that does not match its type, naming the field', () => {
    expect(() => authorEvent(ctx(), 'ticket.issued', { ...issued, number: 'a-1' })).toThrow(InvalidEventError);
    expect(() => authorEvent(ctx(), 'ticket.issued', { ...issued, number: 'a-1' })).toThrow(/payload\.number/);
  });

  it('parses a valid event from the wire and fills defaults', () => {
    const e = authorEvent(ctx(), 'ticket.issued', issued);
    const wire = JSON.parse(JSON.stringify(e));
    delete wire.payload.priority;
    const r = parseEvent(wire);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.event.payload).toMatchObject({ priority: 'normal' });
  });

  it.each([
    ['a bad origin', { origin: 'kiosk 1' }, /origin/],
    ['a bad clock', { hlc: '2026-11-23' }, /hlc/],
    ['seq 0', { seq: 0 }, /seq/],
    ['an unknown type', { type: 'ticket.teleported' }, /type/],
    ['another envelope version', { v: 2 }, /v/],
  ])('refuses %s with an error naming the field', (_name, patch, pattern) => {
    const e = { ...authorEvent(ctx(), 'window.opened', { windowId: 'w1' }), ...patch };
    const r = parseEvent(e);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(pattern);
  });

  it('refuses a payload of the wrong shape, naming the payload field', () => {
    const e = authorEvent(ctx(), 'evaluation.recorded', { ticketId: 'x~1:1', windowId: 'w1', level: 5, source: 'pad' });
    const r = parseEvent({ ...e, payload: { ...e.payload, level: 7 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/evaluation\.recorded: payload\.level/);
  });

  it('every event type the issue names is in the catalogue', () => {
    for (const t of [
      'ticket.issued', 'ticket.called', 'ticket.recalled', 'ticket.skipped', 'ticket.requeued', 'ticket.started',
      'ticket.finished', 'ticket.transferred', 'ticket.cancelled', 'ticket.voided', 'evaluation.recorded',
      'rectification.recorded', 'window.opened', 'window.paused', 'window.resumed', 'window.closed',
      'staff.signedIn', 'staff.signedOut', 'appointment.booked', 'appointment.cancelled', 'config.changed',
      'notice.published', 'notice.withdrawn', 'device.fault', 'device.recovered', 'material.attached', 'material.removed',
    ]) {
      expect(EVENT_TYPES).toContain(t);
    }
  });

  it('orders by (hlc, origin, seq)', () => {
    const base = authorEvent(ctx(), 'window.opened', { windowId: 'w1' });
    const x = { ...base, origin: 'a~1', seq: 2 } as HallEvent;
    const y = { ...base, origin: 'b~1', seq: 1 } as HallEvent;
    const z = { ...base, origin: 'a~1', seq: 3 } as HallEvent;
    expect([y, z, x].sort(compareEvents)).toEqual([x, z, y]);
  });
});
