import { describe, expect, it } from 'vitest';
import { checkManualCall, nextForWindow, waitingForWindow } from '../../shared/queue';
import { canonicalState, foldEvents } from '../../shared/fold';
import { makeHall, MINUTE, HALL } from '../support/hall';

const numbersFor = (h: ReturnType<typeof makeHall>, w: string) => waitingForWindow(h.fold.state, w, h.now()).map((c) => c.ticket.number);

describe('queue order', () => {
  it('R4: a comprehensive window calls across its services in order of issue', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    h.issue(k, { serviceId: 'social' });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'hukou' });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'social' });
    expect(numbersFor(h, 'w1')).toEqual(['B001', 'A001', 'B002']);
    expect(numbersFor(h, 'w2')).toEqual(['B001', 'B002']);
  });

  it('R7: green channel, then appointments in their slot, then special groups, then everyone else', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    h.issue(k, { serviceId: 'hukou' }); // A001 normal
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'hukou', declared: 'veteran' }); // A002 special
    h.advance(MINUTE);
    h.emit(h.admin, 'appointment.booked', {
      appointmentId: 'ap1', serviceId: 'hukou', day: '2026-11-23', slotFrom: h.now(), slotTo: h.now() + 30 * MINUTE, channel: 'online', code: 'ABC123',
    });
    h.issue(k, { serviceId: 'hukou', appointmentId: 'ap1', channel: 'appointment' }); // A003 appointment
    h.advance(MINUTE);
    h.issue(c, { serviceId: 'hukou', channel: 'assisted', green: true, staffId: 's1' }); // A004 green
    expect(numbersFor(h, 'w1')).toEqual(['A004', 'A003', 'A002', 'A001']);
  });

  it('R7: an appointment ranks as such only around its slot; before that it waits as a normal ticket', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    h.issue(k, { serviceId: 'hukou' });
    h.advance(MINUTE);
    h.emit(h.admin, 'appointment.booked', {
      appointmentId: 'ap1', serviceId: 'hukou', day: '2026-11-23', slotFrom: h.now() + 60 * MINUTE, slotTo: h.now() + 90 * MINUTE, channel: 'phone', code: 'XYZ789',
    });
    h.issue(k, { serviceId: 'hukou', appointmentId: 'ap1', channel: 'appointment' });
    expect(numbersFor(h, 'w1')).toEqual(['A001', 'A002']);
    h.advance(50 * MINUTE); // within 15 minutes of the slot
    expect(numbersFor(h, 'w1')).toEqual(['A002', 'A001']);
  });

  it('R7: a love window (爱心窗口) takes priority tickets of other services before its own queue', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const card = { idHash: 'a'.repeat(64), idMasked: '110***********1234', nameMasked: '张*' };
    h.issue(k, { serviceId: 'estate', card });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'hukou', declared: 'disabled' });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'hukou' });
    // w3 serves estate only, but takes the disabled citizen's hukou ticket first; never the normal one.
    expect(numbersFor(h, 'w3')).toEqual(['A001', 'C001']);
  });

  it('R4: an ordered window empties its first service before the second', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    h.issue(k, { serviceId: 'social' });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'hukou' });
    expect(numbersFor(h, 'w4')).toEqual(['A001', 'B001']);
  });

  it('R4: a weighted window shares its calls between services by weight (3:1)', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-5');
    for (let i = 0; i < 8; i++) {
      h.issue(k, { serviceId: i % 2 ? 'hukou' : 'social' });
      h.advance(MINUTE);
    }
    h.open(c, 'w5');
    const served: string[] = [];
    for (let i = 0; i < 8; i++) {
      const t = nextForWindow(h.fold.state, 'w5', h.now())!;
      served.push(t.serviceId);
      h.emit(c, 'ticket.called', { ticketId: t.id, windowId: 'w5' });
      h.emit(c, 'ticket.finished', { ticketId: t.id, windowId: 'w5', outcome: 'done' });
    }
    const firstFour = served.slice(0, 4);
    expect(firstFour.filter((s) => s === 'hukou')).toHaveLength(3);
    expect(served.filter((s) => s === 'hukou')).toHaveLength(4);
  });

  it('tickets of an earlier day are no longer called (the queue resets daily)', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    h.issue(k, { serviceId: 'hukou' });
    h.advance(24 * 60 * MINUTE);
    expect(nextForWindow(h.fold.state, 'w1', h.now())).toBeUndefined();
  });
});

