/**
 * Uploads the counter's queued material files (materialStore.ts) to the server, in chunks:
 *
 *   POST {base}/api/materials/uploads {sha256, bytes, mime, chunkBytes} -> {complete, received}
 *   PUT  {base}/api/materials/uploads/{sha256}/chunks/{i}  (bytes, x-chunk-sha256) -> {complete}
 *
 * The server says which chunks it already holds, so after a cut connection, a server restart
 * or a terminal restart only the missing chunks travel again; a file the hall already holds
 * (another counter sent it) completes at once. One file at a time, oldest capture first.
 * Failures wait with backoff and jitter (like the sync engine's); a file the server refuses for
 * good (too large, not the type it says) leaves the queue as 'refused' and stays on the
 * terminal. fetch, clock and timers are arguments, so this runs in Node tests too.
 */
import { z } from 'zod';
import type { MaterialBlobRow, TerminalDatabase } from '../db/database';
import { Backoff } from '../sync/backoff';
import type { Timers } from '../sync/env';
import { markRefused, markUploaded, nextQueued, onQueued, queuedCount, sha256Hex } from './materialStore';

/** Chunk size on the wire. */
export const CHUNK_BYTES = 256 * 1024;

export interface UploaderStatus {
  /** Files waiting for upload (including the one being sent). */
  queued: number;
  /** The file being sent now. */
  uploading?: string;
  /** The last failure, until the next success. */
  lastError?: string;
  /** How far the file being sent is. */
  progress?: { sha256: string; sentBytes: number; bytes: number };
}

export interface MaterialUploaderOptions {
  db: TerminalDatabase;
  /** The server to upload to now (the sync engine's current upstream); '' = none. */
  base: () => string;
  token: () => string;
  fetch?: typeof fetch;
  now?: () => number;
  timers?: Timers;
  random?: () => number;
  /** Backoff after a failure (default 1 s doubling to 60 s). */
  backoff?: { baseMs?: number; capMs?: number };
  /** With nothing queued, look again this often (new captures wake it at once). */
  idleMs?: number;
  timeoutMs?: number;
  chunkBytes?: number;
  /** Every failure, for the log. */
  onError?: (error: unknown, sha256: string | undefined) => void;
}

const UploadAnswer = z.object({ complete: z.boolean(), received: z.array(z.number().int().nonnegative()) });
const ChunkAnswer = z.object({ complete: z.boolean() });
const ErrorBody = z.object({ error: z.string(), message: z.string(), messageZh: z.string().optional() });

/** The server answered with a refusal. */
export class UploadHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UploadHttpError';
  }
}

class Stopped extends Error {}

/** Refusals that no retry of the same file can cure: the file leaves the queue. */
const FILE_REFUSALS = new Set(['wrong-type', 'too-large', 'bad-request', 'local-corrupt']);

export class MaterialUploader {
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly timers: Timers;
  private readonly backoff: Backoff;
  private readonly chunkBytes: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private readonly controllers = new Set<AbortController>();
  private readonly listeners = new Set<(s: UploaderStatus) => void>();
  private unsubscribe: (() => void) | undefined;
  private current: UploaderStatus = { queued: 0 };
  /** Files whose whole-file check failed once on the server (a second failure refuses them). */
  private readonly corruptOnce = new Set<string>();
  /** Chunk PUTs answered 2xx, in all (tests and diagnostics). */
  chunksSent = 0;

