import { describe, it, expect } from 'vitest';
import { decideIssue } from '../../shared/actions';
import { estimateForTicket, estimateNewTicket } from '../../shared/estimate';
import { makeHall, MINUTE, type TestHall, type TestTerminal } from '../support/hall';
import { serve, sh, stepped } from '../support/flow';

const MON = '2026-11-23';

interface Scene {
  h: TestHall;
  kiosk: TestTerminal;
  counter: TestTerminal;
  /** One counter terminal per window. */
  counters: Map<string, TestTerminal>;
}

function scene(): Scene {
  const h = stepped(makeHall());
  return { h, kiosk: h.terminal('kiosk-1'), counter: h.terminal('counter-1'), counters: new Map() };
}

function counterOf(s: Scene, windowId: string): TestTerminal {
  let c = s.counters.get(windowId);
  if (!c) s.counters.set(windowId, (c = s.h.terminal(`counter-${windowId}`)));
  return c;
}

function open(s: Scene, ...windowIds: string[]): void {
  for (const w of windowIds) s.h.open(counterOf(s, w), w, 's1');
}

function issueMany(s: Scene, serviceId: string, n: number): string[] {
  return Array.from({ length: n }, () => s.h.issue(s.kiosk, { serviceId }));
}

const estimate = (s: Scene, serviceId: string, priority: 'green' | 'appointment' | 'special' | 'normal' = 'normal') =>
  estimateNewTicket(s.h.fold.state, serviceId, priority, s.h.now());

describe('wait estimate: people ahead', () => {
  it('a new normal ticket has every waiting ticket of its service ahead', () => {
    const s = scene();
    issueMany(s, 'social', 3);
    s.h.issue(s.kiosk, { serviceId: 'social', declared: 'veteran' });
    s.h.issue(s.counter, { serviceId: 'social', channel: 'assisted', green: true, staffId: 's1' });
    issueMany(s, 'hukou', 2); // another service: not ahead

    expect(estimate(s, 'social').ahead).toBe(5);
    // What the kiosk shows before printing.
    const d = decideIssue(s.h.fold.state, { serviceId: 'social', channel: 'kiosk', now: s.h.now() }, { source: 'server', seq: 6 }, s.kiosk.nextId());
    expect(d.ok && d.estimate.ahead).toBe(5);
  });

  it('tickets no longer waiting (called, cancelled) are not ahead', () => {
    const s = scene();
    open(s, 'w2');
    const [a, b] = issueMany(s, 'social', 3);
    s.h.emit(counterOf(s, 'w2'), 'ticket.called', { ticketId: a!, windowId: 'w2' });
    s.h.emit(s.kiosk, 'ticket.cancelled', { ticketId: b! });
    expect(estimate(s, 'social').ahead).toBe(1);
  });

  it('R7: a priority ticket has only tickets of a better or equal class ahead', () => {
    const s = scene();
    issueMany(s, 'social', 3);
    s.h.issue(s.kiosk, { serviceId: 'social', declared: 'veteran' });
    s.h.issue(s.kiosk, { serviceId: 'social', declared: 'disabled' });
    s.h.issue(s.counter, { serviceId: 'social', channel: 'assisted', green: true, staffId: 's1' });

    expect(estimate(s, 'social', 'special').ahead).toBe(3);
    expect(estimate(s, 'social', 'green').ahead).toBe(1);
    const elderly = decideIssue(
      s.h.fold.state,
      { serviceId: 'social', channel: 'kiosk', now: s.h.now(), declared: 'pregnant' },
      { source: 'server', seq: 7 },
      s.kiosk.nextId(),
    );
    expect(elderly.ok && elderly.estimate.ahead).toBe(3);
  });

  it('R6, R7: an appointment checked in for its slot has only green and appointment tickets ahead', () => {
    const s = scene();
    const booking = s.h.terminal('booking');
    for (const id of ['apt-1', 'apt-2']) {
      s.h.emit(booking, 'appointment.booked', {
        appointmentId: id,
        serviceId: 'social',
        day: MON,
        slotFrom: sh(MON, '10:00'),
        slotTo: sh(MON, '10:30'),
        channel: 'online',
        code: `CODE${id.replace('-', '')}`,
      });
    }
    issueMany(s, 'social', 4);
    s.h.issue(s.kiosk, { serviceId: 'social', declared: 'veteran' });
    s.h.issue(s.counter, { serviceId: 'social', channel: 'assisted', green: true, staffId: 's1' });
    s.h.issue(s.kiosk, { serviceId: 'social', appointmentId: 'apt-1' });
    expect(s.h.fold.state.tickets.size).toBe(7);

    const d = decideIssue(
      s.h.fold.state,
      { serviceId: 'social', channel: 'kiosk', now: s.h.now(), appointmentId: 'apt-2' },
      { source: 'server', seq: 8 },
      s.kiosk.nextId(),
    );
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.payload.priority).toBe('appointment');
    // The green ticket and the appointment checked in before.
    expect(d.estimate.ahead).toBe(2);
  });

  it('estimateForTicket gives the position of a waiting ticket: 0 for the first', () => {
    const s = scene();
    const [first, second, third] = issueMany(s, 'social', 3);
    const st = () => s.h.fold.state;
    expect(estimateForTicket(st(), first!, s.h.now())?.ahead).toBe(0);
    expect(estimateForTicket(st(), second!, s.h.now())?.ahead).toBe(1);
    expect(estimateForTicket(st(), third!, s.h.now())?.ahead).toBe(2);

    // A veteran who comes later goes before the normal tickets, after no one.
    const veteran = s.h.issue(s.kiosk, { serviceId: 'social', declared: 'veteran' });
    expect(estimateForTicket(st(), veteran, s.h.now())?.ahead).toBe(0);
    expect(estimateForTicket(st(), first!, s.h.now())?.ahead).toBe(1);
    expect(estimateForTicket(st(), third!, s.h.now())?.ahead).toBe(3);
    expect(estimateForTicket(st(), third!, s.h.now())?.minutes).toBe(3 * 8);

    // Called: no longer waiting, no estimate; the others move up.
    open(s, 'w2');
    s.h.emit(counterOf(s, 'w2'), 'ticket.called', { ticketId: veteran, windowId: 'w2' });
    expect(estimateForTicket(st(), veteran, s.h.now())).toBeUndefined();
    expect(estimateForTicket(st(), first!, s.h.now())?.ahead).toBe(0);
    expect(estimateForTicket(st(), 'no-such-ticket', s.h.now())).toBeUndefined();
  });
});