describe('at the window', () => {
  it('a no-show put back within the grace period queues again at the tail', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'hukou' });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.skipped', { ticketId: a, windowId: 'w1' });
    expect(h.fold.state.tickets.get(a)?.status).toBe('skipped');
    h.advance(10 * MINUTE);
    h.emit(k, 'ticket.requeued', { ticketId: a });
    expect(numbersFor(h, 'w1')).toEqual(['A002', 'A001']);
  });

  it('a no-show who returns after the grace period must take a new ticket', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.skipped', { ticketId: a, windowId: 'w1' });
    h.advance(31 * MINUTE);
    h.emit(k, 'ticket.requeued', { ticketId: a });
    expect(h.fold.state.tickets.get(a)?.status).toBe('skipped');
    expect(h.fold.state.notes.map((n) => n.code)).toContain('requeue-grace-expired');
    expect(checkManualCall(h.fold.state, 'w1', 'A001', h.now())).toMatchObject({ ok: false, reason: 'grace-expired' });
  });

  it('requeue keeps the original place when the hall says so, and only as often as allowed', () => {
    const h = makeHall();
    h.emit(h.admin, 'config.changed', { kind: 'policy', id: 'hall', value: { requeueMode: 'original', maxRequeues: 1 } });
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'hukou' });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.skipped', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.requeued', { ticketId: a, windowId: 'w1' });
    expect(numbersFor(h, 'w1')).toEqual(['A001', 'A002']);
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.skipped', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.requeued', { ticketId: a, windowId: 'w1' });
    expect(h.fold.state.notes.map((n) => n.code)).toContain('requeue-limit');
  });

  it('a clerk can call a no-show by number within the grace period', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.skipped', { ticketId: a, windowId: 'w1' });
    h.advance(5 * MINUTE);
    expect(checkManualCall(h.fold.state, 'w1', 'a001', h.now())).toMatchObject({ ok: true });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1', manual: true });
    expect(h.fold.state.tickets.get(a)).toMatchObject({ status: 'called', skips: 1 });
  });

  it('manual call: unknown numbers and tickets already served are refused', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    expect(checkManualCall(h.fold.state, 'w1', 'A999', h.now())).toMatchObject({ ok: false, reason: 'unknown-number' });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.finished', { ticketId: a, windowId: 'w1', outcome: 'done' });
    expect(checkManualCall(h.fold.state, 'w2', 'A001', h.now())).toMatchObject({ ok: false, reason: 'not-waiting' });
  });

  it('a transferred ticket keeps its original place in the new service (default policy)', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'social' });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.transferred', { ticketId: a, windowId: 'w1', toServiceId: 'social' });
    expect(numbersFor(h, 'w2')).toEqual(['A001', 'B001']);
    expect(h.fold.state.tickets.get(a)).toMatchObject({ serviceId: 'social', transfers: 1, status: 'waiting' });
  });

  it('a transfer can queue from the transfer time instead, by policy', () => {
    const h = makeHall();
    h.emit(h.admin, 'config.changed', { kind: 'policy', id: 'hall', value: { transferKeepsIssueTime: false } });
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    h.advance(MINUTE);
    h.issue(k, { serviceId: 'social' });
    h.advance(MINUTE);
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.transferred', { ticketId: a, windowId: 'w1', toServiceId: 'social' });
    expect(numbersFor(h, 'w2')).toEqual(['B001', 'A001']);
  });

  it('a ticket transferred to one window is called only there', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'social' });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.transferred', { ticketId: a, windowId: 'w1', toWindowId: 'w2' });
    expect(numbersFor(h, 'w1')).toEqual([]);
    expect(numbersFor(h, 'w2')).toEqual(['B001']);
  });

  it('R10: a paused window shows its reason; resuming opens it again', () => {
    const h = makeHall();
    const c = h.terminal('counter-1');
    h.open(c, 'w1');
    h.emit(c, 'window.paused', { windowId: 'w1', reason: '业务培训' });
    expect(h.fold.state.windows.get('w1')).toMatchObject({ state: 'paused', pauseReason: '业务培训' });
    h.emit(c, 'window.resumed', { windowId: 'w1' });
    expect(h.fold.state.windows.get('w1')?.state).toBe('open');
    expect(h.fold.state.windows.get('w1')?.pauseReason).toBeUndefined();
  });

  it('R11: an AB hand-over keeps the window open and records who served each ticket', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    const b = h.issue(k, { serviceId: 'hukou' });
    h.open(c, 'w1', 's1');
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.finished', { ticketId: a, windowId: 'w1', outcome: 'done' });
    h.emit(c, 'staff.signedIn', { windowId: 'w1', staffId: 's2' });
    expect(h.fold.state.windows.get('w1')).toMatchObject({ state: 'open', staffId: 's2' });
    h.emit(c, 'ticket.called', { ticketId: b, windowId: 'w1' });
    expect(h.fold.state.tickets.get(a)?.staffId).toBe('s1');
    expect(h.fold.state.tickets.get(b)?.staffId).toBe('s2');
    h.emit(c, 'staff.signedOut', { windowId: 'w1', staffId: 's2' });
    expect(h.fold.state.windows.get('w1')?.state).toBe('closed');
  });

  it('calling the next while the last one never came marks that one a no-show', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    const b = h.issue(k, { serviceId: 'hukou' });
    h.emit(c, 'ticket.called', { ticketId: a, windowId: 'w1' });
    h.emit(c, 'ticket.called', { ticketId: b, windowId: 'w1' });
    expect(h.fold.state.tickets.get(a)?.status).toBe('skipped');
    expect(h.fold.state.windows.get('w1')?.currentTicketId).toBe(b);
  });

  it('a voided ticket (print failed) leaves the queue; after it was called it cannot be voided', () => {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c = h.terminal('counter-1');
    const a = h.issue(k, { serviceId: 'hukou' });
    const b = h.issue(k, { serviceId: 'hukou' });
    h.emit(k, 'ticket.voided', { ticketId: a, reason: 'print-failed' });
    expect(numbersFor(h, 'w1')).toEqual(['A002']);
    h.emit(c, 'ticket.called', { ticketId: b, windowId: 'w1' });
    h.emit(k, 'ticket.voided', { ticketId: b, reason: 'print-failed' });
    expect(h.fold.state.tickets.get(b)?.status).toBe('called');
    expect(h.fold.state.notes.map((n) => n.code)).toContain('void-too-late');
  });
});

