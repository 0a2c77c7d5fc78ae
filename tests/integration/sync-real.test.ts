/**
 * The real thing end to end: the hall server in-process on a fresh database, and real terminal
 * sync engines (Dexie over fake-indexeddb, `ws`, fetch, real timers) for a kiosk, a counter, a
 * display and an evaluator, each reaching the server through a TCP proxy of its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalState } from '../../shared/fold/canonical';
import { DB_KINDS } from '../support/server';
import { RealHall, numbersOf, waitUntil } from '../support/realHall';

describe.each(DB_KINDS)('terminals syncing with the real server on %s', (kind) => {
  let hall: RealHall | undefined;
  afterEach(async () => {
    await hall?.close();
    hall = undefined;
  });

  it('a ticket goes from the kiosk to the counter, the display sees the call live, the evaluator rates, and every replica folds to the server log', { timeout: 30_000 }, async () => {
    hall = await RealHall.start(kind);
    const started = Date.now();
    const kiosk = await hall.terminal({ id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K' });
    const counter = await hall.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1' });
    // The display hears calls on its live socket only: no heartbeat rounds during the test.
    const display = await hall.terminal({ id: 'display-1', role: 'display', engine: { pollMs: 60_000 } });
    const evaluator = await hall.terminal({ id: 'eval-1', role: 'evaluator', windowId: 'w1' });
    for (const t of hall.terminals) expect(t.engine.status).toMatchObject({ state: 'online', live: true, upstream: t.upstream });

    await counter.author('staff.signedIn', { windowId: 'w1', staffId: 's1' });
    const issued = await kiosk.issue('hukou');
    expect(issued).toMatchObject({ ok: true, offline: false, ticket: { number: 'A001', numberSource: 'server', status: 'waiting' } });
    const ticketId = issued.ok ? issued.ticket.id : '';
    await waitUntil('the counter to hear of A001', () => counter.local.state.tickets.has(ticketId), 5_000);

    // The display notes the moment the call reaches it.
    let seenAt: number | undefined;
    const off = display.local.subscribe(() => {
      if (seenAt === undefined && display.local.state.tickets.get(ticketId)?.status === 'called') seenAt = Date.now();
    });
    const called = await counter.callNext();
    const calledAt = Date.now();
    expect(called).toMatchObject({ ok: true, claim: 'server', number: 'A001', ticketId, ticket: { status: 'called', windowId: 'w1', staffId: 's1' } });
    await waitUntil('the display to show the call', () => seenAt !== undefined, 1_000);
    off();
    expect(seenAt! - calledAt).toBeLessThan(1_000);
    expect(display.local.state.windows.get('w1')).toMatchObject({ currentTicketId: ticketId });

    await counter.author('ticket.started', { ticketId, windowId: 'w1' });
    await counter.author('ticket.finished', { ticketId, windowId: 'w1', outcome: 'done' });
    await waitUntil('the evaluator to see A001 finished', () => evaluator.local.state.tickets.get(ticketId)?.status === 'finished', 5_000);
    await evaluator.author('evaluation.recorded', { ticketId, windowId: 'w1', level: 5, source: 'pad' });

    const server = await hall.assertConverged();
    const serverCanon = canonicalState(server);
    for (const t of hall.terminals) expect(canonicalState(t.local.state), t.spec.id).toBe(serverCanon);
    expect(server.tickets.get(ticketId)).toMatchObject({ number: 'A001', status: 'finished', windowId: 'w1', staffId: 's1', outcome: 'done', rating: { level: 5 } });
    expect(numbersOf(server)).toEqual(['A001']);
    expect(server.notes).toEqual([]);

    for (const t of hall.terminals) {
      const s = t.engine.status;
      expect(s, t.spec.id).toMatchObject({ state: 'online', upstream: t.upstream, live: true, pending: 0, quarantined: 0, blocked: null, authError: null });
      expect(s.lastContact).toBeGreaterThanOrEqual(started);
      expect(s.lastContact).toBeLessThanOrEqual(Date.now());
      expect(t.errors, t.spec.id).toEqual([]);
    }
  });

  it('two kiosks take turns on one server series and two counters never call the same ticket', { timeout: 30_000 }, async () => {
    hall = await RealHall.start(kind);
    const k1 = await hall.terminal({ id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K' });
    const k2 = await hall.terminal({ id: 'kiosk-2', role: 'kiosk', offlineSeries: 'L' });
    const c1 = await hall.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1' });
    const c2 = await hall.terminal({ id: 'counter-2', role: 'counter', windowId: 'w2' });

    const got = await Promise.all([k1.issue('hukou'), k2.issue('hukou'), k1.issue('social'), k2.issue('hukou'), k1.issue('hukou')]);
    expect(got.every((r) => r.ok && !r.offline)).toBe(true);
    const nums = got.map((r) => (r.ok ? r.ticket.number : '')).sort();
    expect(nums).toEqual(['A001', 'A002', 'A003', 'A004', 'B001']);
    await hall.settle();

    const calls = await Promise.all([c1.callNext(), c2.callNext()]);
    expect(calls.every((c) => c.ok && c.claim === 'server')).toBe(true);
    const [a, b] = calls.map((c) => (c.ok ? c.number : ''));
    expect(a).not.toBe(b);
    const state = await hall.assertConverged();
    expect([...state.windows.values()].filter((w) => w.conflict)).toEqual([]);
  });
});
