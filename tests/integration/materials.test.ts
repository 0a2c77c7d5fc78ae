/**
 * Document capture's data path (issue 8) against the real server, on PGlite and (when
 * HALLQ_TEST_DATABASE_URL is set) PostgreSQL: chunked, resumable, deduplicated uploads of the
 * counters' images, scoped to the hall; the counter's uploader (Dexie over fake-indexeddb,
 * Node's fetch) through a fault proxy; and the admin's list of tickets with materials.
 */
import { createHash } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TerminalDatabase } from '../../renderer/db/database';
import { readPage, storePage } from '../../renderer/materials/materialStore';
import { MaterialUploader } from '../../renderer/materials/uploader';
import { DEFAULT_TIME_ZONE } from '../../shared/schedule/config';
import { localDate } from '../../shared/schedule/zone';
import { ensureAdmin, newToken } from '../../server/store/terminals';
import { FaultProxy } from '../support/faultProxy';
import { TestTerminal } from '../support/hall';
import { waitUntil } from '../support/realHall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const KIB = 1024;
const CHUNK = 256 * KIB;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let seeds = 0;
/** `n` bytes that start like a JPEG, different for every call. */
function jpeg(n: number): Uint8Array<ArrayBuffer> {
  const seed = ++seeds * 7919;
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  b.set([0xff, 0xd8, 0xff, 0xe0]);
  return b;
}
const chunksOf = (b: Uint8Array, size = CHUNK) => Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size));

interface Answer {
  status: number;
  body: any;
}