describe('wait estimate: minutes', () => {
  it("minutes use the service's defaultServiceMinutes (8) until 3 services have been timed, then the median", () => {
    const s = scene();
    open(s, 'w2');
    const w2 = counterOf(s, 'w2');
    const ids = issueMany(s, 'social', 6);
    expect(estimate(s, 'social')).toMatchObject({ ahead: 6, minutesPerPerson: 8, minutes: 48, windows: 1 });

    serve(s.h, w2, ids[0]!, 'w2', 4);
    serve(s.h, w2, ids[1]!, 'w2', 20);
    expect(estimate(s, 'social')).toMatchObject({ ahead: 4, minutesPerPerson: 8, minutes: 32 });

    serve(s.h, w2, ids[2]!, 'w2', 6);
    // Median of 4, 20, 6: one long case does not swing it.
    expect(estimate(s, 'social')).toMatchObject({ ahead: 3, minutesPerPerson: 6, minutes: 18 });

    serve(s.h, w2, ids[3]!, 'w2', 10);
    // Median of 4, 6, 10, 20.
    expect(estimate(s, 'social')).toMatchObject({ ahead: 2, minutesPerPerson: 8, minutes: 16 });
  });

  it("a service's configured defaultServiceMinutes is used before any service was timed", () => {
    const s = scene();
    s.h.emit(s.h.admin, 'config.changed', {
      kind: 'service',
      id: 'social',
      value: { id: 'social', prefix: 'B', name: { zh: '社保医保', en: 'Social insurance' }, defaultServiceMinutes: 15 },
    });
    issueMany(s, 'social', 2);
    expect(estimate(s, 'social')).toMatchObject({ ahead: 2, minutesPerPerson: 15, minutes: 30 });
  });

  it('two open windows serving the service halve the wait', () => {
    const s = scene();
    issueMany(s, 'social', 4);
    open(s, 'w2');
    expect(estimate(s, 'social')).toMatchObject({ windows: 1, minutes: 32 });
    // w1 also serves hukou, but no hukou ticket is waiting: it serves social full time.
    open(s, 'w1');
    expect(estimate(s, 'social')).toMatchObject({ windows: 2, minutes: 16 });
  });

  it('a window shared with another service that has waiting tickets counts as half', () => {
    const s = scene();
    issueMany(s, 'social', 4);
    issueMany(s, 'hukou', 1);
    open(s, 'w1');
    expect(estimate(s, 'social')).toMatchObject({ ahead: 4, windows: 0.5, minutes: 64 });
    expect(estimate(s, 'hukou')).toMatchObject({ ahead: 1, windows: 0.5, minutes: 16 });
    open(s, 'w2');
    expect(estimate(s, 'social')).toMatchObject({ windows: 1.5, minutes: Math.ceil(32 / 1.5) });
  });

  it('with no window open (or all paused) the estimate assumes one window', () => {
    const s = scene();
    issueMany(s, 'social', 3);
    expect(estimate(s, 'social')).toMatchObject({ ahead: 3, windows: 0, minutes: 24 });
    open(s, 'w2');
    s.h.emit(counterOf(s, 'w2'), 'window.paused', { windowId: 'w2', reason: '午休' });
    expect(estimate(s, 'social')).toMatchObject({ windows: 0, minutes: 24 });
    s.h.emit(counterOf(s, 'w2'), 'window.resumed', { windowId: 'w2' });
    expect(estimate(s, 'social')).toMatchObject({ windows: 1, minutes: 24 });
  });

  it('an estimate counts only today: yesterday’s leftover tickets are not ahead', () => {
    const s = scene();
    issueMany(s, 'social', 3);
    s.h.advance(24 * 60 * MINUTE);
    expect(estimate(s, 'social').ahead).toBe(0);
  });
});
