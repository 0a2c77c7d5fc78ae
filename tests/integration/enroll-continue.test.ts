/**
 * A ticket issued offline is never lost when the hall server comes back without its database
 * (web mode in memory restarted, a hub rebuilt from nothing): the terminal, given a new code,
 * continues its origin there and its undelivered events arrive. A server that knows the
 * terminal's epoch never lets an origin be written twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../shared/schedule';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const service = { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } };

describe.each(DB_KINDS)('enrollment that continues an origin, on %s', (kind) => {
  const open: Array<{ s: RunningServer; tdb: TestDb }> = [];
  // Two servers: the hall's, and the same hall's after it lost its database.
  let before: RunningServer;
  let after: RunningServer;
  beforeAll(async () => {
    before = await hallServer();
    after = await hallServer();
  }, 180_000);
  afterAll(async () => {
    for (const { s, tdb } of open.splice(0)) {
      await s.stop();
      await tdb.drop();
    }
  });
  const hallServer = async () => {
    const tdb = await freshDb(kind);
    const s = await startServer(tdb.db);
    open.push({ s, tdb });
    expect((await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'service', id: 'hukou', value: service } })).status).toBe(200);
    return s;
  };
  const newCode = async (s: RunningServer, id = 'kiosk-1') => (await call(s.url, 'POST', '/api/admin/terminals', { token: s.adminToken, body: { id, role: 'kiosk' } })).body.code as string;
  const offlineTicket = (k: TestTerminal, n: number) =>
    k.emit('ticket.issued', { ticketId: k.nextId(), serviceId: 'hukou', number: `AK${String(n).padStart(3, '0')}`, numberSource: 'offline', day: localDate(Date.now(), 'Asia/Shanghai'), channel: 'kiosk' });

  it('a server that lost its database: the kiosk keeps its origin and its offline tickets arrive', async () => {
    const first = await enrollTerminal(before, 'kiosk-1', 'kiosk');
    const kiosk = new TestTerminal('kiosk-1', Date.now, first.epoch);
    const online = offlineTicket(kiosk, 1);
    expect((await call(before.url, 'POST', '/api/sync/push', { token: first.token, body: { events: [online] } })).status).toBe(200);
    // The server goes down; the kiosk issues offline; the server comes back empty.
    const offline = offlineTicket(kiosk, 2);
    const old = await call(after.url, 'POST', '/api/sync/push', { token: first.token, body: { events: [offline] } });
    expect(old.status).toBe(401);
    const again = await call(after.url, 'POST', '/api/enroll', { body: { code: await newCode(after), continueEpoch: first.epoch } });
    expect(again.status).toBe(200);
    expect(again.body.epoch).toBe(first.epoch);
    // It lacks seq 1: the terminal resends from its own log, and both tickets are in.
    const gap = await call(after.url, 'POST', '/api/sync/push', { token: again.body.token, body: { events: [offline] } });
    expect(gap.status).toBe(409);
    expect(gap.body.error).toBe('seq-gap');
    expect((await call(after.url, 'POST', '/api/sync/push', { token: again.body.token, body: { events: [online, offline] } })).status).toBe(200);
    const pulled = await call(after.url, 'GET', '/api/sync/pull?after=0&limit=500', { token: again.body.token });
    const numbers = (pulled.body.events as Array<{ e: { type: string; payload: { number?: string } } }>).filter((x) => x.e.type === 'ticket.issued').map((x) => x.e.payload.number);
    expect(numbers).toEqual(['AK001', 'AK002']);
  });

  it('a server that has seen the epoch gives a new one: an origin is never written twice', async () => {
    const s = before;
    const first = await enrollTerminal(s, 'kiosk-2', 'kiosk');
    const kiosk = new TestTerminal('kiosk-2', Date.now, first.epoch);
    expect((await call(s.url, 'POST', '/api/sync/push', { token: first.token, body: { events: [offlineTicket(kiosk, 1)] } })).status).toBe(200);
    const again = await call(s.url, 'POST', '/api/enroll', { body: { code: await newCode(s, 'kiosk-2'), continueEpoch: first.epoch } });
    expect(again.status).toBe(200);
    expect(again.body.epoch).toBe(first.epoch + 1);
    // Nor an epoch below what the server gave before, whatever is asked.
    const third = await call(s.url, 'POST', '/api/enroll', { body: { code: await newCode(s, 'kiosk-2'), continueEpoch: 1 } });
    expect(third.body.epoch).toBe(first.epoch + 2);
  });

  it('the continued epoch is checked as input: not a number, zero or huge is refused', async () => {
    const s = before;
    for (const continueEpoch of ['1', 0, 10_000_000]) {
      const r = await call(s.url, 'POST', '/api/enroll', { body: { code: await newCode(s, 'kiosk-3'), continueEpoch } });
      expect(r.status).toBe(400);
    }
  });
});
