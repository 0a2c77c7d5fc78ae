/**
 * `npm run bench -- sync`: the server under a hall's load, on loopback.
 * - ingest: events/s through the real push path (HTTP, validation, hall lock, held check,
 *   insert, notify) vs plain batched INSERTs of the same events into the same database.
 * - call_to_notify: a counter's call pushed to the server until each of 200 live displays has it.
 * Runs on PostgreSQL when HALLQ_TEST_DATABASE_URL is set, else on PGlite.
 */
import WebSocket from 'ws';
import { localDate } from '../../shared/schedule/zone';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer } from '../support/server';

const TERMINALS = Number(process.env.SYNC_TERMINALS ?? 200);
const INGEST_EVENTS = Number(process.env.SYNC_EVENTS ?? 20_000);
const BATCH = 500;
const CALLS = Number(process.env.SYNC_CALLS ?? 50);

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export async function benchSync(): Promise<Record<string, number | string>> {
  const kind = DB_KINDS.includes('postgres') ? 'postgres' : 'pglite';
  const tdb = await freshDb(kind);
  const s = await startServer(tdb.db);
  try {
    await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'service', id: 'hukou', value: { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' } } } });
    await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'window', id: 'w1', value: { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] } } });
    const day = localDate(Date.now(), 'Asia/Shanghai');

    // --- ingest: our push path ---------------------------------------------------------
    const k = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    const kiosk = new TestTerminal('kiosk-1', Date.now, k.epoch);
    const make = (t: TestTerminal, n: number) =>
      t.emit('ticket.issued', { ticketId: t.nextId(), serviceId: 'hukou', number: `A${String((n % 99999) + 1).padStart(3, '0')}`, numberSource: 'server', day, channel: 'kiosk' });
    const batches: unknown[][] = [];
    for (let i = 0; i < INGEST_EVENTS / BATCH; i++) batches.push(Array.from({ length: BATCH }, (_, j) => make(kiosk, i * BATCH + j)));
    let t0 = performance.now();
    for (const events of batches) {
      const r = await call(s.url, 'POST', '/api/sync/push', { token: k.token, body: { events } });
      if (r.status !== 200) throw new Error(`push failed: ${JSON.stringify(r.body)}`);
    }
    const pushMs = performance.now() - t0;

    // --- ingest: plain batched INSERTs of the same events, same database ------------------
    await tdb.db.query('CREATE TABLE events_raw (LIKE events INCLUDING ALL)');
    const raw = new TestTerminal('kiosk-2', Date.now, 1);
    const rawBatches = batches.map(() => Array.from({ length: BATCH }, (_, j) => make(raw, j)));
    t0 = performance.now();
    for (const events of rawBatches) {
      const params: unknown[] = [];
      const rows = events.map((e, i) => {
        params.push(e.hall, e.origin, e.seq, e.hlc, e.type, JSON.stringify(e));
        const b = i * 6;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
      });
      await tdb.db.query(`INSERT INTO events_raw (hall, origin, seq, hlc, type, body) VALUES ${rows.join(',')}`, params);
    }
    const rawMs = performance.now() - t0;

    // --- call to notify, with many live terminals --------------------------------------------
    const displays: WebSocket[] = [];
    const arrivals = new Map<string, number[]>();
    for (let i = 0; i < TERMINALS; i++) {
      const d = await enrollTerminal(s, `display-${i}`, 'display');
      const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/sync/live`, { headers: { authorization: `Bearer ${d.token}` } });
      ws.on('message', (data) => {
        const m = JSON.parse(String(data));
        if (m.t !== 'events') return;
        const at = performance.now();
        for (const x of m.events) if (x.e.type === 'ticket.called') arrivals.get(`${x.e.origin}:${x.e.seq}`)?.push(at);
      });
      displays.push(ws);
    }
    await Promise.all(displays.map((ws) => new Promise((r) => (ws.readyState === WebSocket.OPEN ? r(null) : ws.once('open', r)))));
    await new Promise((r) => setTimeout(r, 200));
    const c = await enrollTerminal(s, 'counter-1', 'counter', 'w1');
    const counter = new TestTerminal('counter-1', Date.now, c.epoch);
    const latencies: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const e = counter.emit('ticket.called', { ticketId: `kiosk-1~${k.epoch}:${i + 1}`, windowId: 'w1', claim: 'server' });
      const id = `${e.origin}:${e.seq}`;
      arrivals.set(id, []);
      const start = performance.now();
      const r = await call(s.url, 'POST', '/api/sync/push', { token: c.token, body: { events: [e] } });
      if (r.status !== 200) throw new Error(`call push failed: ${JSON.stringify(r.body)}`);
      const deadline = Date.now() + 5000;
      while (arrivals.get(id)!.length < TERMINALS && Date.now() < deadline) await new Promise((res) => setTimeout(res, 1));
      const got = arrivals.get(id)!;
      if (got.length < TERMINALS) throw new Error(`only ${got.length}/${TERMINALS} displays got call ${i}`);
      for (const at of got) latencies.push(at - start);
    }
    for (const ws of displays) ws.close();

    const ingest = (INGEST_EVENTS / pushMs) * 1000;
    const rawRate = (INGEST_EVENTS / rawMs) * 1000;
    return {
      db: kind,
      events: INGEST_EVENTS,
      ingest_events_per_s: Math.round(ingest),
      raw_insert_events_per_s: Math.round(rawRate),
      ingest_vs_raw_insert_ratio: Math.round((ingest / rawRate) * 100) / 100,
      terminals: TERMINALS,
      calls: CALLS,
      call_to_notify_p50_ms: Math.round(pct(latencies, 0.5) * 100) / 100,
      call_to_notify_p99_ms: Math.round(pct(latencies, 0.99) * 100) / 100,
    };
  } finally {
    await s.stop();
    await tdb.drop();
  }
}
