/**
 * Issue 15, finding 12 (R21): the counter's ID card sheet and the other materials on the
 * server. Retention by the hall's setting (ID card copies shorter), deletion that leaves no copy
 * (row, file, chunks of an upload in progress, the hub's relay record), and an access log of who
 * opened which material, refused attempts included, read by the admin only. Against the real
 * server on PGlite and PostgreSQL, as an attacker holding a terminal's token would try.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../shared/schedule/zone';
import { DEFAULT_TIME_ZONE } from '../../shared/schedule/config';
import { sweepMaterials } from '../../server/http/routes/materials';
import { blobFilesFor } from '../../server/materials/blobFiles';
import { ensureAdmin, newToken } from '../../server/store/terminals';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const KIB = 1024;
const DAY = 24 * 60 * 60 * 1000;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
function jpeg(n: number): Buffer {
  const b = randomBytes(n);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  return b;
}

describe.each(DB_KINDS)('personal materials on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let clock = Date.now();
  const tokens: Record<string, string> = {};
  const epochs: Record<string, number> = {};
  let otherHallCounter = '';
  let otherAdmin = '';

  const upload = async (token: string, file: Buffer) => {
    const a = await call(s.url, 'POST', '/api/materials/uploads', { token, body: { sha256: sha(file), bytes: file.length, mime: 'image/jpeg', chunkBytes: 256 * KIB } });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    let last = a;
    for (let i = 0; i * 256 * KIB < file.length; i++) {
      if (a.body.complete || a.body.received.includes(i)) continue;
      last = await putChunk(token, sha(file), i, file.subarray(i * 256 * KIB, (i + 1) * 256 * KIB));
    }
    return last;
  };
  async function putChunk(token: string, h: string, i: number, data: Uint8Array) {
    const res = await fetch(`${s.url}/api/materials/uploads/${h}/chunks/${i}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'x-chunk-sha256': sha(data) },
      body: data as Uint8Array<ArrayBuffer>,
    });
    return { status: res.status, body: await res.json() };
  }
  const open = async (token: string, h: string) => {
    const res = await fetch(`${s.url}/api/materials/blobs/${h}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const count = async (table: string, h: string) => Number((await tdb.db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table} WHERE sha256 = $1`, [h])).rows[0]!.n);
  /** Every trace of a file on the server: rows of each table, and files on disk (PGlite). */
  async function traces(h: string): Promise<Record<string, number>> {
    const files = blobFilesFor(tdb.db);
    return {
      blobs: await count('material_blobs', h),
      uploads: await count('material_uploads', h),
      chunks: await count('material_upload_chunks', h),
      relayed: await count('upstream_materials', h),
      files: files ? (await files.listHall(s.hall)).filter((f) => f.includes(h)).length : 0,
    };
  }
  const none = { blobs: 0, uploads: 0, chunks: 0, relayed: 0, files: 0 };

  /** A ticket served at w1 with these materials attached (name -> pages). */
  async function ticketWith(materials: Record<string, Buffer[]>): Promise<void> {
    const kiosk = new TestTerminal('kiosk-1', () => clock, epochs['kiosk-1']);
    const counter = new TestTerminal('counter-1', () => clock, epochs['counter-1']);
    const day = localDate(clock, DEFAULT_TIME_ZONE);
    const ticketId = kiosk.nextId();
    const push = async (token: string, events: unknown[]) => {
      const r = await call(s.url, 'POST', '/api/sync/push', { token, body: { events } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await push(tokens['kiosk-1']!, [kiosk.emit('ticket.issued', { ticketId, serviceId: 'hukou', number: 'A001', numberSource: 'server', day, channel: 'kiosk' })]);
    await push(tokens['counter-1']!, [
      counter.emit('ticket.called', { ticketId, windowId: 'w1' }),
      ...Object.entries(materials).map(([name, pages], i) =>
        counter.emit('material.attached', {
          ticketId,
          windowId: 'w1',
          materialId: `m${i + 1}`,
          name,
          pages: pages.map((p) => ({ sha256: sha(p), bytes: p.length, width: 2480, height: 3508, mime: 'image/jpeg' as const })),
        }),
      ),
    ]);
  }

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { now: () => clock });
    for (const body of [
      { kind: 'service', id: 'hukou', value: { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' } } },
      { kind: 'window', id: 'w1', value: { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] } },
    ]) {
      expect((await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body })).status).toBe(200);
    }
    for (const [id, role, w] of [
      ['counter-1', 'counter', 'w1'],
      ['kiosk-1', 'kiosk'],
      ['display-1', 'display'],
    ] as const) {
      const e = await enrollTerminal(s, id, role, w);
      tokens[id] = e.token;
      epochs[id] = e.epoch;
    }
    otherAdmin = newToken();
    await ensureAdmin(tdb.db, 'hall-2', otherAdmin, Date.now());
    otherHallCounter = (await enrollTerminal({ ...s, adminToken: otherAdmin, hall: 'hall-2' }, 'counter-9', 'counter', 'w1')).token;
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('an ID card copy leaves the server after the hall’s ID copy retention; other materials stay until theirs, and neither comes back', async () => {
    // The hall's setting: ID card copies 10 days, the rest 20.
    const policy = (await s.server.ctx.cache.get(tdb.db, s.hall, clock)).state.config.policy;
    expect(policy.idCopiesServerRetentionDays).toBeLessThan(policy.materialsServerRetentionDays);
    const set = await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'policy', id: 'hall', value: { ...policy, idCopiesServerRetentionDays: 10, materialsServerRetentionDays: 20 } } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const idSheet = jpeg(300 * KIB);
    const hukouBook = jpeg(100 * KIB);
    await ticketWith({ 居民身份证: [idSheet], 户口簿: [hukouBook] });
    expect((await upload(tokens['counter-1']!, idSheet)).body.complete).toBe(true);
    expect((await upload(tokens['counter-1']!, hukouBook)).body.complete).toBe(true);

    const start = clock;
    clock = start + 9 * DAY;
    await sweepMaterials(s.server.ctx);
    expect((await open(s.adminToken, sha(idSheet))).status).toBe(200);

    clock = start + 11 * DAY;
    expect(await sweepMaterials(s.server.ctx)).toContainEqual({ hall: s.hall, idCopies: 1, others: 0 });
    expect((await open(s.adminToken, sha(idSheet))).status).toBe(404);
    expect(await traces(sha(idSheet))).toEqual(none);
    expect((await open(s.adminToken, sha(hukouBook))).bytes.equals(hukouBook)).toBe(true);

    clock = start + 21 * DAY;
    expect(await sweepMaterials(s.server.ctx)).toContainEqual({ hall: s.hall, idCopies: 0, others: 1 });
    expect(await traces(sha(hukouBook))).toEqual(none);
    // The counter sending the ID sheet again (it still had a copy) is told the server is done
    // with it, and nothing is stored: the counter then drops its own copy.
    expect((await upload(tokens['counter-1']!, idSheet)).body).toEqual({ complete: true, received: [] });
    expect(await traces(sha(idSheet))).toEqual(none);
    const tomb = await tdb.db.query<{ reason: string }>('SELECT reason FROM material_deletions WHERE hall = $1 AND sha256 = $2', [s.hall, sha(idSheet)]);
    expect(tomb.rows).toEqual([{ reason: 'retention' }]);
  });

  it('the admin’s deletion leaves no copy: the file, its row, an upload of it in progress with its chunks, and the hub’s record that central holds it', async () => {
    const whole = jpeg(600 * KIB);
    const partial = jpeg(600 * KIB);
    expect((await upload(tokens['counter-1']!, whole)).body.complete).toBe(true);
    // The hub's relay recorded central holding it.
    await tdb.db.query('INSERT INTO upstream_materials (upstream, hall, sha256, confirmed_at) VALUES ($1, $2, $3, $4)', ['http://central.example', s.hall, sha(whole), clock]);
    const a = await call(s.url, 'POST', '/api/materials/uploads', { token: tokens['counter-1'], body: { sha256: sha(partial), bytes: partial.length, mime: 'image/jpeg', chunkBytes: 256 * KIB } });
    expect(a.body).toEqual({ complete: false, received: [] });
    expect((await putChunk(tokens['counter-1']!, sha(partial), 0, partial.subarray(0, 256 * KIB))).status).toBe(200);
    expect((await traces(sha(partial))).chunks).toBe(1);

    for (const h of [sha(whole), sha(partial)]) {
      const d = await call(s.url, 'DELETE', `/api/admin/materials/blobs/${h}`, { token: s.adminToken });
      expect(d.status, JSON.stringify(d.body)).toBe(200);
      expect(d.body).toEqual({ deleted: true });
      expect(await traces(h)).toEqual(none);
    }
    expect((await open(tokens['counter-1']!, sha(whole))).status).toBe(404);
    // The rest of the partial upload finds no upload to add to.
    expect((await putChunk(tokens['counter-1']!, sha(partial), 1, partial.subarray(256 * KIB, 512 * KIB))).body).toMatchObject({ complete: true });
    expect(await traces(sha(partial))).toEqual(none);
  });

  it('a stolen counter, kiosk or display token can neither delete a material nor read the access log (403), and another hall’s admin deletes nothing here', async () => {
    const f = jpeg(50 * KIB);
    expect((await upload(tokens['counter-1']!, f)).body.complete).toBe(true);
    for (const id of ['counter-1', 'kiosk-1', 'display-1']) {
      expect((await call(s.url, 'DELETE', `/api/admin/materials/blobs/${sha(f)}`, { token: tokens[id] })).status, id).toBe(403);
      expect((await call(s.url, 'GET', '/api/admin/materials/access', { token: tokens[id] })).status, id).toBe(403);
    }
    expect((await call(s.url, 'DELETE', `/api/admin/materials/blobs/${sha(f)}`)).status).toBe(401);
    // Another hall's admin deletes in its own hall only: nothing of this hall's.
    expect((await call(s.url, 'DELETE', `/api/admin/materials/blobs/${sha(f)}`, { token: otherAdmin })).body).toEqual({ deleted: false });
    expect((await open(tokens['counter-1']!, sha(f))).bytes.equals(f)).toBe(true);
  });

  it('every opening of a material is recorded with terminal, window and time, refused attempts included; only the admin reads the log', async () => {
    const f = jpeg(80 * KIB);
    expect((await upload(tokens['counter-1']!, f)).body.complete).toBe(true);
    const at = clock;
    expect((await open(tokens['counter-1']!, sha(f))).status).toBe(200);
    expect((await open(tokens['kiosk-1']!, sha(f))).status).toBe(403);
    expect((await open(s.adminToken, sha(f))).status).toBe(200);
    // Another hall's counter guessing the hash: recorded in its own hall, not visible here.
    expect((await open(otherHallCounter, sha(f))).status).toBe(404);

    const log = await call(s.url, 'GET', `/api/admin/materials/access?sha256=${sha(f)}`, { token: s.adminToken });
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    expect(log.body.entries).toHaveLength(3);
    expect(log.body.entries.map((e: any) => [e.terminal, e.role, e.outcome])).toEqual(
      expect.arrayContaining([
        ['counter-1', 'counter', 'read'],
        ['kiosk-1', 'kiosk', 'refused'],
        ['admin', 'admin', 'read'],
      ]),
    );
    const counterRead = log.body.entries.find((e: any) => e.terminal === 'counter-1');
    expect(counterRead).toMatchObject({ sha256: sha(f), windowId: 'w1', at });
    // The day's log, too (the hall's zone).
    const day = await call(s.url, 'GET', `/api/admin/materials/access?day=${localDate(at, DEFAULT_TIME_ZONE)}`, { token: s.adminToken });
    expect(day.body.entries.filter((e: any) => e.sha256 === sha(f))).toHaveLength(3);
    // No personal data or secret in the log: hashes and terminal ids only.
    expect(JSON.stringify(log.body)).not.toMatch(/Bearer|token/i);
  });
});
