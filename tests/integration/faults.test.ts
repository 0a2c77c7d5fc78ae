/**
 * Faults between real terminals and the real server: partitions, slow and cut connections, a
 * server killed mid-push, a terminal restarted mid-pull, two offline windows calling the same
 * ticket. Each terminal reaches the server through a FaultProxy of its own. Every test ends by
 * healing everything and checking that every replica folds to the server's log, that every
 * ticket a kiosk gave is on the server, and that no number was given twice in a day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalState } from '../../shared/fold/canonical';
import type { HallState } from '../../shared/fold/state';
import { localDate } from '../../shared/schedule/zone';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call } from '../support/server';
import { RealHall, type RealTerminal, numbersOf, sleep, waitUntil } from '../support/realHall';

/**
 * Between two steps whose order in time the test relies on (issue times, call times): well above
 * the error of a terminal's clock offset (half a round trip on loopback).
 */
const STEP_MS = 100;

const offline = (t: RealTerminal) => waitUntil(`${t.spec.id} to report offline`, () => t.engine.status.state === 'offline', 5_000);
const online = (t: RealTerminal) => waitUntil(`${t.spec.id} to report online`, () => t.engine.status.state === 'online', 10_000);

describe.each(DB_KINDS)('sync faults against the real server on %s', (kind) => {
  let hall: RealHall | undefined;
  afterEach(async () => {
    await hall?.close();
    hall = undefined;
  });

  it('a partitioned kiosk issues from its offline series; once restored its tickets are called in their fair place', { timeout: 30_000 }, async () => {
    hall = await RealHall.start(kind);
    const k1 = await hall.terminal({ id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K' });
    const k2 = await hall.terminal({ id: 'kiosk-2', role: 'kiosk', offlineSeries: 'L' });
    const c1 = await hall.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1' });
    await hall.terminal({ id: 'display-1', role: 'display' });
    await c1.author('staff.signedIn', { windowId: 'w1', staffId: 's1' });
    const serve = async (number: string) => {
      await sleep(STEP_MS);
      const r = await c1.callNext();
      expect(r).toMatchObject({ ok: true, claim: 'server', number });
      if (r.ok) await c1.author('ticket.finished', { ticketId: r.ticketId, windowId: 'w1', outcome: 'done' });
    };
    const issue = async (k: RealTerminal, number: string, fromOwnSeries: boolean) => {
      await sleep(STEP_MS);
      expect(await k.issue('hukou')).toMatchObject({ ok: true, offline: fromOwnSeries, ticket: { number, numberSource: fromOwnSeries ? 'offline' : 'server' } });
    };

    await issue(k2, 'A001', false);
    k1.proxy.down();
    await offline(k1);
    await issue(k1, 'AK001', true);
    await issue(k2, 'A002', false);
    await serve('A001');
    await issue(k1, 'AK002', true);
    await issue(k2, 'A003', false);
    // The server knows nothing of AK001, issued before A002: A002 is next in its view.
    await serve('A002');
    expect(k1.engine.status).toMatchObject({ state: 'offline', pending: 2 });

    k1.proxy.restore();
    await waitUntil(
      'the offline tickets to reach the server and the counter',
      () => k1.engine.status.pending === 0 && c1.ticketByNumber('AK001') !== undefined && c1.ticketByNumber('AK002') !== undefined,
      10_000,
    );
    // By issue time: the two offline tickets were taken before A003.
    await serve('AK001');
    await serve('AK002');
    await serve('A003');
    expect(await c1.callNext()).toMatchObject({ ok: false, code: 'nobody-waiting', claim: 'server' });

    const state = await hall.assertConverged();
    const byCall = [...state.tickets.values()].sort((a, b) => a.calledAt! - b.calledAt!);
    expect(byCall.map((t) => t.number)).toEqual(['A001', 'A002', 'AK001', 'AK002', 'A003']);
    expect(byCall.every((t) => t.status === 'finished' && t.windowId === 'w1')).toBe(true);
    const ak1 = state.tickets.get(k1.issued[0]!.ticketId)!;
    expect(ak1.queuedAt).toBeLessThan(c1.ticketByNumber('A002')!.queuedAt);
  });

  it('converges after a burst of issues and calls over connections delayed 200-500 ms and cut at random, with terminal clocks minutes off', { timeout: 45_000 }, async () => {
    hall = await RealHall.start(kind);
    // Clocks minutes apart (some beyond the server's 5 minutes): the engines correct them.
    const kiosks = [
      await hall.terminal({ id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K', skewMs: 7 * 60_000 }),
      await hall.terminal({ id: 'kiosk-2', role: 'kiosk', offlineSeries: 'L', skewMs: -9 * 60_000 }),
    ];
    const counters = [
      await hall.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1', skewMs: 3 * 60_000 }),
      await hall.terminal({ id: 'counter-2', role: 'counter', windowId: 'w2', skewMs: -4 * 60_000 }),
    ];
    await hall.terminal({ id: 'display-1', role: 'display' });
    await counters[0]!.author('staff.signedIn', { windowId: 'w1', staffId: 's1' });
    await counters[1]!.author('staff.signedIn', { windowId: 'w2', staffId: 's2' });
    for (const [i, t] of hall.terminals.entries()) t.proxy.delayMs = 200 + ((i * 77) % 301);

    let chaos = true;
    let cuts = 0;
    const chaosLoop = (async () => {
      for (let i = 0; chaos; i++) {
        await sleep(250 + ((i * 131) % 300));
        if (!chaos) break;
        hall!.terminals[(i * 3) % hall!.terminals.length]!.proxy.cut();
        cuts += 1;
      }
    })();
    const issuing = kiosks.map(async (k) => {
      for (let i = 0; i < 5; i++) {
        expect(await k.issue(i % 2 ? 'social' : 'hukou')).toMatchObject({ ok: true });
        await sleep(50);
      }
    });
    const calling = counters.map(async (c) => {
      for (let i = 0; i < 4; i++) {
        await sleep(150);
        const r = await c.callNext();
        if (r.ok) await c.author('ticket.finished', { ticketId: r.ticketId, windowId: c.identity.windowId!, outcome: 'done' });
      }
    });
    try {
      await Promise.all([...issuing, ...calling]);
    } finally {
      chaos = false;
      await chaosLoop;
      for (const t of hall.terminals) t.proxy.delayMs = 0;
    }
    expect(cuts).toBeGreaterThan(3);

    const state = await hall.assertConverged(20_000);
    expect(state.tickets.size).toBe(10);
    // Whatever was decided online or offline, each kiosk's numbers are its own: no collisions.
    expect(new Set(numbersOf(state)).size).toBe(10);
  });

  for (const how of ['crash', 'shutdown'] as const) {
    it(`a server taken down mid-push (${how}) loses nothing it acknowledged; a new server on the same database gets the rest once`, { timeout: 45_000 }, async () => {
      hall = await RealHall.start(kind);
      const k1 = await hall.terminal({ id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K', engine: { batchSize: 20 } });
      await hall.terminal({ id: 'display-1', role: 'display' });

      k1.proxy.down();
      await offline(k1);
      const N = 120;
      for (let i = 0; i < N; i++) expect(await k1.issue(i % 3 ? 'hukou' : 'social')).toMatchObject({ ok: true, offline: true });
      expect(k1.engine.status.pending).toBe(N);

      // Back online, the kiosk pushes 20 events a batch; the third is on its way when the server dies.
      let pushes = 0;
      let killing: Promise<void> | undefined;
      k1.proxy.delayMs = 20;
      k1.proxy.restore();
      k1.beforeFetch = (s) => {
        if (s.path === '/api/sync/push' && ++pushes === 3) killing = sleep(30).then(() => hall!.killServer(how));
      };
      await waitUntil('the server to be killed mid-push', () => killing !== undefined, 10_000);
      await killing;
      k1.beforeFetch = undefined;
      k1.proxy.delayMs = 0;
      // The kiosk is done with the batch that was on its way once it sends anything after it.
      const sent = k1.sent.length;
      await waitUntil('the kiosk to try again', () => k1.sent.length > sent, 5_000);

      // Every event the kiosk dropped from its outbox (acknowledged) is in the database.
      const outbox = new Set((await k1.db.outbox.toArray()).map((r) => r.seq));
      const own = await k1.db.events.where('[origin+seq]').between([k1.origin, 0], [k1.origin, Number.MAX_SAFE_INTEGER]).toArray();
      const acknowledged = own.filter((e) => !outbox.has(e.seq)).map((e) => e.seq);
      const stored = new Set((await hall.tdb.db.query<{ seq: number }>('SELECT seq FROM events WHERE origin = $1', [k1.origin])).rows.map((r) => Number(r.seq)));
      expect(acknowledged.length).toBeGreaterThan(0);
      expect(outbox.size).toBeGreaterThan(0);
      expect(acknowledged.filter((seq) => !stored.has(seq))).toEqual([]);
      // A graceful stop answers what it committed: nothing is stored that the kiosk still holds.
      if (how === 'shutdown') expect([...stored].filter((seq) => outbox.has(seq))).toEqual([]);

      await hall.restartServer();
      const state = await hall.assertConverged(20_000);
      expect(k1.engine.status.pending).toBe(0);
      expect(state.tickets.size).toBe(N);
      const counted = await hall.tdb.db.query<{ n: number; top: number }>('SELECT count(*)::int AS n, max(seq)::int AS top FROM events WHERE origin = $1', [k1.origin]);
      expect(counted.rows[0]).toMatchObject({ n: own.length, top: own.length });
    });
  }

  it('a terminal restarted mid-pull resumes from its checkpoint, converges, and still pushes its own unsent events', { timeout: 45_000 }, async () => {
    hall = await RealHall.start(kind);
    const c1 = await hall.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1', engine: { pullLimit: 50 } });
    await hall.terminal({ id: 'display-1', role: 'display' });
    const enrolled = await hall.enroll({ id: 'kiosk-3', role: 'kiosk', offlineSeries: 'M' });

    c1.proxy.down();
    await offline(c1);
    const before = await c1.db.checkpoint(c1.upstream);
    // Meanwhile another kiosk's day reaches the server: 600 tickets.
    const kiosk3 = new TestTerminal('kiosk-3', Date.now, enrolled.epoch);
    const day = localDate(Date.now(), 'Asia/Shanghai');
    for (let b = 0; b < 3; b++) {
      const events = Array.from({ length: 200 }, (_, i) =>
        kiosk3.emit('ticket.issued', { ticketId: kiosk3.nextId(), serviceId: 'hukou', number: `AM${String(b * 200 + i + 1).padStart(3, '0')}`, numberSource: 'offline', day, channel: 'kiosk' }),
      );
      const r = await call(hall.server.url, 'POST', '/api/sync/push', { token: enrolled.token, body: { events } });
      expect(r.status).toBe(200);
    }
    const top = await hall.serverTop();

    // Back online, the counter pulls 50 events a page; the third page hangs.
    let pages = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    c1.beforeFetch = (s) => {
      if (s.path === '/api/sync/pull' && (s.after ?? 0) > before && ++pages >= 2) return gate;
    };
    c1.proxy.restore();
    await waitUntil('the counter to be mid-pull', () => pages >= 2, 10_000);
    const mid = await c1.db.checkpoint(c1.upstream);
    expect(mid).toBeGreaterThan(before);
    expect(mid).toBeLessThan(top);
    // The clerk signs in meanwhile: an own event not yet pushed.
    const own = await c1.author('staff.signedIn', { windowId: 'w1', staffId: 's2' });

    await c1.close();
    c1.beforeFetch = undefined;
    release();
    const saved = await c1.inspect(async (db) => ({ checkpoint: await db.checkpoint(c1.upstream), outbox: (await db.outbox.toArray()).map((r) => `${r.origin}:${r.seq}`) }));
    expect(saved).toEqual({ checkpoint: mid, outbox: [`${own.origin}:${own.seq}`] });

    const mark = c1.sent.length;
    await c1.start();
    const state = await hall.assertConverged(20_000);
    // It went on from where it stopped, not from the beginning.
    expect(c1.sent.slice(mark).find((s) => s.path === '/api/sync/pull')?.after).toBe(mid);
    expect(state.tickets.size).toBe(600);
    expect(state.windows.get('w1')?.staffId).toBe('s2');
    const pushed = await hall.tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE origin = $1 AND seq = $2', [own.origin, own.seq]);
    expect(pushed.rows[0]!.n).toBe(1);
  });

  it('two offline counters call the same ticket and the later caller starts serving; after healing every replica sends the citizen to the window serving them and tells the other window (issue 17)', { timeout: 30_000 }, async () => {
    hall = await RealHall.start(kind);
    const k1 = await hall.terminal({ id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K' });
    const c1 = await hall.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1' });
    const c2 = await hall.terminal({ id: 'counter-2', role: 'counter', windowId: 'w2' });
    await hall.terminal({ id: 'display-1', role: 'display' });
    await c1.author('staff.signedIn', { windowId: 'w1', staffId: 's1' });
    await c2.author('staff.signedIn', { windowId: 'w2', staffId: 's2' });
    expect(await k1.issue('hukou')).toMatchObject({ ok: true, ticket: { number: 'A001' } });
    expect(await k1.issue('hukou')).toMatchObject({ ok: true, ticket: { number: 'A002' } });
    await hall.settle();

    c1.proxy.down();
    c2.proxy.down();
    await offline(c1);
    await offline(c2);
    const first = await c1.callNext();
    await sleep(STEP_MS);
    const second = await c2.callNext();
    expect(first).toMatchObject({ ok: true, claim: 'local', number: 'A001' });
    expect(second).toMatchObject({ ok: true, claim: 'local', number: 'A001' });
    if (!first.ok || !second.ok) return;
    expect(first.event.hlc < second.event.hlc).toBe(true);
    const a001 = first.ticketId;
    // The later caller's clerk starts serving before hearing of the other call: the citizen sat down at w2.
    await c2.author('ticket.started', { ticketId: a001, windowId: 'w2' });
    expect(c2.coordinator.conflict('w2')).toBeUndefined();

    c1.proxy.restore();
    c2.proxy.restore();
    const server = await hall.assertConverged();
    const check = (s: HallState, who: string) => {
      // The call follows the citizen: the window that started service wins over the earlier call.
      expect(s.tickets.get(a001), who).toMatchObject({ number: 'A001', status: 'serving', windowId: 'w2', staffId: 's2' });
      expect(s.windows.get('w1')?.conflict, who).toMatchObject({ ticketId: a001, number: 'A001', wonBy: 'w2', reason: 'started' });
      expect(s.windows.get('w2')?.conflict, who).toBeUndefined();
      // The loser's call is kept in the history, marked ignored.
      const atW1 = s.tickets.get(a001)!.history.filter((h) => h.windowId === 'w1');
      expect(atW1.map((h) => h.type), who).toEqual(['ticket.called']);
      expect(atW1.every((h) => h.ignored !== undefined), who).toBe(true);
      expect(s.tickets.get(a001)!.history.filter((h) => h.windowId === 'w2').every((h) => h.ignored === undefined), who).toBe(true);
    };
    check(server, 'server');
    for (const t of hall.terminals) check(t.local.state, t.spec.id);
    expect(c1.coordinator.conflict('w1')).toMatchObject({ number: 'A001', wonBy: 'w2' });

    // The clerk at w1 calls again and gets the next ticket.
    expect(await c1.callNext()).toMatchObject({ ok: true, claim: 'server', number: 'A002' });
    const after = await hall.assertConverged();
    expect(after.windows.get('w1')?.conflict).toBeUndefined();
    expect(after.tickets.get(a001)).toMatchObject({ windowId: 'w2', status: 'serving' });
    for (const t of hall.terminals) expect(canonicalState(t.local.state)).toBe(canonicalState(after));
  });

  it("a partitioned terminal reports 'offline' with the time of its last contact, and 'online' once restored", { timeout: 30_000 }, async () => {
    hall = await RealHall.start(kind);
    const k1 = await hall.terminal({ id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K' });
    await hall.terminal({ id: 'display-1', role: 'display' });
    const states = (t: RealTerminal) => {
      const seen: string[] = [];
      t.engine.subscribe((s) => {
        if (seen[seen.length - 1] !== s.state) seen.push(s.state);
      });
      return seen;
    };
    const seen = states(k1);

    await sleep(200);
    const downAt = Date.now();
    k1.proxy.down();
    await offline(k1);
    const down = k1.engine.status;
    expect(down).toMatchObject({ state: 'offline', upstream: null, live: false });
    expect(down.lastContact).not.toBeNull();
    // (An answer already on its way when the link went down may still count, a moment later.)
    expect(down.lastContact!).toBeLessThanOrEqual(downAt + 100);
    expect(down.lastContact!).toBeGreaterThan(downAt - 5_000);
    // Between attempts it says when the next one is due (null while one is under way).
    await waitUntil('the next attempt to be announced', () => (k1.engine.status.nextAttemptAt ?? 0) >= Date.now() - 50, 3_000);
    // It stays offline, since the same moment, while it keeps trying.
    const attempts = k1.sent.length;
    await sleep(600);
    expect(k1.engine.status).toMatchObject({ state: 'offline', lastContact: down.lastContact });
    expect(k1.sent.length).toBeGreaterThan(attempts);
    expect(await k1.issue('hukou')).toMatchObject({ ok: true, offline: true, ticket: { number: 'AK001' } });
    expect(k1.engine.status).toMatchObject({ state: 'offline', pending: 1 });

    expect(seen).toEqual(['online', 'offline']);

    // Restarted while partitioned, it still knows when it last heard from a server.
    await k1.close();
    await k1.start();
    const seenAfterRestart = states(k1);
    await offline(k1);
    const restarted = k1.engine.status;
    expect(restarted.lastContact).not.toBeNull();
    expect(restarted.lastContact!).toBeLessThanOrEqual(down.lastContact!);
    expect(restarted.pending).toBe(1);
    // Its offline series goes on from its own log: no number twice.
    expect(await k1.issue('hukou')).toMatchObject({ ok: true, offline: true, ticket: { number: 'AK002' } });

    const restoredAt = Date.now();
    k1.proxy.restore();
    await online(k1);
    await waitUntil('the offline tickets to be pushed', () => k1.engine.status.pending === 0, 5_000);
    expect(k1.engine.status).toMatchObject({ state: 'online', upstream: k1.upstream });
    expect(k1.engine.status.lastContact!).toBeGreaterThanOrEqual(restoredAt);
    expect(seenAfterRestart).toEqual(['offline', 'online']);
    await hall.assertConverged();
  });
});