describe.each(DB_KINDS)('material uploads on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  /** The hall's admin token (each server started on the database gets its own). */
  let admin = '';
  const tokens: Record<string, string> = {};
  const epochs: Record<string, number> = {};
  let otherHallCounter = '';

  const base = () => s.url;
  const announce = (token: string, file: Uint8Array, o: { mime?: string; chunkBytes?: number; sha256?: string; bytes?: number } = {}) =>
    call(base(), 'POST', '/api/materials/uploads', {
      token,
      body: { sha256: o.sha256 ?? sha(file), bytes: o.bytes ?? file.length, mime: o.mime ?? 'image/jpeg', chunkBytes: o.chunkBytes ?? CHUNK },
    });
  async function put(token: string, sha256: string, index: number, data: Uint8Array, o: { hash?: string; url?: string; contentType?: string } = {}): Promise<Answer> {
    const res = await fetch(`${o.url ?? base()}/api/materials/uploads/${sha256}/chunks/${index}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': o.contentType ?? 'application/octet-stream', 'x-chunk-sha256': o.hash ?? sha(data) },
      body: data as Uint8Array<ArrayBuffer>,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  /** Announce and send every chunk the server lacks; the last answer. */
  async function upload(token: string, file: Uint8Array): Promise<Answer> {
    const a = await announce(token, file);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    if (a.body.complete) return a;
    let last: Answer = a;
    for (const [i, c] of chunksOf(file).entries()) {
      if (a.body.received.includes(i)) continue;
      last = await put(token, sha(file), i, c);
      expect(last.status, JSON.stringify(last.body)).toBe(200);
    }
    return last;
  }
  async function getBlob(token: string, sha256: string) {
    const res = await fetch(`${base()}/api/materials/blobs/${sha256}`, { headers: { authorization: `Bearer ${token}` } });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, bytes, headers: res.headers };
  }
  const rows = async (sql: string, params: unknown[]) => (await tdb.db.query<{ n: number | string }>(sql, params)).rows.map((r) => Number(r.n));
  const blobCount = async (sha256: string) => (await rows('SELECT count(*) AS n FROM material_blobs WHERE sha256 = $1', [sha256]))[0];
  const chunkCount = async (sha256: string) => (await rows('SELECT count(*) AS n FROM material_upload_chunks WHERE sha256 = $1', [sha256]))[0];

  async function restartServer(): Promise<void> {
    s.server.app.server.closeAllConnections();
    await s.stop();
    s = await startServer(tdb.db);
    admin = s.adminToken;
  }

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db);
    admin = s.adminToken;
    for (const [id, role, w] of [
      ['counter-1', 'counter', 'w1'],
      ['counter-2', 'counter', 'w2'],
      ['kiosk-1', 'kiosk'],
      ['display-1', 'display'],
      ['eval-1', 'evaluator', 'w1'],
    ] as const) {
      const e = await enrollTerminal({ ...s, adminToken: admin }, id, role, w);
      tokens[id] = e.token;
      epochs[id] = e.epoch;
    }
    // A counter of another hall, enrolled by that hall's admin.
    const otherAdmin = newToken();
    await ensureAdmin(tdb.db, 'hall-2', otherAdmin, Date.now());
    otherHallCounter = (await enrollTerminal({ ...s, adminToken: otherAdmin, hall: 'hall-2' }, 'counter-9', 'counter', 'w1')).token;
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('a file sent in chunks is stored when the last chunk arrives and read back byte for byte by a counter and the admin', async () => {
    const file = jpeg(600 * KIB); // 3 chunks
    const h = sha(file);
    const a = await announce(tokens['counter-1']!, file);
    expect(a).toMatchObject({ status: 200, body: { complete: false, received: [] } });
    const [c0, c1, c2] = chunksOf(file);
    expect(await put(tokens['counter-1']!, h, 0, c0!)).toMatchObject({ status: 200, body: { complete: false } });
    expect(await put(tokens['counter-1']!, h, 1, c1!)).toMatchObject({ status: 200, body: { complete: false } });
    expect(await blobCount(h)).toBe(0);
    expect(await put(tokens['counter-1']!, h, 2, c2!)).toMatchObject({ status: 200, body: { complete: true } });
    expect(await blobCount(h)).toBe(1);
    expect(await chunkCount(h)).toBe(0);
    for (const who of [tokens['counter-2']!, admin]) {
      const got = await getBlob(who, h);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/jpeg');
      expect(got.headers.get('cache-control')).toBe('private, no-store');
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.bytes.length).toBe(file.length);
      expect(sha(got.bytes)).toBe(h);
    }
  });

  it('a file larger than one read slice streams back whole', async () => {
    const file = jpeg(2 * 1024 * KIB + 123);
    const h = sha(file);
    expect((await upload(tokens['counter-1']!, file)).body.complete).toBe(true);
    const got = await getBlob(admin, h);
    expect(got.status).toBe(200);
    expect(sha(got.bytes)).toBe(h);
  });

  it('chunks may arrive in any order, and a new announcement lists the ones the server already has', async () => {
    const file = jpeg(700 * KIB);
    const h = sha(file);
    const c = chunksOf(file);
    await announce(tokens['counter-1']!, file);
    await put(tokens['counter-1']!, h, 2, c[2]!);
    await put(tokens['counter-1']!, h, 0, c[0]!);
    expect((await announce(tokens['counter-1']!, file)).body).toEqual({ complete: false, received: [0, 2] });
    expect((await put(tokens['counter-1']!, h, 1, c[1]!)).body).toMatchObject({ complete: true });
    expect((await announce(tokens['counter-1']!, file)).body).toEqual({ complete: true, received: [] });
  });

  it('after a server restart the announcement lists the chunks received before it, so only the rest is sent', async () => {
    const file = jpeg(1000 * KIB); // 4 chunks
    const h = sha(file);
    const c = chunksOf(file);
    await announce(tokens['counter-1']!, file);
    await put(tokens['counter-1']!, h, 0, c[0]!);
    await put(tokens['counter-1']!, h, 1, c[1]!);
    await restartServer();
    expect((await announce(tokens['counter-1']!, file)).body).toEqual({ complete: false, received: [0, 1] });
    await put(tokens['counter-1']!, h, 2, c[2]!);
    expect((await put(tokens['counter-1']!, h, 3, c[3]!)).body).toMatchObject({ complete: true });
    expect(sha((await getBlob(tokens['counter-1']!, h)).bytes)).toBe(h);
  });

  it('a chunk whose bytes do not match its hash is refused in both languages and nothing of it is stored', async () => {
    const file = jpeg(300 * KIB);
    const h = sha(file);
    const [c0] = chunksOf(file);
    await announce(tokens['counter-1']!, file);
    const damaged = Uint8Array.from(c0!);
    damaged[1000] = damaged[1000]! ^ 0xff;
    const r = await put(tokens['counter-1']!, h, 0, damaged, { hash: sha(c0!) });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'chunk-corrupt' });
    expect(r.body.messageZh).toMatch(/[\u4e00-\u9fff]/);
    expect(await chunkCount(h)).toBe(0);
    expect((await announce(tokens['counter-1']!, file)).body).toEqual({ complete: false, received: [] });
    // Sent again intact, it goes in.
    expect((await put(tokens['counter-1']!, h, 0, c0!)).status).toBe(200);
    expect(await chunkCount(h)).toBe(1);
  });

  it('chunks that each match their own hash but not the announced file are refused with 422, and the partial upload is dropped', async () => {
    const announced = jpeg(400 * KIB);
    const other = jpeg(400 * KIB);
    const h = sha(announced);
    await announce(tokens['counter-1']!, announced);
    const [o0, o1] = chunksOf(other);
    expect((await put(tokens['counter-1']!, h, 0, o0!)).status).toBe(200);
    const last = await put(tokens['counter-1']!, h, 1, o1!);
    expect(last.status).toBe(422);
    expect(last.body).toMatchObject({ error: 'blob-corrupt' });
    expect(last.body.messageZh).toBeTruthy();
    expect(await blobCount(h)).toBe(0);
    expect(await chunkCount(h)).toBe(0);
    expect((await rows('SELECT count(*) AS n FROM material_uploads WHERE sha256 = $1', [h]))[0]).toBe(0);
    // The chunk of a dropped upload has nowhere to go until the file is announced again.
    expect((await put(tokens['counter-1']!, h, 0, o0!)).body).toMatchObject({ error: 'upload-unknown' });
    expect((await upload(tokens['counter-1']!, announced)).body.complete).toBe(true);
  });

  it('a file that is not the image type it was announced as is refused with 422 and not stored', async () => {
    const text = new TextEncoder().encode('<html><script>alert(1)</script></html>'.padEnd(20 * KIB, ' '));
    const h = sha(text);
    await announce(tokens['counter-1']!, text, { mime: 'image/png' });
    const r = await put(tokens['counter-1']!, h, 0, text);
    expect(r).toMatchObject({ status: 422, body: { error: 'wrong-type' } });
    expect(await blobCount(h)).toBe(0);
  });

  it('the same content uploaded by two counters, even at the same time, is stored once and both are told it is complete', async () => {
    // A few rounds: the announcements and chunks of the two interleave differently each time.
    for (let round = 0; round < 4; round++) {
      const file = jpeg(900 * KIB);
      const h = sha(file);
      const answers = await Promise.all([upload(tokens['counter-1']!, file), upload(tokens['counter-2']!, file), upload(tokens['counter-2']!, file)]);
      expect(await blobCount(h)).toBe(1);
      expect(await chunkCount(h)).toBe(0);
      // The last answer each got: the finishing chunk, or a later one that found the file there.
      expect(answers.map((x) => x.body.complete)).toEqual([true, true, true]);
      // Once more: complete at once, nothing to send.
      expect((await announce(tokens['counter-2']!, file)).body).toEqual({ complete: true, received: [] });
      expect((await rows('SELECT count(*) AS n FROM material_uploads WHERE sha256 = $1', [h]))[0]).toBe(0);
    }
  });

  it("another hall's terminal cannot read an image (the same 404 as for no image), nor resume the hall's upload", async () => {
    const file = jpeg(300 * KIB);
    const h = sha(file);
    expect((await upload(tokens['counter-1']!, file)).body.complete).toBe(true);
    const theirs = await getBlob(otherHallCounter, h);
    const nobodys = await getBlob(otherHallCounter, sha(jpeg(10)));
    expect(theirs.status).toBe(404);
    expect(new TextDecoder().decode(theirs.bytes)).toBe(new TextDecoder().decode(nobodys.bytes));
    // Its own announcement of the same content is a new upload of its own hall: nothing is complete, nothing received.
    expect((await announce(otherHallCounter, file)).body).toEqual({ complete: false, received: [] });

    const partial = jpeg(600 * KIB);
    const p = sha(partial);
    const pc = chunksOf(partial);
    await announce(tokens['counter-1']!, partial);
    await put(tokens['counter-1']!, p, 0, pc[0]!);
    await put(tokens['counter-1']!, p, 1, pc[1]!);
    // Hall 2 sending the last chunk of hall 1's upload: no such upload in its hall.
    expect(await put(otherHallCounter, p, 2, pc[2]!)).toMatchObject({ status: 404, body: { error: 'upload-unknown' } });
    expect((await announce(otherHallCounter, partial)).body).toEqual({ complete: false, received: [] });
    expect((await put(otherHallCounter, p, 2, pc[2]!)).body).toMatchObject({ complete: false });
    expect(await blobCount(p)).toBe(0);
    // Hall 1's upload is as it was.
    expect((await announce(tokens['counter-1']!, partial)).body).toEqual({ complete: false, received: [0, 1] });
  });

  it('a kiosk, a display and an evaluator may neither upload nor read images (403); no token is 401', async () => {
    const file = jpeg(100 * KIB);
    const h = sha(file);
    expect((await upload(tokens['counter-1']!, file)).body.complete).toBe(true);
    for (const id of ['kiosk-1', 'display-1', 'eval-1']) {
      expect((await announce(tokens[id]!, file)).status, id).toBe(403);
      expect((await put(tokens[id]!, h, 0, file)).status, id).toBe(403);
      expect((await getBlob(tokens[id]!, h)).status, id).toBe(403);
    }
    expect((await call(base(), 'POST', '/api/materials/uploads', { body: {} })).status).toBe(401);
    expect((await getBlob('', h)).status).toBe(401);
  });

  it('refuses what does not fit: an index past the end, a chunk of the wrong size, a file over 20 MB, odd chunk sizes, a missing hash header, JSON for a chunk', async () => {
    const t = tokens['counter-1']!;
    const file = jpeg(300 * KIB); // chunks of 256 KiB and 44 KiB
    const h = sha(file);
    const [c0, c1] = chunksOf(file);
    await announce(t, file);
    expect(await put(t, h, 2, c1!)).toMatchObject({ status: 400, body: { error: 'chunk-out-of-range' } });
    expect(await put(t, h, 0, c1!)).toMatchObject({ status: 400, body: { error: 'chunk-size' } });
    expect(await put(t, h, -1, c0!)).toMatchObject({ status: 400 });
    expect(await put(t, 'nothex', 0, c0!)).toMatchObject({ status: 400 });
    expect((await put(t, h, 0, c0!, { hash: 'x' })).status).toBe(400);
    expect((await put(t, h, 0, new TextEncoder().encode('{"a":1}'), { contentType: 'application/json' })).status).toBe(415);
    expect((await put(t, h, 0, new Uint8Array(1024 * KIB + 1))).status).toBe(413);
    expect((await announce(t, file, { bytes: 20 * 1024 * KIB + 1 })).status).toBe(400);
    expect((await announce(t, file, { chunkBytes: 1000 })).status).toBe(400);
    expect((await announce(t, file, { chunkBytes: 2 * 1024 * KIB })).status).toBe(400);
    expect((await announce(t, file, { mime: 'text/html' })).status).toBe(400);
    expect((await announce(t, file, { sha256: 'ABC' })).status).toBe(400);
    expect(await chunkCount(h)).toBe(0);
    expect((await getBlob(t, 'not-a-hash')).status).toBe(400);
  });

  describe('the counter uploader', () => {
    let proxy: FaultProxy;
    const dbs: TerminalDatabase[] = [];
    const uploaders: MaterialUploader[] = [];
    afterEach(async () => {
      for (const u of uploaders.splice(0)) await u.stop();
      for (const d of dbs.splice(0)) d.close();
      await proxy?.stop();
    });

    interface Sent {
      method: string;
      index?: number;
      status: number | 'failed';
    }
    /** A counter's database and uploader reaching the server through a proxy; every request logged. */
    async function counter() {
      proxy = await new FaultProxy(Number(new URL(s.url).port)).start();
      const db = new TerminalDatabase('counter-1', { dexie: { indexedDB: new IDBFactory(), IDBKeyRange } });
      dbs.push(db);
      const sent: Sent[] = [];
      let before: ((index: number | undefined) => void) | undefined;
      const logged: typeof fetch = async (input, init) => {
        const m = /\/chunks\/(\d+)$/.exec(String(input));
        const entry: Sent = { method: init?.method ?? 'GET', ...(m ? { index: Number(m[1]) } : {}), status: 'failed' };
        sent.push(entry);
        before?.(entry.index);
        const res = await fetch(input, init);
        entry.status = res.status;
        return res;
      };
      const errors: string[] = [];
      const uploader = new MaterialUploader({
        db,
        base: () => proxy.url,
        token: () => tokens['counter-1']!,
        fetch: logged,
        backoff: { baseMs: 50, capMs: 200 },
        idleMs: 100,
        timeoutMs: 5_000,
        onError: (e) => errors.push(e instanceof Error ? e.message : String(e)),
      });
      uploaders.push(uploader);
      return { db, uploader, sent, errors, setBefore: (f: typeof before) => (before = f) };
    }
    const okPuts = (sent: Sent[]) => sent.filter((x) => x.method === 'PUT' && x.status === 200).map((x) => x.index);

    it('uploads a captured page and marks it confirmed; the page stays readable until retention removes it', async () => {
      const { db, uploader, sent } = await counter();
      const file = jpeg(600 * KIB);
      const progress: number[] = [];
      uploader.subscribe((st) => {
        if (st.progress) progress.push(st.progress.sentBytes);
      });
      uploader.start();
      const stored = await storePage(db, new Blob([file], { type: 'image/jpeg' }), { width: 3264, height: 2448, mime: 'image/jpeg' });
      expect(stored).toEqual({ sha256: sha(file), bytes: file.length });
      await waitUntil('the page to be confirmed', async () => (await db.materialBlobs.get(stored.sha256))?.state === 'uploaded', 10_000);
      expect(okPuts(sent)).toEqual([0, 1, 2]);
      await waitUntil('the status to show the queue empty', () => uploader.status().queued === 0, 5_000);
      expect(uploader.status().uploading).toBeUndefined();
      expect(progress.at(-1)).toBe(file.length);
      expect(await readPage(db, stored.sha256)).toBeDefined();
      expect(sha((await getBlob(admin, stored.sha256)).bytes)).toBe(stored.sha256);
    });

    it('resumes after the connection is cut in the middle of a chunk, without sending a finished chunk again', async () => {
      const { db, uploader, sent, setBefore } = await counter();
      const file = jpeg(1200 * KIB); // 5 chunks
      let cut = false;
      setBefore((index) => {
        if (index === 2 && !cut) {
          // Chunk 2 is held in the proxy when every connection drops: it never reaches the server.
          cut = true;
          proxy.delayMs = 300;
          setTimeout(() => {
            proxy.cut();
            proxy.delayMs = 0;
          }, 50);
        }
      });
      const stored = await storePage(db, new Blob([file]), { width: 1, height: 1, mime: 'image/jpeg' });
      uploader.start();
      await waitUntil('the page to be confirmed', async () => (await db.materialBlobs.get(stored.sha256))?.state === 'uploaded', 15_000, () => sent);
      const puts = sent.filter((x) => x.method === 'PUT');
      expect(puts.filter((x) => x.status === 'failed').map((x) => x.index)).toEqual([2]);
      // Each chunk answered once; chunks 0 and 1 were never sent again.
      expect(okPuts(sent)).toEqual([0, 1, 2, 3, 4]);
      expect(puts.filter((x) => x.index === 0 || x.index === 1)).toHaveLength(2);
      expect(sent.filter((x) => x.method === 'POST').length).toBeGreaterThanOrEqual(2);
      expect(uploader.chunksSent).toBe(5);
      expect(sha((await getBlob(admin, stored.sha256)).bytes)).toBe(stored.sha256);
    });

    it('uploads after the server comes back from being down, reporting the failure meanwhile', async () => {
      const { db, uploader, sent, errors } = await counter();
      s.server.app.server.closeAllConnections();
      await s.stop();
      const file = jpeg(500 * KIB);
      const stored = await storePage(db, new Blob([file]), { width: 1, height: 1, mime: 'image/jpeg' });
      uploader.start();
      await waitUntil('a failed attempt', () => errors.length >= 2, 5_000);
      expect(uploader.status()).toMatchObject({ queued: 1 });
      expect(uploader.status().lastError).toBeTruthy();
      expect((await db.materialBlobs.get(stored.sha256))?.state).toBe('queued');
      s = await startServer(tdb.db);
      admin = s.adminToken;
      proxy.retarget(Number(new URL(s.url).port));
      uploader.kick();
      await waitUntil('the page to be confirmed', async () => (await db.materialBlobs.get(stored.sha256))?.state === 'uploaded', 10_000, () => ({ sent, errors }));
      expect(okPuts(sent)).toEqual([0, 1]);
      await waitUntil('the status to show the queue empty', () => uploader.status().queued === 0, 5_000);
      expect(uploader.status().lastError).toBeUndefined();
      expect(sha((await getBlob(admin, stored.sha256)).bytes)).toBe(stored.sha256);
    });

    it('a page the hall already holds completes with one announcement and no chunk', async () => {
      const file = jpeg(400 * KIB);
      expect((await upload(tokens['counter-2']!, file)).body.complete).toBe(true);
      const { db, uploader, sent } = await counter();
      const stored = await storePage(db, new Blob([file]), { width: 1, height: 1, mime: 'image/jpeg' });
      uploader.start();
      await waitUntil('the page to be confirmed', async () => (await db.materialBlobs.get(stored.sha256))?.state === 'uploaded', 10_000);
      expect(sent.map((x) => x.method)).toEqual(['POST']);
    });

    it('a file the server refuses for good leaves the queue as refused, stays on the terminal, and does not hold up the next', async () => {
      const { db, uploader } = await counter();
      const notJpeg = new TextEncoder().encode('not an image'.repeat(100));
      const bad = await storePage(db, new Blob([notJpeg]), { width: 1, height: 1, mime: 'image/jpeg' }, () => 1);
      const good = await storePage(db, new Blob([jpeg(50 * KIB)]), { width: 1, height: 1, mime: 'image/jpeg' }, () => 2);
      uploader.start();
      await waitUntil('the good page to be confirmed', async () => (await db.materialBlobs.get(good.sha256))?.state === 'uploaded', 10_000);
      expect(await db.materialBlobs.get(bad.sha256)).toMatchObject({ state: 'refused', error: expect.stringMatching(/^wrong-type/) });
      expect(await readPage(db, bad.sha256)).toBeDefined();
    });

    it('stop() ends the loop while a chunk is in flight; started again it finishes without resending what the server has', async () => {
      const { db, uploader, sent, setBefore } = await counter();
      const file = jpeg(1000 * KIB);
      let stopping: Promise<void> | undefined;
      setBefore((index) => {
        if (index === 2 && !stopping) {
          proxy.delayMs = 200;
          stopping = uploader.stop();
        }
      });
      const stored = await storePage(db, new Blob([file]), { width: 1, height: 1, mime: 'image/jpeg' });
      uploader.start();
      await waitUntil('the uploader to stop', () => stopping !== undefined, 10_000);
      await stopping;
      proxy.delayMs = 0;
      expect((await db.materialBlobs.get(stored.sha256))?.state).toBe('queued');
      setBefore(undefined);
      uploader.start();
      await waitUntil('the page to be confirmed', async () => (await db.materialBlobs.get(stored.sha256))?.state === 'uploaded', 10_000, () => sent);
      expect(okPuts(sent).filter((i) => i === 0 || i === 1)).toEqual([0, 1]);
      expect(okPuts(sent).sort()).toEqual([0, 1, 2, 3]);
    });
  });

  it("the admin lists the day's tickets with materials, and which of their files the server does not hold yet", async () => {
    const day = localDate(Date.now(), DEFAULT_TIME_ZONE);
    const kiosk = new TestTerminal('kiosk-1', Date.now, epochs['kiosk-1']);
    const c1 = new TestTerminal('counter-1', Date.now, epochs['counter-1']);
    const c2 = new TestTerminal('counter-2', Date.now, epochs['counter-2']);
    const push = async (token: string, events: unknown[]) => {
      const r = await call(base(), 'POST', '/api/sync/push', { token, body: { events } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    // The hall's service and windows (tickets of unknown services are refused at the door).
    for (const body of [
      { kind: 'service', id: 'hukou', value: { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' } } },
      { kind: 'window', id: 'w1', value: { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] } },
      { kind: 'window', id: 'w2', value: { id: 'w2', label: '2', services: [{ serviceId: 'hukou' }] } },
    ]) {
      const r = await call(base(), 'PUT', '/api/admin/config', { token: admin, body });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const ticketId = kiosk.nextId();
    const plain = `${kiosk.origin}:2`;
    await push(tokens['kiosk-1']!, [
      kiosk.emit('ticket.issued', { ticketId, serviceId: 'hukou', number: 'A001', numberSource: 'server', day, channel: 'kiosk' }),
      kiosk.emit('ticket.issued', { ticketId: plain, serviceId: 'hukou', number: 'A002', numberSource: 'server', day, channel: 'kiosk' }),
    ]);
    const pages = [jpeg(30 * KIB), jpeg(40 * KIB)];
    const pdf = new TextEncoder().encode('%PDF-1.7\n'.padEnd(20 * KIB, ' '));
    const page = (b: Uint8Array) => ({ sha256: sha(b), bytes: b.length, width: 2480, height: 3508, mime: 'image/jpeg' as const });
    await push(tokens['counter-1']!, [
      c1.emit('ticket.called', { ticketId, windowId: 'w1' }),
      c1.emit('material.attached', { ticketId, windowId: 'w1', materialId: 'm1', name: '居民身份证', pages: pages.map(page), pdf: { sha256: sha(pdf), bytes: pdf.length } }),
    ]);
    // Another window's attachment to a ticket it does not serve is in the log, not in the list.
    await push(tokens['counter-2']!, [c2.emit('material.attached', { ticketId: plain, windowId: 'w2', materialId: 'm2', name: '户口簿', pages: [page(pages[0]!)] })]);
    expect((await upload(tokens['counter-1']!, pages[0]!)).body.complete).toBe(true);

    const list = await call(base(), 'GET', `/api/admin/materials?day=${day}`, { token: admin });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body).toMatchObject({
      day,
      tickets: [
        {
          ticketId,
          number: 'A001',
          windowId: 'w1',
          status: 'called',
          materials: [{ id: 'm1', name: '居民身份证', pages: 2, hashes: pages.map(sha), pdf: sha(pdf), windowId: 'w1', missing: [sha(pages[1]!), sha(pdf)] }],
        },
      ],
    });
    expect(list.body.tickets).toHaveLength(1);
    // The same without a day: today.
    expect((await call(base(), 'GET', '/api/admin/materials', { token: admin })).body.tickets.map((t: any) => t.ticketId)).toEqual([ticketId]);

    await upload(tokens['counter-1']!, pages[1]!);
    expect((await announce(tokens['counter-1']!, pdf, { mime: 'application/pdf' })).body).toEqual({ complete: false, received: [] });
    expect((await put(tokens['counter-1']!, sha(pdf), 0, pdf)).body).toMatchObject({ complete: true });
    const one = await call(base(), 'GET', `/api/admin/materials?ticketId=${encodeURIComponent(ticketId)}`, { token: admin });
    expect(one.body.tickets).toHaveLength(1);
    expect(one.body.tickets[0].materials[0].missing).toEqual([]);

    // Another day (folded from the log): none of these tickets.
    expect((await call(base(), 'GET', '/api/admin/materials?day=2020-01-01', { token: admin })).body).toEqual({ day: '2020-01-01', tickets: [] });
    expect((await call(base(), 'GET', '/api/admin/materials?ticketId=nobody~1:1', { token: admin })).status).toBe(404);
    expect((await call(base(), 'GET', `/api/admin/materials?day=${day}`, { token: tokens['counter-1']! })).status).toBe(403);
    expect((await call(base(), 'GET', `/api/admin/materials?day=${day}&ticketId=${ticketId}`, { token: admin })).status).toBe(400);
  });
});
