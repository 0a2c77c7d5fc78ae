/**
 * Hub mode, material files (issue 8): the counters of a hall with a hub upload their captured
 * images to the hub; the hub relays them to central, so central's back office reads them too.
 *
 * - What: every file the hub holds for its hall (material_blobs) that the upstream has not
 *   confirmed yet (upstream_materials, per upstream URL), oldest first.
 * - How: the counter's protocol, with the hub's own token (central stores what a hub sends in
 *   the hub's hall only): announce (POST /api/materials/uploads), which answers `complete` when
 *   central already holds the content (nothing is sent) or the chunks it already has (resume:
 *   only the others are sent); then PUT each missing 256 KiB chunk with its own hash. The file
 *   is recorded as confirmed when central answers `complete`, and never announced again.
 * - When: at start, when a file is stored here (NOTIFY on MATERIALS_CHANNEL), after each
 *   successful event sync (central is reachable: a failed relay retries at once), and every
 *   pollMs as a safety net.
 * - Failures: central unreachable (or refusing the hub as a whole: 401/403) -> the round stops
 *   and retries with exponential backoff and jitter. Central refusing one file (a 4xx about
 *   that file) -> that file waits (its own backoff, in memory) and the others go on.
 *
 * Deletions (issue 15): a file deleted here (retention, the hub's admin) is deleted at central
 * too (DELETE /api/admin/materials/blobs/:sha256 with the hub's token), before files are sent,
 * and recorded in upstream_material_deletions once central confirms.
 *
 * Its own loop, independent of the event link's: a slow or failing file never holds up events.
 */
import type { Db } from '../db/db';
import { MATERIALS_CHANNEL, chunkCount, readBlobSlice, sha256Hex } from '../store/materials';
import { UpstreamError, type UpstreamClient } from './client';

/** The chunk size the hub sends in (the counters' size). */
export const RELAY_CHUNK_BYTES = 256 * 1024;
/** Files looked up per query. */
const PAGE = 20;
/** The key of a refused deletion in `waiting` (files use their hash). */
const DELETION = 'delete:';

export interface MaterialRelayStatus {
  /** Files of the hall central has not confirmed yet. */
  pending: number;
  /** Files confirmed by central since this hub started. */
  confirmed: number;
  /** Chunks sent since this hub started. */
  chunksSent: number;
  lastError?: { code: string; message: string; at: number; sha256?: string };
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

interface FileRow {
  sha256: string;
  bytes: number;
  mime: string;
}

class Stopped extends Error {}

/** Central refused this file (not the hub): the other files may still go. */
const refusedForThisFile = (err: unknown): err is UpstreamError =>
  err instanceof UpstreamError && err.kind === 'refused' && err.status !== undefined && err.status !== 401 && err.status !== 403;

export class MaterialRelay {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private failure: 'unreachable' | 'refused' | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  /** Files central refused: not offered again before `until`. */
  private readonly waiting = new Map<string, { until: number; attempts: number }>();
  private pending = 0;
  private confirmed = 0;
  private lastError: MaterialRelayStatus['lastError'];
  /** Chunks sent since start (tests and /health). */
  chunksSent = 0;

  constructor(
    private readonly db: Db,
    private readonly client: UpstreamClient,
    private readonly opts: {
      hall: string;
      pollMs: number;
      minBackoffMs: number;
      maxBackoffMs: number;
      now: () => number;
      log?: Logger;
      chunkBytes?: number;
    },
  ) {}

  private get chunkBytes(): number {
    return this.opts.chunkBytes ?? RELAY_CHUNK_BYTES;
  }

  async start(): Promise<void> {
    this.pending = await this.countPending().catch(() => 0);
    this.unlisten = await this.db.listen(MATERIALS_CHANNEL, (hall) => {
      // RESYNC ('*') too: a notification may have been lost.
      if (hall === this.opts.hall || hall === '*') this.kick();
    });
    this.pollTimer = setInterval(() => this.kick(), this.opts.pollMs);
    this.pollTimer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.unlisten?.().catch(() => {});
    // The client's requests are aborted by the link; let the database work in flight finish.
    await this.running?.catch(() => {});
  }

