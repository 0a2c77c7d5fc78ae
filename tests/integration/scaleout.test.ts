/**
 * Scale-out: several server instances on one PostgreSQL database, each with its own pool and
 * its own LISTEN connection, as they run behind a load balancer. PostgreSQL only (PGlite is one
 * process); CI sets HALLQ_TEST_DATABASE_URL, so this runs there (tests/support/server.ts fails
 * a CI run without it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Db } from '../../server/db/db';
import { openPostgres } from '../../server/db/postgres';
import type { HallEvent } from '../../shared/events';
import { localDate } from '../../shared/schedule';
import { TestTerminal } from '../support/hall';
import { POSTGRES_URL, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const service = { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } };
const window1 = { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] };
const window2 = { id: 'w2', label: '2', services: [{ serviceId: 'hukou' }] };

const SKIPPED = 'skipped: scale-out needs PostgreSQL; set HALLQ_TEST_DATABASE_URL (scripts/start-postgres.sh) to run it';
if (!POSTGRES_URL) console.warn(`tests/integration/scaleout.test.ts ${SKIPPED}`);

describe.skipIf(!POSTGRES_URL)(`two server instances on one PostgreSQL database${POSTGRES_URL ? '' : ` (${SKIPPED})`}`, () => {
  let tdb: TestDb;
  let dbB: Db;
  let a: RunningServer;
  let b: RunningServer;
  let admin: string;
  let kiosk: TestTerminal;
  let kioskToken: string;
  let counter1: TestTerminal;
  let counter1Token: string;
  let counter2: TestTerminal;
  let counter2Token: string;
  let displayToken: string;
  let numberSeq = 0;

  const issued = (t: TestTerminal) =>
    t.emit('ticket.issued', {
      ticketId: t.nextId(),
      serviceId: 'hukou',
      number: `A${String(++numberSeq).padStart(4, '0')}`,
      numberSource: 'server',
      day: localDate(Date.now(), 'Asia/Shanghai'),
      channel: 'kiosk',
    });
  const push = (s: RunningServer, token: string, events: HallEvent[]) => call(s.url, 'POST', '/api/sync/push', { token, body: { events } });

  beforeAll(async () => {
    tdb = await freshDb('postgres');
    dbB = await openPostgres(tdb.url!);
    a = await startServer(tdb.db);
    b = await startServer(dbB);
    // Both instances share the terminals table: the last started instance's admin token is the one.
    admin = b.adminToken;
    for (const [kind, v] of [['service', service], ['window', window1], ['window', window2]] as const) {
      expect((await call(a.url, 'PUT', '/api/admin/config', { token: admin, body: { kind, id: v.id, value: v } })).status).toBe(200);
    }
    const enroll = async (id: string, role: string, windowId?: string) => enrollTerminal({ ...b, adminToken: admin }, id, role, windowId);
    const k = await enroll('kiosk-1', 'kiosk');
    kioskToken = k.token;
    kiosk = new TestTerminal('kiosk-1', Date.now, k.epoch);
    const c1 = await enroll('counter-1', 'counter', 'w1');
    counter1Token = c1.token;
    counter1 = new TestTerminal('counter-1', Date.now, c1.epoch);
    const c2 = await enroll('counter-2', 'counter', 'w2');
    counter2Token = c2.token;
    counter2 = new TestTerminal('counter-2', Date.now, c2.epoch);
    displayToken = (await enroll('display-1', 'display')).token;
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await dbB?.close();
    await tdb?.drop();
  });

  it('a display live on instance B receives within a second what is pushed to instance A', async () => {
    const ws = new WebSocket(`${b.url.replace('http', 'ws')}/api/sync/live`, { headers: { authorization: `Bearer ${displayToken}` } });
    const arrived = new Map<string, number>();
    let hello = false;
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (m.t === 'hello') hello = true;
      if (m.t === 'events') for (const x of m.events) arrived.set(`${x.e.origin}:${x.e.seq}`, Date.now());
    });
    await until(async () => hello);
    try {
      for (let i = 0; i < 10; i++) {
        const e = issued(kiosk);
        const sent = Date.now();
        expect((await push(a, kioskToken, [e])).status).toBe(200);
        await until(async () => arrived.has(`${e.origin}:${e.seq}`), 1_000);
        expect(arrived.get(`${e.origin}:${e.seq}`)! - sent).toBeLessThan(1_000);
      }
    } finally {
      ws.close();
    }
  });

  it('numbers requested alternately from both instances at once are sequential, none repeated', async () => {
    const n = 60;
    const got = await Promise.all(
      Array.from({ length: n }, (_, i) => call((i % 2 ? b : a).url, 'POST', '/api/numbers', { token: kioskToken, body: { serviceId: 'hukou' } })),
    );
    for (const r of got) expect(r.status).toBe(200);
    const seqs = got.map((r) => r.body.seq as number).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(n);
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => seqs[0]! + i));
  });

  it('two windows claiming through different instances never get the same ticket', async () => {
    const everClaimed = new Set<string>();
    for (let round = 0; round < 40; round++) {
      // Two new tickets, pushed through either instance.
      expect((await push(round % 2 ? a : b, kioskToken, [issued(kiosk), issued(kiosk)])).status).toBe(200);
      const [via1, via2] = round % 2 ? [a, b] : [b, a];
      const [r1, r2] = await Promise.all([
        call(via1.url, 'POST', '/api/claims', { token: counter1Token, body: { windowId: 'w1' } }),
        call(via2.url, 'POST', '/api/claims', { token: counter2Token, body: { windowId: 'w2' } }),
      ]);
      expect(r1.status).toBe(200);
      expect(r2.status).toBe(200);
      expect(r1.body.ticket).not.toBeNull();
      expect(r2.body.ticket).not.toBeNull();
      expect(r1.body.ticket.id).not.toBe(r2.body.ticket.id);
      // Each window calls what it claimed, through the instance it asked; a ticket is claimed once ever.
      for (const id of [r1.body.ticket.id, r2.body.ticket.id]) {
        expect(everClaimed.has(id)).toBe(false);
        everClaimed.add(id);
      }
      const [p1, p2] = await Promise.all([
        push(via1, counter1Token, [counter1.emit('ticket.called', { ticketId: r1.body.ticket.id, windowId: 'w1' })]),
        push(via2, counter2Token, [counter2.emit('ticket.called', { ticketId: r2.body.ticket.id, windowId: 'w2' })]),
      ]);
      expect(p1.status).toBe(200);
      expect(p2.status).toBe(200);
    }
  });

  it('an instance shut down with pushes in flight loses no acknowledged event; refused pushes succeed on the other instance', async () => {
    const kiosks: Array<{ t: TestTerminal; token: string }> = [];
    for (let i = 0; i < 12; i++) {
      const k = await enrollTerminal({ ...b, adminToken: admin }, `kiosk-s${i}`, 'kiosk');
      kiosks.push({ t: new TestTerminal(`kiosk-s${i}`, Date.now, k.epoch), token: k.token });
    }
    const outcomes = { acked: 0, retried: 0, pendingAtClose: 0 };
    for (let round = 0; round < 3; round++) {
      const dbC = await openPostgres(tdb.url!);
      const c = await startServer(dbC);
      admin = c.adminToken;
      const batches = kiosks.map((k) => ({ k, events: Array.from({ length: 150 }, () => issued(k.t)) }));
      let pending = batches.length;
      let closing: Promise<void> | undefined;
      const results = await Promise.all(
        batches.map(async ({ k, events }, i) => {
          // Stagger the starts so some pushes begin while the instance is already closing.
          await new Promise((r) => setTimeout(r, i * 3));
          let first: { status: number } | Error;
          try {
            first = await push(c, k.token, events);
          } catch (err) {
            first = err as Error;
          }
          pending -= 1;
          if (!closing) {
            outcomes.pendingAtClose = Math.max(outcomes.pendingAtClose, pending);
            closing = c.stop();
          }
          if (!(first instanceof Error) && first.status === 200) {
            // Acknowledged: every event is in the database now, before anything else happens.
            const r = await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE origin = $1 AND seq = ANY($2)', [
              k.t.origin,
              events.map((e) => e.seq),
            ]);
            expect(r.rows[0]!.n).toBe(events.length);
            outcomes.acked += 1;
            return 'acked';
          }
          // A connection error or 503 (closing): the client retries on the other instance.
          if (!(first instanceof Error)) expect(first.status).toBe(503);
          const retry = await push(b, k.token, events);
          expect(retry.status).toBe(200);
          outcomes.retried += 1;
          return 'retried';
        }),
      );
      await closing;
      await dbC.close();
      expect(results).toHaveLength(batches.length);
      // Every batch is held exactly once, whichever way it got there.
      for (const { k, events } of batches) {
        const r = await tdb.db.query<{ n: number; d: number; top: number }>(
          'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d, max(seq) AS top FROM events WHERE origin = $1',
          [k.t.origin],
        );
        expect(r.rows[0]).toMatchObject({ n: r.rows[0]!.d, top: events[events.length - 1]!.seq });
        const held = await tdb.db.query<{ held: number }>('SELECT held FROM origins WHERE origin = $1', [k.t.origin]);
        expect(held.rows[0]!.held).toBe(events[events.length - 1]!.seq);
      }
    }
    // The shutdown really happened with work in flight.
    expect(outcomes.pendingAtClose).toBeGreaterThan(0);
    expect(outcomes.acked).toBeGreaterThan(0);
    console.info('graceful shutdown:', outcomes);
  }, 60_000);
});

async function until(cond: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond().catch(() => false)) return;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
