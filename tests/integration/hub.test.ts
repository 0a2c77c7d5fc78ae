/**
 * Hub mode: a hall hub (PGlite) replicating its hall with the central server (PostgreSQL when
 * HALLQ_TEST_DATABASE_URL is set, else PGlite) both ways, live, and through a partition.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { localDate } from '../../shared/schedule';
import { heldVector } from '../../server/store/events';
import { stableStringify } from '../../server/store/stable';
import type { Db } from '../../server/db/db';
import type { UpstreamStatus } from '../../server/upstream/link';
import { TestTerminal } from '../support/hall';
import { POSTGRES_URL, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const HALL = 'hall-1';
const centralKind = POSTGRES_URL ? 'postgres' : 'pglite';
const service = { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } };
const window1 = { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] };
const window2 = { id: 'w2', label: '2', services: [{ serviceId: 'hukou' }] };
const fastLink = { pollMs: 60_000, minBackoffMs: 50, maxBackoffMs: 300, pingMs: 1_000, requestTimeoutMs: 3_000 };

describe(`a hall hub (pglite) under a central server (${centralKind})`, () => {
  let cdb: TestDb;
  let hdb: TestDb;
  let central: RunningServer;
  let centralPort: number;
  let hub: RunningServer;
  let hubToken: string;
  let kiosk: TestTerminal;
  let kioskToken: string;
  let counter1: TestTerminal;
  let counter1Token: string;
  let counter2: TestTerminal;
  let counter2Token: string;
  let hubDisplayToken: string;
  let centralDisplay: TestTerminal;
  let centralDisplayToken: string;

  const day = () => localDate(Date.now(), 'Asia/Shanghai');
  const issue = async (n: { prefix: string; seq: number }) => {
    const e = kiosk.emit('ticket.issued', {
      ticketId: kiosk.nextId(),
      serviceId: 'hukou',
      number: `${n.prefix}${String(n.seq).padStart(3, '0')}`,
      numberSource: 'server',
      day: day(),
      channel: 'kiosk',
    });
    const r = await call(hub.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [e] } });
    expect(r.status).toBe(200);
    return e;
  };
  const hubNumber = async () => {
    const r = await call(hub.url, 'POST', '/api/numbers', { token: kioskToken, body: { serviceId: 'hukou' } });
    expect(r.status).toBe(200);
    return r.body as { prefix: string; seq: number };
  };
  const upstream = async () => (await call(hub.url, 'GET', '/health')).body.upstream as UpstreamStatus;
  const setConfig = (s: RunningServer, kind: string, value: { id: string }) => call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind, id: value.id, value } });

  beforeAll(async () => {
    cdb = await freshDb(centralKind);
    central = await startServer(cdb.db);
    centralPort = Number(new URL(central.url).port);
    for (const [k, v] of [['service', service], ['window', window1], ['window', window2]] as const) expect((await setConfig(central, k, v)).status).toBe(200);
    const d = await enrollTerminal(central, 'display-c1', 'display');
    centralDisplayToken = d.token;
    centralDisplay = new TestTerminal('display-c1', Date.now, d.epoch);
    hubToken = (await enrollTerminal(central, 'hub-1', 'hub')).token;

    hdb = await freshDb('pglite');
    hub = await startServer(hdb.db, { isHub: true, serverId: 'hub', upstream: { url: central.url, token: hubToken, hall: HALL, ...fastLink } });
    const k = await enrollTerminal(hub, 'kiosk-h1', 'kiosk');
    kioskToken = k.token;
    kiosk = new TestTerminal('kiosk-h1', Date.now, k.epoch);
    const c1 = await enrollTerminal(hub, 'counter-h1', 'counter', 'w1');
    counter1Token = c1.token;
    counter1 = new TestTerminal('counter-h1', Date.now, c1.epoch);
    const c2 = await enrollTerminal(hub, 'counter-h2', 'counter', 'w2');
    counter2Token = c2.token;
    counter2 = new TestTerminal('counter-h2', Date.now, c2.epoch);
    hubDisplayToken = (await enrollTerminal(hub, 'display-h1', 'display')).token;
  });

  afterAll(async () => {
    await hub?.stop();
    await central?.stop();
    await hdb?.drop();
    await cdb?.drop();
  });

  it('the hub reaches central, goes live and pulls the configuration authored there', async () => {
    await until(async () => (await upstream()).state === 'live');
    const u = await upstream();
    expect(u.pendingPush).toBe(0);
    expect(u.lastContact).toBeGreaterThan(Date.now() - 60_000);
    // The hub coordinates with central's configuration: it hands out numbers for hukou.
    await until(async () => (await call(hub.url, 'POST', '/api/numbers', { token: kioskToken, body: { serviceId: 'hukou' } })).status === 200);
  });

  it('a kiosk pushes to the hub; a display pulling from central sees it', async () => {
    const e = await issue(await hubNumber());
    await until(async () => (await pullAll(central.url, centralDisplayToken)).some((x) => x.origin === e.origin && x.seq === e.seq));
    await until(async () => (await upstream()).pendingPush === 0);
  });

  it("an admin's configuration change at central reaches a terminal pulling from the hub", async () => {
    const social = { id: 'social', prefix: 'B', name: { zh: '社保医保', en: 'Social insurance' } };
    const r = await setConfig(central, 'service', social);
    expect(r.status).toBe(200);
    const { origin, seq } = r.body.event;
    await until(async () => (await pullAll(hub.url, hubDisplayToken)).some((x) => x.origin === origin && x.seq === seq), 3_000);
  });

  it("what the hub's own admin publishes reaches central (under the hub's own origin)", async () => {
    const r = await call(hub.url, 'POST', '/api/admin/notices', { token: hub.adminToken, body: { noticeId: 'h1', text: { zh: '大厅通知', en: 'Hall notice' } } });
    expect(r.status).toBe(200);
    await until(async () => (await pullAll(central.url, centralDisplayToken)).some((x) => x.type === 'notice.published' && x.origin.startsWith('hub-')));
  });

  it('central refuses numbers and claims for the hall while its hub is enrolled', async () => {
    const k = await enrollTerminal(central, 'kiosk-c1', 'kiosk');
    const c = await enrollTerminal(central, 'counter-c1', 'counter', 'w1');
    const n = await call(central.url, 'POST', '/api/numbers', { token: k.token, body: { serviceId: 'hukou' } });
    expect(n).toMatchObject({ status: 409, body: { error: 'hub-coordinates' } });
    const cl = await call(central.url, 'POST', '/api/claims', { token: c.token, body: { windowId: 'w1' } });
    expect(cl).toMatchObject({ status: 409, body: { error: 'hub-coordinates' } });
  });

  it('cut off from central, the hub keeps serving its terminals, then catches up both ways', async () => {
    await central.stop();
    await until(async () => (await upstream()).state !== 'live');

    // The hall goes on at the hub: numbers, tickets, calls from two windows.
    const numbers: number[] = [];
    const issued = [];
    for (let i = 0; i < 6; i++) {
      const n = await hubNumber();
      numbers.push(n.seq);
      issued.push(await issue(n));
    }
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    const [a, b] = await Promise.all([
      call(hub.url, 'POST', '/api/claims', { token: counter1Token, body: { windowId: 'w1' } }),
      call(hub.url, 'POST', '/api/claims', { token: counter2Token, body: { windowId: 'w2' } }),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.ticket.id).not.toBe(b.body.ticket.id);
    const calls = [
      [counter1Token, counter1.emit('ticket.called', { ticketId: a.body.ticket.id, windowId: 'w1' })],
      [counter2Token, counter2.emit('ticket.called', { ticketId: b.body.ticket.id, windowId: 'w2' })],
    ] as const;
    for (const [token, e] of calls) expect((await call(hub.url, 'POST', '/api/sync/push', { token, body: { events: [e] } })).status).toBe(200);

    // Everything the hall did meanwhile is owed to central, and health says so.
    await until(async () => {
      const u = await upstream();
      return u.state === 'offline' && u.pendingPush >= issued.length + calls.length;
    });

    // Meanwhile the rest of the world reaches central (another instance the hub cannot see).
    const elsewhere = await startServer(cdb.db);
    const notice = await call(elsewhere.url, 'POST', '/api/admin/notices', {
      token: elsewhere.adminToken,
      body: { noticeId: 'n1', text: { zh: '系统维护', en: 'Maintenance tonight' } },
    });
    expect(notice.status).toBe(200);
    const fault = centralDisplay.emit('device.fault', { device: 'led', code: 'offline' });
    expect((await call(elsewhere.url, 'POST', '/api/sync/push', { token: centralDisplayToken, body: { events: [fault] } })).status).toBe(200);
    await elsewhere.stop();

    // Central is back where the hub expects it.
    central = await startServer(cdb.db, { port: centralPort });
    await until(async () => {
      const u = await upstream();
      return u.state === 'live' && u.pendingPush === 0;
    }, 10_000);
    const atCentral = await pullAll(central.url, centralDisplayToken);
    for (const e of [...issued, ...calls.map(([, e]) => e)]) expect(atCentral.some((x) => x.origin === e.origin && x.seq === e.seq)).toBe(true);
    await until(async () => {
      const atHub = await pullAll(hub.url, hubDisplayToken);
      return atHub.some((x) => x.origin === fault.origin && x.seq === fault.seq) && atHub.some((x) => x.type === 'notice.published');
    });
  });

  it('a restarted hub resumes from the checkpoint in its database', async () => {
    await until(async () => (await upstream()).state === 'live');
    await hub.stop();
    const stored = await hdb.db.query<{ pulled_after: number }>('SELECT pulled_after FROM upstream_checkpoints WHERE hall = $1', [HALL]);
    const checkpoint = Number(stored.rows[0]!.pulled_after);
    expect(checkpoint).toBeGreaterThan(0);
    const r = await call(central.url, 'PUT', '/api/admin/config', {
      token: central.adminToken,
      body: { kind: 'service', id: 'estate', value: { id: 'estate', prefix: 'C', name: { zh: '不动产登记', en: 'Real estate' } } },
    });
    expect(r.status).toBe(200);
    // Watch what the hub asks central: its first pull starts after the stored checkpoint, not at 0.
    const pulls: number[] = [];
    const realFetch = globalThis.fetch;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const m = /\/api\/sync\/pull\?after=(\d+)/.exec(String(input));
      if (m) pulls.push(Number(m[1]));
      return realFetch(input, init);
    });
    try {
      hub = await startServer(hdb.db, { isHub: true, serverId: 'hub', upstream: { url: central.url, token: hubToken, hall: HALL, ...fastLink } });
      await until(async () => pulls.length > 0);
    } finally {
      spy.mockRestore();
    }
    expect(pulls[0]).toBe(checkpoint);
    const { origin, seq } = r.body.event;
    await until(async () => (await pullAll(hub.url, hubDisplayToken)).some((x) => x.origin === origin && x.seq === seq));
  });

  it('central and the hub hold the same events of the hall, none twice, with the same version vector', async () => {
    // Settle: nothing in flight either way.
    await until(async () => {
      const [c, h] = await Promise.all([eventSet(cdb.db), eventSet(hdb.db)]);
      return c.size === h.size && (await upstream()).pendingPush === 0;
    });
    const [c, h] = await Promise.all([eventSet(cdb.db), eventSet(hdb.db)]);
    expect([...h.keys()].sort()).toEqual([...c.keys()].sort());
    for (const [k, body] of c) expect(h.get(k)).toBe(body);
    for (const db of [cdb.db, hdb.db]) {
      const r = await db.query<{ n: number; d: number }>('SELECT count(*)::int AS n, count(DISTINCT (origin, seq))::int AS d FROM events WHERE hall = $1', [HALL]);
      expect(r.rows[0]!.n).toBe(r.rows[0]!.d);
    }
    expect(await heldVector(hdb.db, HALL)).toEqual(await heldVector(cdb.db, HALL));
    // The hub's checkpoint is in its own database: a restarted hub goes on from there.
    const cp = await hdb.db.query<{ pulled_after: number }>('SELECT pulled_after FROM upstream_checkpoints WHERE hall = $1', [HALL]);
    const top = await cdb.db.query<{ s: number }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [HALL]);
    expect(Number(cp.rows[0]!.pulled_after)).toBe(Number(top.rows[0]!.s));
  });

  it('GET /api/sync/held answers the hall version vector to a hub token', async () => {
    const r = await call(central.url, 'GET', '/api/sync/held', { token: hubToken });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(await heldVector(cdb.db, HALL));
    expect((await call(central.url, 'GET', '/api/sync/held')).status).toBe(401);
  });
});

async function pullAll(url: string, token: string): Promise<Array<{ origin: string; seq: number; type: string }>> {
  const out = [];
  let after = 0;
  for (;;) {
    const r = await call(url, 'GET', `/api/sync/pull?after=${after}&limit=1000`, { token });
    if (r.status !== 200) throw new Error(`pull: ${r.status} ${JSON.stringify(r.body)}`);
    out.push(...r.body.events.map((x: any) => x.e));
    after = r.body.last;
    if (!r.body.more) return out;
  }
}

async function eventSet(db: Db): Promise<Map<string, string>> {
  const r = await db.query<{ origin: string; seq: number; body: unknown }>('SELECT origin, seq, body FROM events WHERE hall = $1', [HALL]);
  return new Map(r.rows.map((x) => [`${x.origin}:${x.seq}`, stableStringify(x.body)]));
}

async function until(cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  // Generous: on a loaded 2-core CI machine the hub notices a lost central only after its backoff.
  const end = Date.now() + ms;
  for (;;) {
    if (await cond().catch(() => false)) return;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
