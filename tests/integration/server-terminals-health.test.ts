/** R17: the leader on duty sees terminal health: when each terminal was last heard from, and live sockets. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const T0 = Date.parse('2026-11-23T02:00:00Z');

describe.each(DB_KINDS)('terminal health on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let clock = T0;
  let kioskToken: string;
  let displayToken: string;

  const health = async (token = s.adminToken) => call(s.url, 'GET', '/api/admin/terminals', { token });
  const row = async (id: string) => ((await health()).body.terminals as Array<Record<string, unknown>>).find((t) => t.id === id);
  const storedLastSeen = async (id: string) =>
    (await tdb.db.query<{ s: string | number | null }>('SELECT last_seen_at AS s FROM terminals WHERE hall = $1 AND id = $2', [s.hall, id])).rows[0]!.s;

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { now: () => clock });
    kioskToken = (await enrollTerminal(s, 'kiosk-1', 'kiosk')).token;
    displayToken = (await enrollTerminal(s, 'display-1', 'display')).token;
    await enrollTerminal(s, 'counter-1', 'counter', 'w1');
    // Created, code never used.
    expect((await call(s.url, 'POST', '/api/admin/terminals', { token: s.adminToken, body: { id: 'kiosk-2', role: 'kiosk' } })).status).toBe(200);
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('lists every terminal of the hall with its role, window, enrollment and revocation', async () => {
    const r = await health();
    expect(r.status).toBe(200);
    expect(r.body.now).toBe(clock);
    const byId = new Map((r.body.terminals as Array<{ id: string }>).map((t) => [t.id, t]));
    expect(byId.get('counter-1')).toMatchObject({ role: 'counter', windowId: 'w1', enrolled: true, revoked: false, live: false });
    expect(byId.get('kiosk-2')).toMatchObject({ role: 'kiosk', windowId: null, enrolled: false, lastSeenAt: null, live: false });
  });

  it('a terminal that never made a request after enrolling has never been seen', async () => {
    expect(await row('counter-1')).toMatchObject({ lastSeenAt: null });
  });

  it('each request a terminal makes records when it was seen, at most once every 30 s', async () => {
    expect((await call(s.url, 'GET', '/api/sync/pull', { token: kioskToken })).status).toBe(200);
    expect(await row('kiosk-1')).toMatchObject({ lastSeenAt: T0 });

    clock = T0 + 20_000;
    expect((await call(s.url, 'GET', '/api/sync/pull', { token: kioskToken })).status).toBe(200);
    expect(Number(await storedLastSeen('kiosk-1'))).toBe(T0);

    clock = T0 + 31_000;
    expect((await call(s.url, 'GET', '/api/sync/pull', { token: kioskToken })).status).toBe(200);
    expect(await row('kiosk-1')).toMatchObject({ lastSeenAt: T0 + 31_000 });
  });

  it('a terminal with an open live socket is live until the socket closes', async () => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/sync/live`, { headers: { authorization: `Bearer ${displayToken}` } });
    const hello = await new Promise<{ t: string }>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d)) as { t: string }));
      ws.once('error', reject);
    });
    expect(hello.t).toBe('hello');
    // Opening the socket authenticated it: seen now.
    expect(await row('display-1')).toMatchObject({ live: true, lastSeenAt: clock });
    ws.close();
    await expect.poll(async () => (await row('display-1'))?.live, { timeout: 5_000 }).toBe(false);
  });

  it('a revoked terminal is listed as revoked', async () => {
    expect((await call(s.url, 'DELETE', '/api/admin/terminals/kiosk-1', { token: s.adminToken })).status).toBe(200);
    expect(await row('kiosk-1')).toMatchObject({ revoked: true });
  });

  it('only an admin may read terminal health', async () => {
    const r = await health(displayToken);
    expect(r).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
    expect((await call(s.url, 'GET', '/api/admin/terminals')).status).toBe(401);
  });
});