  status(): MaterialRelayStatus {
    return {
      pending: this.pending,
      confirmed: this.confirmed,
      chunksSent: this.chunksSent,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /**
   * Look for files to relay. While backing off after a failure this waits for the retry, unless
   * `reachable` (the event link just talked to central) and central was only unreachable.
   */
  kick(reachable = false): void {
    if (this.stopped) return;
    if (this.retryTimer) {
      if (!(reachable && this.failure === 'unreachable')) return;
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((err: unknown) => this.opts.log?.warn({ err }, 'material relay failed unexpectedly'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped && !this.retryTimer) this.kick();
      });
  }

  /** Relay now (skipping any backoff) and wait until the relay is idle. */
  async relayNow(): Promise<MaterialRelayStatus> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.kick();
    while (this.running) await this.running;
    return this.status();
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.relayAll();
        this.failure = undefined;
        this.attempt = 0;
        if (this.lastError && !this.lastError.sha256) this.lastError = undefined;
      } catch (err) {
        if (this.stopped || err instanceof Stopped) return;
        this.fail(err);
        return;
      }
    } while (this.again && !this.stopped);
  }

  private fail(err: unknown): void {
    const e = err instanceof UpstreamError ? err : new UpstreamError('unreachable', 'hub-error', `the hub failed while relaying materials: ${(err as Error).message ?? String(err)}`);
    this.failure = e.kind;
    this.lastError = { code: e.code, message: e.message, at: this.opts.now() };
    this.attempt += 1;
    const delay = this.backoff(this.attempt);
    if (this.attempt === 1) this.opts.log?.warn({ upstream: this.client.base, code: e.code, err: e.message, retryInMs: delay }, 'material relay to the upstream failed');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, delay);
    this.retryTimer.unref();
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** Math.min(attempt - 1, 20));
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }

  private async relayAll(): Promise<void> {
    try {
      await this.relayDeletions();
      for (;;) {
        const files = await this.filesToRelay(PAGE);
        if (!files.length) return;
        for (const f of files) {
          if (this.stopped) throw new Stopped();
          await this.relayOne(f);
        }
      }
    } finally {
      if (!this.stopped) this.pending = await this.countPending().catch(() => this.pending);
    }
  }

  private async relayOne(f: FileRow): Promise<void> {
    try {
      // Twice at most: central may drop an upload meanwhile (idle housekeeping, a corrupt
      // assembly); the second announcement starts it over.
      const done = (await this.send(f)) || (await this.send(f));
      if (!done) throw new UpstreamError('refused', 'upload-incomplete', `central still lacks chunks of ${f.sha256} after every chunk was sent`);
      await this.db.query(
        'INSERT INTO upstream_materials (upstream, hall, sha256, confirmed_at) VALUES ($1, $2, $3, $4) ON CONFLICT (upstream, hall, sha256) DO NOTHING',
        [this.client.base, this.opts.hall, f.sha256, this.opts.now()],
      );
      this.confirmed += 1;
      this.waiting.delete(f.sha256);
      if (this.lastError?.sha256 === f.sha256) this.lastError = undefined;
    } catch (err) {
      if (!refusedForThisFile(err) || this.stopped) throw err;
      const attempts = (this.waiting.get(f.sha256)?.attempts ?? 0) + 1;
      const now = this.opts.now();
      // Slower than the link's backoff: a refused file needs an operator more than a retry.
      const delay = Math.min(60 * 60_000, this.opts.maxBackoffMs * 2 ** Math.min(attempts - 1, 10));
      this.waiting.set(f.sha256, { until: now + delay, attempts });
      this.lastError = { code: err.code, message: err.message, at: now, sha256: f.sha256 };
      this.opts.log?.warn({ sha256: f.sha256, code: err.code, err: err.message, retryInMs: delay }, 'central refused a material file');
    }
  }

  /**
   * Deletions made here (retention, the hub's admin) go to central too, so no copy is left
   * there (issue 15, finding 12): oldest first, each recorded once central confirms it.
   */
  private async relayDeletions(): Promise<void> {
    for (;;) {
      const r = await this.db.query<{ sha256: string }>(
        `SELECT d.sha256 FROM material_deletions d
         WHERE d.hall = $1 AND d.reason <> 'upstream' AND NOT (d.sha256 = ANY($3::text[]))
           AND NOT EXISTS (SELECT 1 FROM upstream_material_deletions u WHERE u.upstream = $2 AND u.hall = d.hall AND u.sha256 = d.sha256)
         ORDER BY d.deleted_at, d.sha256 LIMIT $4`,
        [this.opts.hall, this.client.base, this.skipped().filter((k) => k.startsWith(DELETION)).map((k) => k.slice(DELETION.length)), PAGE],
      );
      if (!r.rows.length) return;
      for (const { sha256 } of r.rows) {
        if (this.stopped) throw new Stopped();
        try {
          await this.client.deleteMaterial(sha256);
          await this.db.query(
            'INSERT INTO upstream_material_deletions (upstream, hall, sha256, confirmed_at) VALUES ($1, $2, $3, $4) ON CONFLICT (upstream, hall, sha256) DO NOTHING',
            [this.client.base, this.opts.hall, sha256, this.opts.now()],
          );
        } catch (err) {
          if (!refusedForThisFile(err) || this.stopped) throw err;
          const key = DELETION + sha256;
          const attempts = (this.waiting.get(key)?.attempts ?? 0) + 1;
          const now = this.opts.now();
          this.waiting.set(key, { until: now + Math.min(60 * 60_000, this.opts.maxBackoffMs * 2 ** Math.min(attempts - 1, 10)), attempts });
          this.lastError = { code: err.code, message: err.message, at: now, sha256 };
          this.opts.log?.warn({ sha256, code: err.code, err: err.message }, 'central refused a material deletion');
        }
      }
    }
  }

  /** Announce the file and send the chunks central lacks: true once central holds the file. */
  private async send(f: FileRow): Promise<boolean> {
    const size = this.chunkBytes;
    const chunks = chunkCount(f.bytes, size);
    const a = await this.client.announceMaterial({ sha256: f.sha256, bytes: f.bytes, mime: f.mime, chunkBytes: size });
    if (a.complete) return true;
    const have = new Set(a.received);
    for (let i = 0; i < chunks; i++) {
      if (have.has(i)) continue;
      if (this.stopped) throw new Stopped();
      const length = i < chunks - 1 ? size : f.bytes - size * (chunks - 1);
      const data = await readBlobSlice(this.db, this.opts.hall, f.sha256, i * size, length);
      if (!data || data.byteLength !== length) throw new Error(`the hub's copy of ${f.sha256} went away or is short`);
      let r;
      try {
        r = await this.client.putMaterialChunk(f.sha256, i, data, sha256Hex(data));
      } catch (err) {
        // Central no longer has the upload (dropped meanwhile): announce it again.
        if (err instanceof UpstreamError && err.code === 'upload-unknown') return false;
        throw err;
      }
      this.chunksSent += 1;
      if (r.complete) return true;
    }
    return false;
  }

  private skipped(): string[] {
    const now = this.opts.now();
    const out: string[] = [];
    for (const [sha256, w] of this.waiting) if (w.until > now) out.push(sha256);
    return out;
  }

  private async filesToRelay(limit: number): Promise<FileRow[]> {
    const r = await this.db.query<{ sha256: string; bytes: number | string; mime: string }>(
      `SELECT b.sha256, b.bytes, b.mime FROM material_blobs b
       WHERE b.hall = $1 AND NOT (b.sha256 = ANY($3::text[]))
         AND NOT EXISTS (SELECT 1 FROM upstream_materials u WHERE u.upstream = $2 AND u.hall = b.hall AND u.sha256 = b.sha256)
       ORDER BY b.created_at, b.sha256 LIMIT $4`,
      [this.opts.hall, this.client.base, this.skipped(), limit],
    );
    return r.rows.map((x) => ({ sha256: x.sha256, bytes: Number(x.bytes), mime: x.mime }));
  }

  private async countPending(): Promise<number> {
    const r = await this.db.query<{ n: number | string }>(
      `SELECT count(*) AS n FROM material_blobs b
       WHERE b.hall = $1 AND NOT EXISTS (SELECT 1 FROM upstream_materials u WHERE u.upstream = $2 AND u.hall = b.hall AND u.sha256 = b.sha256)`,
      [this.opts.hall, this.client.base],
    );
    return Number(r.rows[0]?.n ?? 0);
  }
}