describe('two windows called the same ticket', () => {
  function conflict() {
    const h = makeHall();
    const k = h.terminal('kiosk-1');
    const c1 = h.terminal('counter-1');
    const c2 = h.terminal('counter-2');
    const a = h.issue(k, { serviceId: 'social' });
    h.issue(k, { serviceId: 'social' });
    // Both counters were offline and saw A... only w2 called first.
    const e2 = c2.emit('ticket.called', { ticketId: a, windowId: 'w2' });
    h.advance(2000);
    const e1 = c1.emit('ticket.called', { ticketId: a, windowId: 'w1' });
    h.advance(2000);
    const f1 = c1.emit('ticket.finished', { ticketId: a, windowId: 'w1', outcome: 'done' });
    return { h, a, c1, events: [e1, f1, e2] };
  }

  it('the earliest call wins in every replica; the other window is told to call again', () => {
    const { h, a, events } = conflict();
    for (const order of [events, [...events].reverse(), [events[1]!, events[2]!, events[0]!]]) {
      const s = foldEvents(HALL, [...h.fold.log, ...order]);
      expect(s.tickets.get(a)).toMatchObject({ status: 'called', windowId: 'w2' });
      expect(s.windows.get('w1')?.conflict).toMatchObject({ ticketId: a, number: 'B001', wonBy: 'w2' });
      expect(s.windows.get('w1')?.currentTicketId).toBeUndefined();
      // The losing call and the losing finish are kept in the ticket's history, marked.
      expect(s.tickets.get(a)?.history.filter((x) => x.ignored)).toHaveLength(2);
    }
    const states = [events, [...events].reverse()].map((o) => canonicalState(foldEvents(HALL, [...h.fold.log, ...o])));
    expect(states[0]).toBe(states[1]);
  });

  it('the losing window calls again and the conflict clears', () => {
    const { h, c1, events } = conflict();
    h.fold.addMany(events);
    for (const e of events) c1.clock.receive(e.hlc);
    const next = nextForWindow(h.fold.state, 'w1', h.now())!;
    expect(next.number).toBe('B002');
    h.emit(c1, 'ticket.called', { ticketId: next.id, windowId: 'w1' });
    expect(h.fold.state.windows.get('w1')).toMatchObject({ currentTicketId: next.id });
    expect(h.fold.state.windows.get('w1')?.conflict).toBeUndefined();
  });
});
