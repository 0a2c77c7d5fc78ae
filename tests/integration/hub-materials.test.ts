/**
 * Hub mode, material files (issue 8): the counters of a hall with a hub upload their captured
 * images to the hub (PGlite), and the hub relays them to central (PGlite, and PostgreSQL when
 * HALLQ_TEST_DATABASE_URL is set) by the counters' chunked protocol, with its own token: central
 * then serves them and its back office no longer lists them missing. Files central already
 * holds are not sent again, a partial upload at central is resumed, a file stored while central
 * is down goes when it is back, and what a hub sends lands in its own hall only.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIME_ZONE } from '../../shared/schedule/config';
import { localDate } from '../../shared/schedule/zone';
import { ensureAdmin, newToken } from '../../server/store/terminals';
import type { UpstreamStatus } from '../../server/upstream/link';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const HALL = 'hall-1';
const KIB = 1024;
const CHUNK = 256 * KIB;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const service = { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } };
const window1 = { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] };
const fastLink = { pollMs: 60_000, minBackoffMs: 50, maxBackoffMs: 300, pingMs: 1_000, requestTimeoutMs: 3_000 };

let seeds = 0;
/** `n` bytes that start like a JPEG, different for every call. */
function jpeg(n: number): Uint8Array<ArrayBuffer> {
  let x = ++seeds * 104729;
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  return b;
}
const chunksOf = (b: Uint8Array) => Array.from({ length: Math.ceil(b.length / CHUNK) }, (_, i) => b.subarray(i * CHUNK, (i + 1) * CHUNK));

interface Sent {
  method: string;
  path: string;
  auth: string;
}

