import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Db } from '../../server/db/db';
import { localDate } from '../../shared/schedule';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

/**
 * Issue 17 (call to board): a push's events go to the hall's live screens from the instance that
 * committed them, without waiting for the database's notification and a read. Held back here:
 * the notifications (the test fires them by hand), to see which path sent what.
 */
describe.each(DB_KINDS)('live fan-out on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  const notify: Array<(payload: string) => void> = [];

  beforeAll(async () => {
    tdb = await freshDb(kind);
    const held: Db = Object.create(tdb.db) as Db;
    held.listen = async (_channel, on) => {
      notify.push(on);
      return async () => {};
    };
    s = await startServer(held);
    await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'service', id: 'hukou', value: { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' } } } });
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('a pushed call reaches the board at once; events written elsewhere in between are neither skipped nor sent twice', async () => {
    const display = await enrollTerminal(s, 'display-1', 'display');
    const k = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    const kiosk = new TestTerminal('kiosk-1', Date.now, k.epoch);
    const day = localDate(Date.now(), 'Asia/Shanghai');
    const issue = (n: number) => kiosk.emit('ticket.issued', { ticketId: kiosk.nextId(), serviceId: 'hukou', number: `A00${n}`, numberSource: 'server', day, channel: 'kiosk' });

    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/sync/live`, { headers: { authorization: `Bearer ${display.token}` } });
    const got: Array<{ s: number; id: string }> = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if (m.t === 'events') for (const x of m.events) got.push({ s: x.s, id: `${x.e.origin}:${x.e.seq}` });
    });
    await new Promise<void>((resolve) => ws.on('message', (d) => JSON.parse(String(d)).t === 'hello' && resolve()));
    const until = async (n: number) => {
      const end = Date.now() + 5_000;
      while (got.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    };

    // 1. A kiosk's push: on the board with no notification at all.
    const e1 = issue(1);
    expect((await call(s.url, 'POST', '/api/sync/push', { token: k.token, body: { events: [e1] } })).status).toBe(200);
    await until(1);
    expect(got.map((x) => x.id)).toEqual([`${e1.origin}:${e1.seq}`]);

    // 2. Another writer (the server's own author, as another instance would) stores an event;
    // its notification is late. The kiosk's next push must not overtake it on the board.
    await s.server.ctx.author.write(s.hall, [{ type: 'notice.published', payload: { noticeId: 'n1', text: { zh: '通知', en: 'Notice' } } }] as never);
    const e3 = issue(2);
    expect((await call(s.url, 'POST', '/api/sync/push', { token: k.token, body: { events: [e3] } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toHaveLength(1);

    // 3. The notifications arrive: both, in the log's order, once.
    for (const on of notify) on(s.hall);
    await until(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toHaveLength(3);
    expect(got[2]!.id).toBe(`${e3.origin}:${e3.seq}`);
    expect(got.map((x) => x.s)).toEqual([...got.map((x) => x.s)].sort((a, b) => a - b));
    expect(new Set(got.map((x) => x.id)).size).toBe(3);

    // 4. Back in step: the next push goes at once again, and a late notification sends nothing twice.
    const e4 = issue(3);
    expect((await call(s.url, 'POST', '/api/sync/push', { token: k.token, body: { events: [e4] } })).status).toBe(200);
    await until(4);
    for (const on of notify) on(s.hall);
    await new Promise((r) => setTimeout(r, 200));
    expect(got.map((x) => x.id).slice(3)).toEqual([`${e4.origin}:${e4.seq}`]);
    ws.close();
  });
});