  constructor(private readonly opts: MaterialUploaderOptions) {
    const f = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
    this.fetch = f;
    this.now = opts.now ?? Date.now;
    this.timers = opts.timers ?? {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.backoff = new Backoff({ random: opts.random ?? Math.random, baseMs: opts.backoff?.baseMs ?? 1_000, capMs: opts.backoff?.capMs ?? 60_000 });
    this.chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = onQueued(this.opts.db, () => this.kick());
    this.loop = this.run();
  }

  /** Stop: abort what is in flight (the server keeps the chunks it has) and wait for the loop. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    for (const c of this.controllers) c.abort();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Try now: a new capture, or the terminal is back online. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  status(): UploaderStatus {
    return { ...this.current, ...(this.current.progress ? { progress: { ...this.current.progress } } : {}) };
  }

  subscribe(cb: (s: UploaderStatus) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Resolves once nothing is queued (tests), or rejects after `timeoutMs`. */
  async whenIdle(timeoutMs = 30_000): Promise<void> {
    const end = this.now() + timeoutMs;
    while ((await queuedCount(this.opts.db)) > 0) {
      if (this.now() > end) throw new Error(`uploads still queued after ${timeoutMs} ms: ${this.current.lastError ?? ''}`);
      await new Promise<void>((r) => this.timers.setTimeout(r, 20));
    }
  }

  private set(patch: Partial<UploaderStatus>, drop: Array<keyof UploaderStatus> = []): void {
    const next: UploaderStatus = { ...this.current, ...patch };
    for (const k of drop) delete next[k];
    this.current = next;
    const snapshot = this.status();
    for (const cb of this.listeners) {
      try {
        cb(snapshot);
      } catch {
        // a subscriber's failure is its own
      }
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sha256: string | undefined;
      let wait = 0;
      try {
        this.kicked = false;
        const row = await nextQueued(this.opts.db);
        // Counted after the pick: a file captured meanwhile is in the count.
        const queued = await queuedCount(this.opts.db);
        if (!row) {
          this.set({ queued });
          await this.sleep(this.opts.idleMs ?? 30_000);
          continue;
        }
        sha256 = row.sha256;
        this.set({ queued: Math.max(1, queued), uploading: sha256, progress: { sha256, sentBytes: 0, bytes: row.bytes } });
        await this.upload(row);
        this.backoff.reset();
        this.set({ queued: await queuedCount(this.opts.db) }, ['uploading', 'progress', 'lastError']);
      } catch (err) {
        if (!this.running || err instanceof Stopped) break;
        this.opts.onError?.(err, sha256);
        const message = err instanceof Error ? err.message : String(err);
        if (sha256 !== undefined && err instanceof UploadHttpError && FILE_REFUSALS.has(err.code)) {
          await markRefused(this.opts.db, sha256, `${err.code}: ${message}`).catch(() => undefined);
        } else {
          wait = Math.max(1, this.backoff.next());
        }
        this.set({ lastError: message, queued: await queuedCount(this.opts.db).catch(() => this.current.queued) }, ['uploading', 'progress']);
      }
      if (wait > 0 && this.running) await this.sleep(wait);
    }
    this.set({}, ['uploading', 'progress']);
  }

  /** Wait `ms`, or less if kicked or stopped. */
  private sleep(ms: number): Promise<void> {
    if (this.kicked || !this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer: { h?: unknown } = {};
      const done = () => {
        this.timers.clearTimeout(timer.h);
        this.wake = undefined;
        resolve();
      };
      timer.h = this.timers.setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async upload(row: MaterialBlobRow): Promise<void> {
    const base = this.opts.base().replace(/\/+$/, '');
    if (!base) throw new Error('no server to upload to');
    const { sha256, bytes } = row;
    const size = this.chunkBytes;
    const chunks = Math.ceil(bytes / size);
    const announce = async () => UploadAnswer.parse(await this.request('POST', `${base}/api/materials/uploads`, JSON.stringify({ sha256, bytes, mime: row.mime, chunkBytes: size }), 'application/json'));
    const first = await announce();
    if (first.complete) return this.done(sha256);
    const have = new Set(first.received.filter((i) => i < chunks));
    const lengthOf = (i: number) => (i < chunks - 1 ? size : bytes - size * (chunks - 1));
    let sent = 0;
    for (const i of have) sent += lengthOf(i);
    this.set({ progress: { sha256, sentBytes: sent, bytes } });
    for (let i = 0; i < chunks; i++) {
      if (have.has(i)) continue;
      if (!this.running) throw new Stopped();
      const data = await row.blob.slice(i * size, i * size + lengthOf(i)).arrayBuffer();
      const hash = await sha256Hex(data);
      let answer: z.infer<typeof ChunkAnswer>;
      try {
        answer = ChunkAnswer.parse(await this.request('PUT', `${base}/api/materials/uploads/${sha256}/chunks/${i}`, data, 'application/octet-stream', { 'x-chunk-sha256': hash }));
      } catch (err) {
        if (err instanceof UploadHttpError && err.code === 'blob-corrupt') await this.corrupt(row);
        throw err;
      }
      this.chunksSent += 1;
      sent += data.byteLength;
      this.set({ progress: { sha256, sentBytes: sent, bytes } });
      if (answer.complete) return this.done(sha256);
    }
    // Every chunk went and the file is not complete (the server lost some meanwhile): ask again.
    const again = await announce();
    if (again.complete) return this.done(sha256);
    throw new Error(`the server still lacks chunks ${[...Array(chunks).keys()].filter((i) => !again.received.includes(i)).join(', ')} of ${sha256}`);
  }

  private async done(sha256: string): Promise<void> {
    this.corruptOnce.delete(sha256);
    // The server has it: whatever failed before is over.
    this.set({}, ['lastError']);
    await markUploaded(this.opts.db, sha256, this.now());
  }

  /** The server found the assembled file wrong. Once may be bad luck; check our own copy. */
  private async corrupt(row: MaterialBlobRow): Promise<void> {
    const actual = await sha256Hex(await row.blob.arrayBuffer());
    if (actual !== row.sha256) {
      throw new UploadHttpError(422, 'local-corrupt', `the stored copy of ${row.sha256} does not hash to its name (${actual}); it cannot be uploaded`);
    }
    if (this.corruptOnce.has(row.sha256)) {
      throw new UploadHttpError(422, 'local-corrupt', `the server found ${row.sha256} corrupt twice although the stored copy is intact; left out of the queue`);
    }
    this.corruptOnce.add(row.sha256);
  }

  private async request(method: 'POST' | 'PUT', url: string, body: string | ArrayBuffer, contentType: string, extra: Record<string, string> = {}): Promise<unknown> {
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    let timedOut = false;
    const timer = this.timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      let res: Response;
      try {
        res = await this.fetch(url, {
          method,
          headers: { authorization: `Bearer ${this.opts.token()}`, accept: 'application/json', 'content-type': contentType, ...extra },
          body,
          signal: controller.signal,
        });
      } catch (err) {
        if (!this.running) throw new Stopped();
        if (timedOut) throw new Error(`${method} ${url}: no answer in ${timeoutMs} ms`);
        throw new Error(`${method} ${url}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (!res.ok) {
        const e = ErrorBody.safeParse(json);
        if (e.success) throw new UploadHttpError(res.status, e.data.error, `${e.data.message}${e.data.messageZh ? ` (${e.data.messageZh})` : ''}`);
        throw new UploadHttpError(res.status, `http-${res.status}`, `${method} ${url}: HTTP ${res.status}`);
      }
      return json;
    } finally {
      this.timers.clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }
}