describe.each(DB_KINDS)('a hub relays its hall material files to central (%s)', (centralKind) => {
  let cdb: TestDb;
  let hdb: TestDb;
  let central: RunningServer;
  let centralPort: number;
  let hub: RunningServer;
  let hubToken: string;
  let counterToken: string;
  let counter: TestTerminal;
  let kioskToken: string;
  let kiosk: TestTerminal;
  /** A counter enrolled at central (a terminal that failed over, or another path). */
  let centralCounter: string;
  let otherAdmin: string;
  let otherCounter: string;
  /** Every request the hub makes to central (its token), in order. */
  const sent: Sent[] = [];
  let spy: { mockRestore(): void } | undefined;

  const startHub = async () => {
    hub = await startServer(hdb.db, { isHub: true, serverId: 'hub', upstream: { url: central.url, token: hubToken, hall: HALL, ...fastLink } });
  };
  const status = async () => (await call(hub.url, 'GET', '/health')).body.upstream as UpstreamStatus;
  const hubPuts = (h: string) => sent.filter((x) => x.method === 'PUT' && x.path.startsWith(`/api/materials/uploads/${h}/chunks/`)).map((x) => Number(x.path.split('/').pop()));
  const hubAnnounces = () => sent.filter((x) => x.method === 'POST' && x.path === '/api/materials/uploads').length;

  async function put(url: string, token: string, h: string, index: number, data: Uint8Array) {
    const res = await fetch(`${url}/api/materials/uploads/${h}/chunks/${index}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'x-chunk-sha256': sha(data) },
      body: data as Uint8Array<ArrayBuffer>,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const announce = (url: string, token: string, file: Uint8Array) =>
    call(url, 'POST', '/api/materials/uploads', { token, body: { sha256: sha(file), bytes: file.length, mime: 'image/jpeg', chunkBytes: CHUNK } });
  /** Upload a whole file as a counter does (only the chunks the server lacks). */
  async function upload(url: string, token: string, file: Uint8Array, only?: number[]) {
    const a = await announce(url, token, file);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    if (a.body.complete) return;
    for (const [i, c] of chunksOf(file).entries()) {
      if (a.body.received.includes(i) || (only && !only.includes(i))) continue;
      const r = await put(url, token, sha(file), i, c);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
  }
  async function getBlob(url: string, token: string, h: string) {
    const res = await fetch(`${url}/api/materials/blobs/${h}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
  }
  const atCentral = async (h: string) => (await getBlob(central.url, central.adminToken, h)).status === 200;

  beforeAll(async () => {
    const realFetch = globalThis.fetch;
    spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const auth = (init?.headers as Record<string, string> | undefined)?.authorization;
      if (hubToken && auth === `Bearer ${hubToken}`) {
        const u = new URL(String(input));
        sent.push({ method: init?.method ?? 'GET', path: u.pathname, auth });
      }
      return realFetch(input, init);
    });

    cdb = await freshDb(centralKind);
    central = await startServer(cdb.db);
    centralPort = Number(new URL(central.url).port);
    for (const [kind, value] of [['service', service], ['window', window1]] as const) {
      expect((await call(central.url, 'PUT', '/api/admin/config', { token: central.adminToken, body: { kind, id: value.id, value } })).status).toBe(200);
    }
    hubToken = (await enrollTerminal(central, 'hub-1', 'hub')).token;
    centralCounter = (await enrollTerminal(central, 'counter-c1', 'counter', 'w1')).token;
    otherAdmin = newToken();
    await ensureAdmin(cdb.db, 'hall-2', otherAdmin, Date.now());
    otherCounter = (await enrollTerminal({ ...central, adminToken: otherAdmin, hall: 'hall-2' }, 'counter-x', 'counter', 'w1')).token;

    hdb = await freshDb('pglite');
    await startHub();
    const k = await enrollTerminal(hub, 'kiosk-h1', 'kiosk');
    kioskToken = k.token;
    kiosk = new TestTerminal('kiosk-h1', Date.now, k.epoch);
    const c = await enrollTerminal(hub, 'counter-h1', 'counter', 'w1');
    counterToken = c.token;
    counter = new TestTerminal('counter-h1', Date.now, c.epoch);
    await until(async () => (await status()).state === 'live');
    // The hall's services reached the hub (tickets of unknown services are refused at the door).
    await until(async () => (await hub.server.ctx.cache.get(hdb.db, hub.hall, Date.now())).state.config.services.has('hukou'));
  });

  afterAll(async () => {
    spy?.mockRestore();
    await hub?.stop();
    await central?.stop();
    await hdb?.drop();
    await cdb?.drop();
  });

  it("a file a counter uploads to the hub reaches central, which serves the same bytes and stops listing it missing", async () => {
    const day = localDate(Date.now(), DEFAULT_TIME_ZONE);
    const pages = [jpeg(600 * KIB), jpeg(30 * KIB)]; // 3 chunks and 1
    const page = (b: Uint8Array) => ({ sha256: sha(b), bytes: b.length, width: 2480, height: 3508, mime: 'image/jpeg' as const });
    const ticketId = kiosk.nextId();
    const push = async (token: string, events: unknown[]) => {
      const r = await call(hub.url, 'POST', '/api/sync/push', { token, body: { events } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await push(kioskToken, [kiosk.emit('ticket.issued', { ticketId, serviceId: 'hukou', number: 'A001', numberSource: 'server', day, channel: 'kiosk' })]);
    await push(counterToken, [
      counter.emit('ticket.called', { ticketId, windowId: 'w1' }),
      counter.emit('material.attached', { ticketId, windowId: 'w1', materialId: 'm1', name: '居民身份证', pages: pages.map(page) }),
    ]);
    // The events reach central first: its back office lists both files as missing.
    const missing = async () => {
      const r = await call(central.url, 'GET', `/api/admin/materials?ticketId=${encodeURIComponent(ticketId)}`, { token: central.adminToken });
      return r.status === 200 ? (r.body.tickets[0]?.materials[0]?.missing as string[] | undefined) : undefined;
    };
    await until(async () => (await missing())?.length === 2);
    expect(await missing()).toEqual(pages.map(sha));

    for (const p of pages) await upload(hub.url, counterToken, p);
    await until(async () => (await missing())?.length === 0);
    for (const p of pages) {
      const got = await getBlob(central.url, central.adminToken, sha(p));
      expect(got.status).toBe(200);
      expect(got.bytes.length).toBe(p.length);
      expect(sha(got.bytes)).toBe(sha(p));
      // A counter of the hall at central reads it too (a terminal that failed over).
      expect((await getBlob(central.url, centralCounter, sha(p))).status).toBe(200);
    }
    // Each chunk went once, in the counters' chunk size.
    expect(hubPuts(sha(pages[0]!))).toEqual([0, 1, 2]);
    expect(hubPuts(sha(pages[1]!))).toEqual([0]);
    // Central stored them in the hub's hall, as uploaded by the hub.
    const rows = await cdb.db.query<{ hall: string; uploaded_by: string }>('SELECT hall, uploaded_by FROM material_blobs WHERE sha256 = ANY($1::text[])', [pages.map(sha)]);
    expect(rows.rows).toEqual([
      { hall: HALL, uploaded_by: 'hub-1' },
      { hall: HALL, uploaded_by: 'hub-1' },
    ]);
    // The hub keeps what central confirmed; health shows nothing pending.
    const confirmed = await hdb.db.query<{ sha256: string }>('SELECT sha256 FROM upstream_materials WHERE hall = $1', [HALL]);
    expect(confirmed.rows.map((r) => r.sha256).sort()).toEqual(pages.map(sha).sort());
    await until(async () => (await status()).materials.pending === 0);
  });

  it('a file deleted at the hub (its admin, or retention) is deleted at central too: no copy is left', async () => {
    const file = jpeg(300 * KIB);
    await upload(hub.url, counterToken, file);
    await until(async () => atCentral(sha(file)));
    const d = await call(hub.url, 'DELETE', `/api/admin/materials/blobs/${sha(file)}`, { token: hub.adminToken });
    expect(d.body).toEqual({ deleted: true });
    await until(async () => (await getBlob(central.url, central.adminToken, sha(file))).status === 404);
    const atC = await cdb.db.query<{ reason: string; by_terminal: string }>('SELECT reason, by_terminal FROM material_deletions WHERE hall = $1 AND sha256 = $2', [HALL, sha(file)]);
    expect(atC.rows).toEqual([{ reason: 'upstream', by_terminal: 'hub-1' }]);
    expect((await cdb.db.query('SELECT 1 FROM material_blobs WHERE sha256 = $1', [sha(file)])).rows).toHaveLength(0);
    await until(async () => (await hdb.db.query('SELECT 1 FROM upstream_material_deletions WHERE sha256 = $1', [sha(file)])).rows.length === 1);
    // The counter sending it again to the hub: the hub is done with it, nothing is stored or relayed.
    expect((await announce(hub.url, counterToken, file)).body).toEqual({ complete: true, received: [] });
  });

  it('a file central already holds is confirmed by one announcement, without a chunk', async () => {
    const file = jpeg(700 * KIB);
    await upload(central.url, centralCounter, file);
    const before = hubAnnounces();
    await upload(hub.url, counterToken, file);
    await until(async () => (await hdb.db.query('SELECT 1 FROM upstream_materials WHERE sha256 = $1', [sha(file)])).rows.length === 1);
    expect(hubPuts(sha(file))).toEqual([]);
    expect(hubAnnounces()).toBeGreaterThan(before);
  });

  it('a partial upload at central is resumed: only the chunks central lacks are sent', async () => {
    const file = jpeg(4 * CHUNK - 5); // 4 chunks
    // A counter that failed over to central sent two chunks of it, then came back to the hub.
    await upload(central.url, centralCounter, file, [0, 1]);
    await upload(hub.url, counterToken, file);
    await until(async () => atCentral(sha(file)));
    expect(hubPuts(sha(file))).toEqual([2, 3]);
    expect(sha((await getBlob(central.url, central.adminToken, sha(file))).bytes)).toBe(sha(file));
  });

  it('files stored at the hub while central is down go once it is back', async () => {
    await central.stop();
    await until(async () => (await status()).state === 'offline');
    const files = [jpeg(300 * KIB), jpeg(20 * KIB)];
    for (const f of files) await upload(hub.url, counterToken, f);
    await until(async () => {
      const m = (await status()).materials;
      return m.pending === files.length && m.lastError !== undefined;
    });
    // The hall keeps reading its files at the hub meanwhile.
    expect((await getBlob(hub.url, hub.adminToken, sha(files[0]!))).status).toBe(200);

    central = await startServer(cdb.db, { port: centralPort });
    await until(async () => (await Promise.all(files.map((f) => atCentral(sha(f))))).every(Boolean), 15_000);
    await until(async () => {
      const m = (await status()).materials;
      return m.pending === 0 && m.lastError === undefined;
    });
    expect(hubPuts(sha(files[0]!))).toEqual([0, 1]);
  });

  it('a restarted hub does not ask central again about the files it confirmed', async () => {
    await hub.stop();
    const before = hubAnnounces();
    await startHub();
    await until(async () => (await status()).state === 'live');
    await hub.server.upstream!.materials.relayNow();
    expect(hubAnnounces()).toBe(before);
    expect((await status()).materials.pending).toBe(0);
  });

  it("what a hub sends lands in its own hall: it reads nothing back, and cannot touch another hall's files", async () => {
    const h1 = (await hdb.db.query<{ sha256: string }>('SELECT sha256 FROM upstream_materials WHERE hall = $1 LIMIT 1', [HALL])).rows[0]!.sha256;
    // Uploading does not make the hub a reader, at central or anywhere.
    expect((await getBlob(central.url, hubToken, h1)).status).toBe(403);
    // Another hall's admin does not see the hub's files.
    expect((await getBlob(central.url, otherAdmin, h1)).status).toBe(404);

    // A file another hall is uploading (and one it holds): the hub cannot add to that upload,
    // and its announcement of the same content is its own hall's, from nothing.
    const partial = jpeg(600 * KIB);
    await upload(central.url, otherCounter, partial, [0]);
    expect(await put(central.url, hubToken, sha(partial), 1, chunksOf(partial)[1]!)).toMatchObject({ status: 404, body: { error: 'upload-unknown' } });
    const held = jpeg(50 * KIB);
    await upload(central.url, otherCounter, held);
    expect((await announce(central.url, hubToken, held)).body).toEqual({ complete: false, received: [] });
    expect((await announce(central.url, hubToken, partial)).body).toEqual({ complete: false, received: [] });
    const halls = await cdb.db.query<{ hall: string; n: number | string }>(
      'SELECT hall, count(*) AS n FROM material_upload_chunks WHERE sha256 = $1 GROUP BY hall',
      [sha(partial)],
    );
    expect(halls.rows.map((r) => [r.hall, Number(r.n)])).toEqual([['hall-2', 1]]);
    // Kiosks and displays at central still may not upload.
    const display = (await enrollTerminal(central, 'display-c1', 'display')).token;
    expect((await announce(central.url, display, held)).status).toBe(403);
  });
});

async function until(cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond().catch(() => false)) return;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
