/**
 * Issue 17: two windows called the same ticket offline. The call whose window started service
 * wins over a call that did not; otherwise the earliest call wins; one answer whatever order the
 * events arrive in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HallFold, canonicalState, foldEvents, type HallState } from '../../shared/fold';
import type { HallEvent } from '../../shared/events';
import { hlcWall } from '../../shared/clock/hlc';
import { conflictMessage, heldTicket } from '../../renderer/counter/windowView';
import { boardTickets, windowRows } from '../../renderer/display/rows';
import { progressView } from '../../server/store/progress';
import { HALL, makeHall, MINUTE, type TestHall, type TestTerminal } from '../support/hall';

interface Scene {
  h: TestHall;
  c1: TestTerminal;
  c4: TestTerminal;
  ticketId: string;
  /** Everything the online hall saw before the windows went offline. */
  base: HallEvent[];
}

/** Windows 1 and 4 both serve 户籍; one citizen waits (A001). */
function scene(): Scene {
  const h = makeHall();
  const k = h.terminal('kiosk-1');
  const c1 = h.terminal('counter-1');
  const c4 = h.terminal('counter-4');
  h.open(c1, 'w1', 's1');
  h.open(c4, 'w4', 's2');
  const ticketId = h.issue(k, { serviceId: 'hukou' });
  return { h, c1, c4, ticketId, base: [...h.fold.log] };
}

/** Every order of arrival of the offline events, folded in one batch and one by one, gives one state. */
function expectOneAnswer(base: HallEvent[], offline: HallEvent[], runs = 60): HallState {
  const all = [...base, ...offline];
  const reference = foldEvents(HALL, all);
  const canonical = canonicalState(reference);
  fc.assert(
    fc.property(fc.shuffledSubarray(offline, { minLength: offline.length, maxLength: offline.length }), fc.boolean(), (order, oneByOne) => {
      if (!oneByOne) return canonicalState(foldEvents(HALL, [...base, ...order])) === canonical;
      const f = new HallFold(HALL);
      f.addMany(base);
      for (const e of order) f.add(e);
      return canonicalState(f.state) === canonical;
    }),
    { numRuns: runs, seed: 17 },
  );
  return reference;
}

