import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../shared/schedule';
import { TestTerminal } from '../support/hall';
import { call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const fastLink = { pollMs: 60_000, minBackoffMs: 50, maxBackoffMs: 300, pingMs: 1_000, requestTimeoutMs: 3_000 };

async function until(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond().catch(() => false))) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a terminal enrolled at the hall hub can fail over to central with the same token', () => {
  let cdb: TestDb;
  let hdb: TestDb;
  let central: RunningServer;
  let hub: RunningServer;
  let hubToken: string;

  beforeAll(async () => {
    cdb = await freshDb('pglite');
    central = await startServer(cdb.db);
    await call(central.url, 'PUT', '/api/admin/config', {
      token: central.adminToken,
      body: { kind: 'service', id: 'hukou', value: { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' } } },
    });
    hubToken = (await enrollTerminal(central, 'hub-1', 'hub')).token;
    hdb = await freshDb('pglite');
    hub = await startServer(hdb.db, { isHub: true, upstream: { url: central.url, token: hubToken, hall: central.hall, ...fastLink } });
  });
  afterAll(async () => {
    await hub?.stop();
    await central?.stop();
    await hdb?.drop();
    await cdb?.drop();
  });

  it('the hub registers its kiosk at central: same token, same epoch; a revocation follows', async () => {
    const k = await enrollTerminal(hub, 'kiosk-1', 'kiosk');
    const kiosk = new TestTerminal('kiosk-1', Date.now, k.epoch);
    const issued = (n: string) =>
      kiosk.emit('ticket.issued', { ticketId: kiosk.nextId(), serviceId: 'hukou', number: n, numberSource: 'offline', day: localDate(Date.now(), 'Asia/Shanghai'), channel: 'kiosk' });
    // Its first event goes to the hub, which relays the event and the registration.
    expect((await call(hub.url, 'POST', '/api/sync/push', { token: k.token, body: { events: [issued('AK001')] } })).status).toBe(200);
    await until(async () => (await call(central.url, 'GET', '/api/sync/pull', { token: k.token })).status === 200);
    // The hub is gone: the kiosk goes on at central, under the same origin.
    await until(async () => (await call(central.url, 'GET', '/api/sync/held', { token: k.token })).body[kiosk.origin] === 1);
    const r = await call(central.url, 'POST', '/api/sync/push', { token: k.token, body: { events: [issued('AK002')] } });
    expect(r.body).toMatchObject({ accepted: 1, held: { [kiosk.origin]: 2 } });

    expect((await call(hub.url, 'DELETE', '/api/admin/terminals/kiosk-1', { token: hub.adminToken })).status).toBe(200);
    await call(hub.url, 'POST', '/api/admin/notices', { token: hub.adminToken, body: { noticeId: 'n1', text: { zh: '通知', en: 'Notice' } } });
    await until(async () => (await call(central.url, 'GET', '/api/sync/pull', { token: k.token })).status === 401);
  });

  it('a hub cannot register an admin or another hub at central', async () => {
    const r = await call(central.url, 'PUT', '/api/hub/terminals/boss', {
      token: hubToken,
      body: { role: 'admin', epoch: 1, tokenHash: 'a'.repeat(64), revoked: false },
    });
    expect(r).toMatchObject({ status: 403, body: { error: 'role-not-relayable' } });
  });

  it('only a hub may register terminals', async () => {
    const d = await enrollTerminal(central, 'display-1', 'display');
    const r = await call(central.url, 'PUT', '/api/hub/terminals/kiosk-5', {
      token: d.token,
      body: { role: 'kiosk', epoch: 1, tokenHash: 'b'.repeat(64), revoked: false },
    });
    expect(r).toMatchObject({ status: 403, body: { error: 'role-not-allowed' } });
  });
});
