import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import pg from 'pg';
import { localDate } from '../../shared/schedule';
import { TestTerminal } from '../support/hall';
import { POSTGRES_URL, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

// PostgreSQL only: PGlite has no separate LISTEN connection to lose.
describe.skipIf(!POSTGRES_URL)('live delivery when the database drops the LISTEN connection', () => {
  let tdb: TestDb;
  let s: RunningServer;

  beforeAll(async () => {
    tdb = await freshDb('postgres');
    s = await startServer(tdb.db);
    await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'service', id: 'hukou', value: { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' } } } });
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('reconnects, listens again, and delivers what was stored meanwhile', async () => {
    const display = await enrollTerminal(s, 'display-1', 'display');
    const k = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    const kiosk = new TestTerminal('kiosk-1', Date.now, k.epoch);
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/sync/live`, { headers: { authorization: `Bearer ${display.token}` } });
    const seen = new Set<string>();
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (m.t === 'events') for (const x of m.events) seen.add(`${x.e.origin}:${x.e.seq}`);
    });
    await new Promise((r) => ws.on('open', r));
    await new Promise((r) => setTimeout(r, 100));

    // The database (or a proxy in between) drops the server's LISTEN session.
    const admin = new pg.Client({ connectionString: tdb.url });
    await admin.connect();
    const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`);
    await admin.end();
    expect(killed.rows.length).toBeGreaterThan(0);

    const e = kiosk.emit('ticket.issued', { ticketId: kiosk.nextId(), serviceId: 'hukou', number: 'A001', numberSource: 'server', day: localDate(Date.now(), 'Asia/Shanghai'), channel: 'kiosk' });
    expect((await call(s.url, 'POST', '/api/sync/push', { token: k.token, body: { events: [e] } })).status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (!seen.has(`${e.origin}:${e.seq}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen.has(`${e.origin}:${e.seq}`)).toBe(true);
    expect((await call(s.url, 'GET', '/health')).body.ok).toBe(true);
    ws.close();
  });
});