describe('the conflict rule that follows the citizen', () => {
  it('the window that started service wins over an earlier call that did not; the board, phone and both clerks follow it', () => {
    const { h, c1, c4, ticketId, base } = scene();
    // Both offline: window 1 calls first, window 4 a minute later; the citizen sits down at window 4.
    const e1 = c1.emit('ticket.called', { ticketId, windowId: 'w1', claim: 'local' });
    h.advance(MINUTE);
    const e4 = c4.emit('ticket.called', { ticketId, windowId: 'w4', claim: 'local' });
    h.advance(MINUTE);
    const s4 = c4.emit('ticket.started', { ticketId, windowId: 'w4' });
    h.advance(MINUTE);
    // Window 1 recalls the number nobody answers to there.
    const r1 = c1.emit('ticket.recalled', { ticketId, windowId: 'w1' });
    h.advance(MINUTE);
    const f4 = c4.emit('ticket.finished', { ticketId, windowId: 'w4', outcome: 'done' });
    // While the citizen is served: the board, the phone and both counters send them to window 4.
    const serving = expectOneAnswer(base, [e1, e4, s4, r1]);
    expect(boardTickets(serving, '2026-11-23').find((x) => x.id === ticketId)).toMatchObject({ status: 'serving', windowId: 'w4' });
    expect(windowRows(serving).find((w) => w.id === 'w4')).toMatchObject({ currentNumber: 'A001' });
    expect(windowRows(serving).find((w) => w.id === 'w1')).toMatchObject({ conflictNumber: 'A001', conflictWonBy: 'w4' });
    expect(windowRows(serving).find((w) => w.id === 'w1')?.currentNumber).toBeUndefined();
    const entry = { hall: HALL, ticketId, number: 'A001', serviceId: 'hukou', day: '2026-11-23' };
    expect(progressView(serving, entry, h.now(), false)).toMatchObject({ status: 'serving', window: { label: '4' } });
    expect(heldTicket(serving, 'w4')?.number).toBe('A001');
    expect(heldTicket(serving, 'w1')).toBeUndefined();

    const s = expectOneAnswer(base, [e1, e4, s4, r1, f4]);
    const t = s.tickets.get(ticketId)!;
    expect(t).toMatchObject({ status: 'finished', windowId: 'w4', staffId: 's2' });
    expect(t.calledAt).toBe(hlcWall(e4.hlc));
    // The losing window is told plainly, and holds nothing.
    const w1 = s.windows.get('w1')!;
    expect(w1.currentTicketId).toBeUndefined();
    expect(w1.conflict).toMatchObject({ ticketId, number: 'A001', wonBy: 'w4', reason: 'started' });
    expect(conflictMessage(s, w1.conflict!).zh).toContain('A001 已在 4 号窗口办理');
    expect(conflictMessage(s, w1.conflict!).en).toContain('A001 is being served at window 4');
    expect(s.windows.get('w4')!.conflict).toBeUndefined();
    expect(s.windows.get('w4')!.lastFinishedTicketId).toBe(ticketId);
    // Window 1's call and recall stay in the history, marked ignored; nothing dropped silently.
    const w1Steps = t.history.filter((x) => x.windowId === 'w1');
    expect(w1Steps.map((x) => x.type)).toEqual(['ticket.called', 'ticket.recalled']);
    expect(w1Steps.every((x) => x.ignored !== undefined)).toBe(true);
    expect(t.history.filter((x) => x.windowId === 'w4').every((x) => x.ignored === undefined)).toBe(true);
    expect(s.notes.filter((n) => n.code === 'call-superseded').map((n) => n.eventId)).toEqual([`${e1.origin}:${e1.seq}`]);
    // The citizen's rating at window 4 counts.
    const ev = h.terminal('evaluator-4');
    const f = new HallFold(HALL);
    f.addMany([...base, e1, e4, s4, r1, f4, ev.emit('evaluation.recorded', { ticketId, windowId: 'w4', level: 5, source: 'pad' })]);
    expect(f.state.tickets.get(ticketId)!.rating?.level).toBe(5);
    // Counted once: one call, one served, no no-show.
    expect(s.stats.get(t.dayService)).toMatchObject({ called: 1, served: 1, noShow: 0 });
  });

  it('neither window started: the earliest call wins, and the later caller is told who called first', () => {
    const { h, c1, c4, ticketId, base } = scene();
    const e4 = c4.emit('ticket.called', { ticketId, windowId: 'w4', claim: 'local' });
    h.advance(30_000);
    const e1 = c1.emit('ticket.called', { ticketId, windowId: 'w1', claim: 'local' });
    h.advance(30_000);
    const r1 = c1.emit('ticket.recalled', { ticketId, windowId: 'w1' });
    const s = expectOneAnswer(base, [e4, e1, r1]);
    expect(s.tickets.get(ticketId)).toMatchObject({ status: 'called', windowId: 'w4' });
    expect(s.windows.get('w1')!.conflict).toMatchObject({ wonBy: 'w4', reason: 'earlier-call' });
    expect(conflictMessage(s, s.windows.get('w1')!.conflict!).zh).toContain('A001 已由 4 号窗口叫号');
  });

  it('a no-show marked at the window the citizen never went to is undone when the other window starts serving', () => {
    const { h, c1, c4, ticketId, base } = scene();
    const e1 = c1.emit('ticket.called', { ticketId, windowId: 'w1', claim: 'local' });
    h.advance(MINUTE);
    const e4 = c4.emit('ticket.called', { ticketId, windowId: 'w4', claim: 'local' });
    h.advance(3 * MINUTE);
    const k1 = c1.emit('ticket.skipped', { ticketId, windowId: 'w1' });
    h.advance(MINUTE);
    const s4 = c4.emit('ticket.started', { ticketId, windowId: 'w4' });
    const s = expectOneAnswer(base, [e1, e4, k1, s4]);
    const t = s.tickets.get(ticketId)!;
    expect(t).toMatchObject({ status: 'serving', windowId: 'w4', skips: 0 });
    expect(t.skippedAt).toBeUndefined();
    expect(s.stats.get(t.dayService)).toMatchObject({ called: 1, noShow: 0 });
    expect(s.windows.get('w1')!.conflict).toMatchObject({ wonBy: 'w4', reason: 'started' });
  });

  it('both windows started: the earliest call wins', () => {
    const { h, c1, c4, ticketId, base } = scene();
    const e1 = c1.emit('ticket.called', { ticketId, windowId: 'w1', claim: 'local' });
    h.advance(MINUTE);
    const e4 = c4.emit('ticket.called', { ticketId, windowId: 'w4', claim: 'local' });
    h.advance(MINUTE);
    const s4 = c4.emit('ticket.started', { ticketId, windowId: 'w4' });
    h.advance(MINUTE);
    const s1 = c1.emit('ticket.started', { ticketId, windowId: 'w1' });
    const s = expectOneAnswer(base, [e1, e4, s4, s1]);
    expect(s.tickets.get(ticketId)).toMatchObject({ status: 'serving', windowId: 'w1' });
    expect(s.windows.get('w4')!.conflict).toMatchObject({ wonBy: 'w1', reason: 'earlier-call' });
    expect(s.windows.get('w4')!.currentTicketId).toBeUndefined();
  });

  it('a ticket already finished at the winning window never moves', () => {
    const { h, c1, c4, ticketId, base } = scene();
    const e1 = c1.emit('ticket.called', { ticketId, windowId: 'w1', claim: 'local' });
    h.advance(MINUTE);
    const e4 = c4.emit('ticket.called', { ticketId, windowId: 'w4', claim: 'local' });
    h.advance(MINUTE);
    const f1 = c1.emit('ticket.finished', { ticketId, windowId: 'w1', outcome: 'done' });
    h.advance(MINUTE);
    const s4 = c4.emit('ticket.started', { ticketId, windowId: 'w4' });
    const s = expectOneAnswer(base, [e1, e4, f1, s4]);
    expect(s.tickets.get(ticketId)).toMatchObject({ status: 'finished', windowId: 'w1' });
    expect(s.windows.get('w4')!.conflict).toMatchObject({ wonBy: 'w1' });
  });

  it('a window that called another ticket since its lost call cannot take the old one by starting it', () => {
    const { h, c1, c4, ticketId, base } = scene();
    const k = h.terminal('kiosk-2');
    const b = k.nextId();
    const issued = k.emit('ticket.issued', { ticketId: b, number: 'A002', numberSource: 'server', serviceId: 'hukou', day: '2026-11-23', channel: 'kiosk', priority: 'normal', medium: 'paper' });
    const e1 = c1.emit('ticket.called', { ticketId, windowId: 'w1', claim: 'local' });
    h.advance(MINUTE);
    const e4 = c4.emit('ticket.called', { ticketId, windowId: 'w4', claim: 'local' });
    h.advance(MINUTE);
    const n4 = c4.emit('ticket.called', { ticketId: b, windowId: 'w4', claim: 'local' });
    h.advance(MINUTE);
    const s4 = c4.emit('ticket.started', { ticketId, windowId: 'w4' });
    const s = expectOneAnswer([...base, issued], [e1, e4, n4, s4], 30);
    expect(s.tickets.get(ticketId)).toMatchObject({ status: 'called', windowId: 'w1' });
    expect(s.tickets.get(b)).toMatchObject({ status: 'called', windowId: 'w4' });
  });
});
