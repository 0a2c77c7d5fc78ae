/**
 * Issue 15, finding 7: uploads starve the queue. Against the real server, on PGlite and
 * PostgreSQL, as counters (or a stolen counter token) would upload: a kiosk's number is answered
 * while 8 counters' 1 MiB chunks wait in the upload queue; the queue is bounded (429 with
 * Retry-After); quotas per terminal (429) and per hall (413) answer in both languages; on PGlite
 * the bytes never go through the database. No timing: what waited for what decides.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobFilesFor } from '../../server/materials/blobFiles';
import { uploadGates } from '../../server/http/routes/materials';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const KIB = 1024;
const MIB = 1024 * KIB;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
function jpeg(n: number): Buffer {
  const b = randomBytes(n);
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  return b;
}

async function put(base: string, token: string, sha256: string, index: number, data: Uint8Array) {
  const res = await fetch(`${base}/api/materials/uploads/${sha256}/chunks/${index}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'x-chunk-sha256': sha(data) },
    body: data as Uint8Array<ArrayBuffer>,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get('retry-after') };
}
const announce = (base: string, token: string, file: Uint8Array, chunkBytes = MIB) =>
  call(base, 'POST', '/api/materials/uploads', { token, body: { sha256: sha(file), bytes: file.length, mime: 'image/jpeg', chunkBytes } });

/** Start a server with these environment settings (read when the server starts). */
async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe.each(DB_KINDS)('uploads never starve the queue on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let kiosk = '';
  const counters: string[] = [];

  beforeAll(async () => {
    tdb = await freshDb(kind);
    // A long yield: a waiting upload job never starts while a queue request is in flight.
    s = await withEnv({ HALLQ_UPLOAD_YIELD_MS: '30000' }, () => startServer(tdb.db));
    for (const body of [
      { kind: 'service', id: 'hukou', value: { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' } } },
      { kind: 'window', id: 'w1', value: { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] } },
    ]) {
      expect((await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body })).status).toBe(200);
    }
    kiosk = (await enrollTerminal(s, 'kiosk-1', 'kiosk')).token;
    for (let i = 1; i <= 12; i++) counters.push((await enrollTerminal(s, `counter-${i}`, 'counter', 'w1')).token);
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  /**
   * A kiosk's number request whose body is still on its way: in flight for as long as the test
   * likes (the server counts it from its headers). `finish` sends the rest and gives the answer.
   */
  function slowNumberRequest(): { finish: () => Promise<{ status: number; body: any }> } {
    const body = JSON.stringify({ serviceId: 'hukou' });
    const u = new URL(`${s.url}/api/numbers`);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { authorization: `Bearer ${kiosk}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 5));
    req.flushHeaders();
    return {
      finish: async () => {
        req.end(body.slice(5));
        return answer;
      },
    };
  }

  const gate = () => uploadGates.get(s.server.ctx)!;
  async function until(cond: () => boolean): Promise<void> {
    for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(cond()).toBe(true);
  }

  it('a kiosk gets its number while 8 counters’ 1 MiB chunks are waiting in the upload queue', async () => {
    const files = counters.slice(0, 8).map(() => jpeg(2 * MIB));
    for (const [i, f] of files.entries()) expect((await announce(s.url, counters[i]!, f)).status).toBe(200);
    // A citizen is at a kiosk: its request is in flight, so upload work waits (queue first).
    const first = slowNumberRequest();
    await until(() => gate().queueInFlight === 1);
    let uploadsDone = 0;
    const uploads = files.map((f, i) => put(s.url, counters[i]!, sha(f), 0, f.subarray(0, MIB)).then((r) => ((uploadsDone += 1), r)));
    await until(() => gate().size === 8);
    // Another kiosk asks meanwhile: answered at once, with all 8 uploads still waiting.
    const n = await call(s.url, 'POST', '/api/numbers', { token: kiosk, body: { serviceId: 'hukou' } });
    expect(n.status, JSON.stringify(n.body)).toBe(200);
    expect(n.body).toMatchObject({ prefix: 'A' });
    expect((await call(s.url, 'GET', '/health')).status).toBe(200);
    expect(uploadsDone).toBe(0);
    expect(gate().size).toBe(8);
    // The first citizen's number too; then the uploads go on and are all stored.
    expect((await first.finish()).status).toBe(200);
    const answers = await Promise.all(uploads);
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
  });

  it('the upload queue is bounded: chunks beyond a hall’s share are answered 429 with Retry-After in both languages, and sent again later they are stored', async () => {
    const files = counters.slice(0, 12).map(() => jpeg(MIB));
    for (const [i, f] of files.entries()) expect((await announce(s.url, counters[i]!, f)).status).toBe(200);
    // Hold the queue: a number request in flight keeps the upload jobs waiting (queue first).
    const held = slowNumberRequest();
    await until(() => gate().queueInFlight === 1);
    const pending = files.map((f, i) => put(s.url, counters[i]!, sha(f), 0, f));
    // 8 wait (the hall's share); the other 4 are refused at once.
    await until(() => gate().size === 8 && gate().stats.refused >= 4);
    expect((await held.finish()).status).toBe(200);
    const answers = await Promise.all(pending);
    const busy = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(8);
    expect(busy).toHaveLength(4);
    for (const b of busy) {
      expect(b.body.error).toBe('upload-busy');
      expect(b.body.messageZh).toMatch(/上传/);
      expect(Number(b.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // The refused ones, sent again, are stored.
    for (const [i, a] of answers.entries()) {
      if (a.status !== 429) continue;
      expect((await put(s.url, counters[i]!, sha(files[i]!), 0, files[i]!)).body).toMatchObject({ complete: true });
    }
  });

  /** A server of its own with these quotas, and one counter of it. */
  async function quotaServer(env: Record<string, string>, fn: (q: RunningServer, counters: string[], db: TestDb) => Promise<void>): Promise<void> {
    const db = await freshDb(kind);
    const q = await withEnv(env, () => startServer(db.db));
    try {
      const ts = [(await enrollTerminal(q, 'counter-1', 'counter', 'w1')).token, (await enrollTerminal(q, 'counter-2', 'counter', 'w1')).token];
      await fn(q, ts, db);
    } finally {
      await q.stop();
      await db.drop();
    }
  }

  it('a counter over its daily upload quota is answered 429 with Retry-After, in both languages, before it sends a byte', async () => {
    await quotaServer({ HALLQ_MATERIALS_TERMINAL_DAY_MB: '1' }, async (q, [t, other], db) => {
      const f = jpeg(600 * KIB);
      expect((await announce(q.url, t!, f)).status).toBe(200);
      expect((await put(q.url, t!, sha(f), 0, f)).body).toMatchObject({ complete: true });
      const over = jpeg(600 * KIB);
      const r = await call(q.url, 'POST', '/api/materials/uploads', { token: t, body: { sha256: sha(over), bytes: over.length, mime: 'image/jpeg', chunkBytes: MIB } });
      expect(r.status).toBe(429);
      expect(r.body).toMatchObject({ error: 'terminal-upload-quota' });
      expect(r.body.messageZh).toMatch(/限额/);
      expect((await db.db.query('SELECT 1 FROM material_uploads WHERE sha256 = $1', [sha(over)])).rows).toHaveLength(0);
      // Another counter of the hall has its own quota.
      expect((await announce(q.url, other!, over)).status).toBe(200);
    });
  });

  it('a hall over its storage quota is answered 413 in both languages, and nothing is stored', async () => {
    await quotaServer({ HALLQ_MATERIALS_HALL_QUOTA_MB: '1' }, async (q, [a, b], db) => {
      const first = jpeg(600 * KIB);
      expect((await announce(q.url, a!, first)).status).toBe(200);
      expect((await put(q.url, a!, sha(first), 0, first)).body).toMatchObject({ complete: true });
      // Another counter's file would pass the hall's 1 MB.
      const second = jpeg(600 * KIB);
      const r = await announce(q.url, b!, second);
      expect(r.status).toBe(413);
      expect(r.body).toMatchObject({ error: 'hall-storage-full' });
      expect(r.body.messageZh).toMatch(/存储空间已满/);
      expect((await db.db.query('SELECT 1 FROM material_uploads WHERE sha256 = $1', [sha(second)])).rows).toHaveLength(0);
      // A file the hall already holds still completes at once (it takes no room).
      expect((await announce(q.url, b!, first)).body).toEqual({ complete: true, received: [] });
    });
  });
});

describe('a hub on PGlite', () => {
  it('keeps material bytes in files beside the database, never passing them through it', async () => {
    const tdb = await freshDb('pglite');
    const s = await startServer(tdb.db);
    const t = (await enrollTerminal(s, 'counter-1', 'counter', 'w1')).token;
    try {
      const f = jpeg(300 * KIB);
      expect((await announce(s.url, t, f, 256 * KIB)).status).toBe(200);
      expect((await put(s.url, t, sha(f), 0, f.subarray(0, 256 * KIB))).body).toMatchObject({ complete: false });
      const chunk = await tdb.db.query<{ stored: string; data: unknown }>('SELECT stored, data FROM material_upload_chunks WHERE sha256 = $1', [sha(f)]);
      expect(chunk.rows).toEqual([{ stored: 'file', data: null }]);
      expect((await put(s.url, t, sha(f), 1, f.subarray(256 * KIB))).body).toMatchObject({ complete: true });
      const blob = await tdb.db.query<{ stored: string; data: unknown }>('SELECT stored, data FROM material_blobs WHERE sha256 = $1', [sha(f)]);
      expect(blob.rows).toEqual([{ stored: 'file', data: null }]);
      expect(await blobFilesFor(tdb.db)!.listHall(s.hall)).toContain(`blobs/${sha(f)}`);
      // Read back byte for byte.
      const res = await fetch(`${s.url}/api/materials/blobs/${sha(f)}`, { headers: { authorization: `Bearer ${t}` } });
      expect(Buffer.from(await res.arrayBuffer()).equals(f)).toBe(true);
    } finally {
      await s.stop();
      await tdb.drop();
    }
  });
});
