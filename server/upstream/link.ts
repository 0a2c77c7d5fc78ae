/**
 * Hub mode: a hall server that replicates its hall with an upstream (the central server) both
 * ways, by the protocol terminals use.
 *
 * - Pull: pages of the upstream's log after a checkpoint (an upstream serverSeq, kept in the
 *   hub's database), inserted idempotently into the local log by the same ingest as a push
 *   (events keep their origin and seq; origins.held stays right).
 * - Push: every local event the upstream lacks, per origin in seq order, found by comparing the
 *   local version vector (origins.held) with the upstream's (GET /api/sync/held, then kept up to
 *   date from push answers and pulled events).
 * - Triggers: the upstream's live socket (new events there -> pull), LISTEN on the local events
 *   channel (new events here -> push), a periodic full sync as a safety net, and retries with
 *   exponential backoff and jitter while the upstream is unreachable. The socket reconnects
 *   with backoff and jitter too; each (re)connection starts with a full sync.
 *
 * One sync runs at a time; requests that arrive meanwhile are merged into the next round.
 * The hub keeps serving its terminals whatever the link's state: everything is in its database.
 *
 * The hall's material files (issue 8) go to the upstream in a loop of their own (MaterialRelay,
 * ./materials.ts), kicked after each successful sync: a file never holds up the events.
 */
import WebSocket from 'ws';
import { MAX_PUSH_EVENTS } from '../../shared/sync/protocol';
import { lockHall, type Db } from '../db/db';
import { RequestError } from '../http/errors';
import { EVENTS_CHANNEL, heldVector, ingest, type Principal } from '../store/events';
import { serverOrigin } from '../store/serverAuthor';
import { markRelayed, terminalsToRelay } from '../store/terminals';
import { UpstreamClient, UpstreamError } from './client';
import { MaterialRelay, type MaterialRelayStatus } from './materials';
import { advanceServerOrigin, eventsToPush, loadCheckpoint, owed, saveCheckpoint, type Checkpoint } from './store';

export interface UpstreamOptions {
  /** The central server's base URL. */
  url: string;
  /** A token of a terminal of role 'hub' enrolled for this hall at the central server. */
  token: string;
  /** The hall this hub serves (the token's hall at central). */
  hall: string;
  /** Safety-net full sync period. */
  pollMs?: number;
  /** Backoff between failed attempts (syncs and socket reconnects): from min, doubling, up to max. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
  /** Ping the live socket this often; no pong by the next ping and it is dropped and reopened. */
  pingMs?: number;
}

/**
 * - connecting: not reached the upstream yet since start
 * - live: the last sync succeeded and the live socket is open
 * - polling: the last sync succeeded, the live socket is down (reconnecting)
 * - offline: the upstream is unreachable (network, timeout, 5xx); retrying with backoff
 * - refused: the upstream (or this hub) refused what was sent: see lastError; an operator should look
 * - stopped: the server is shutting down
 */
export type UpstreamState = 'connecting' | 'live' | 'polling' | 'offline' | 'refused' | 'stopped';

export interface UpstreamStatus {
  state: UpstreamState;
  /** Last time the upstream answered (ms since epoch), or null. */
  lastContact: number | null;
  /** Local events of the hall the upstream is not known to hold yet. */
  pendingPush: number;
  /** Since when the link is in this state. */
  since: number;
  /** The upstream serverSeq pulled up to. */
  pulledAfter: number;
  lastError?: { code: string; message: string; at: number };
  /** The relay of the hall's material files to the upstream (its own loop and backoff). */
  materials: MaterialRelayStatus;
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

interface Wants {
  held: boolean;
  pull: boolean;
  push: boolean;
}

const NONE: Wants = { held: false, pull: false, push: false };
const ALL: Wants = { held: true, pull: true, push: true };

export class UpstreamLink {
  private readonly client: UpstreamClient;
  private readonly abort = new AbortController();
  private readonly hall: string;
  /** This hub's own server origin for the hall (see advanceServerOrigin). */
  private readonly ownOrigin: string;
  private readonly pollMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly pingMs: number;
  /** Who the pulled events are ingested as: the hub relays every kind, each still validated. */
  private readonly relay: Principal;
  /** Sends the hall's material files to the upstream. */
  readonly materials: MaterialRelay;

  private checkpoint: Checkpoint = { pulledAfter: 0, upstreamHeld: {} };
  private heldFresh = false;
  private wants: Wants = { ...NONE };
  private running: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAttempt = 0;
  private pollTimer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  private ws: WebSocket | undefined;
  private wsLive = false;
  private wsTimer: NodeJS.Timeout | undefined;
  private wsAttempt = 0;
  private pingTimer: NodeJS.Timeout | undefined;

  private stopped = false;
  private failure: 'unreachable' | 'refused' | undefined;
  private lastContact: number | null = null;
  private lastError: UpstreamStatus['lastError'];
  private pending = 0;
  private state: UpstreamState = 'connecting';
  private since: number;

  constructor(
    private readonly db: Db,
    opts: UpstreamOptions,
    private readonly deps: { serverId: string; now: () => number; log?: Logger },
  ) {
    this.hall = opts.hall;
    this.ownOrigin = serverOrigin(deps.serverId, opts.hall);
    this.pollMs = opts.pollMs ?? 30_000;
    this.minBackoffMs = opts.minBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.pingMs = opts.pingMs ?? 25_000;
    this.client = new UpstreamClient({ url: opts.url, token: opts.token, timeoutMs: opts.requestTimeoutMs ?? 15_000, signal: this.abort.signal });
    this.relay = { hall: opts.hall, terminalId: 'upstream', role: 'hub', epoch: 0 };
    this.materials = new MaterialRelay(db, this.client, {
      hall: opts.hall,
      pollMs: this.pollMs,
      minBackoffMs: this.minBackoffMs,
      maxBackoffMs: this.maxBackoffMs,
      now: deps.now,
      ...(deps.log ? { log: deps.log } : {}),
    });
    this.since = deps.now();
  }

  async start(): Promise<void> {
    this.checkpoint = await loadCheckpoint(this.db, this.client.base, this.hall);
    this.pending = owed(await heldVector(this.db, this.hall), this.checkpoint.upstreamHeld);
    this.unlisten = await this.db.listen(EVENTS_CHANNEL, (hall) => {
      if (hall === this.hall) this.onLocalEvents();
    });
    this.pollTimer = setInterval(() => this.request(ALL), this.pollMs);
    this.pollTimer.unref();
    this.connectLive();
    this.request(ALL);
    await this.materials.start();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.wsTimer);
    clearInterval(this.pingTimer);
    // The relay stops taking work first, so the aborted requests below do not look like failures.
    const materialsStopped = this.materials.stop();
    this.abort.abort();
    this.ws?.terminate();
    this.ws = undefined;
    this.wsLive = false;
    await this.unlisten?.().catch(() => {});
    // Let a sync in flight finish its database work before the database is closed.
    await this.running?.catch(() => {});
    await materialsStopped;
    this.touch();
  }

  status(): UpstreamStatus {
    return {
      state: this.state,
      lastContact: this.lastContact,
      pendingPush: this.pending,
      since: this.since,
      pulledAfter: this.checkpoint.pulledAfter,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      materials: this.materials.status(),
    };
  }

  /** Run a full sync now (skipping any backoff) and wait until the link is idle. */
  async syncNow(): Promise<UpstreamStatus> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.request(ALL);
    while (this.running) await this.running;
    return this.status();
  }

  // ---- scheduling -------------------------------------------------------------------------

  private request(w: Partial<Wants>): void {
    if (this.stopped) return;
    this.wants = { held: this.wants.held || !!w.held, pull: this.wants.pull || !!w.pull, push: this.wants.push || !!w.push };
    // Backing off after a failure: the retry will do it (with everything asked meanwhile).
    if (this.retryTimer || this.running) return;
    this.running = this.run()
      .catch((err: unknown) => this.deps.log?.warn({ err }, 'upstream sync failed unexpectedly'))
      .finally(() => {
        this.running = undefined;
        const w2 = this.wants;
        if (!this.stopped && !this.retryTimer && (w2.held || w2.pull || w2.push)) this.request(NONE);
      });
  }

  private async run(): Promise<void> {
    while (!this.stopped && (this.wants.held || this.wants.pull || this.wants.push)) {
      const w = this.wants;
      this.wants = { ...NONE };
      try {
        if (w.held || !this.heldFresh) await this.refreshHeld();
        if (w.pull) await this.pullAll();
        await this.pushAll();
        await this.relayTerminals();
        this.failure = undefined;
        this.retryAttempt = 0;
        this.touch();
        // Central answered: files that waited for it (or just arrived with their events) go now.
        this.materials.kick(true);
      } catch (err) {
        if (this.stopped) return;
        this.fail(err);
        return;
      }
    }
  }

  private fail(err: unknown): void {
    const e =
      err instanceof UpstreamError
        ? err
        : err instanceof RequestError
          ? // The hub's own ingest refused an event from upstream: it will refuse it again.
            new UpstreamError('refused', err.code, `an event pulled from the upstream was refused here: ${err.message}`)
          : new UpstreamError('unreachable', 'hub-error', `the hub failed while syncing: ${(err as Error).message ?? String(err)}`);
    this.failure = e.kind;
    this.lastError = { code: e.code, message: e.message, at: this.deps.now() };
    // Whatever we believed central holds may be stale (a restore, a failed push): ask again.
    this.heldFresh = false;
    this.wants = { ...ALL };
    this.retryAttempt += 1;
    const delay = this.backoff(this.retryAttempt);
    const wasState = this.state;
    this.touch();
    if (this.state !== wasState || this.retryAttempt === 1) {
      this.deps.log?.warn({ upstream: this.client.base, code: e.code, err: e.message, retryInMs: delay }, `upstream ${this.state}`);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.request(NONE);
    }, delay);
    this.retryTimer.unref();
  }

  /** Exponential backoff, "equal jitter": half fixed, half random, so many hubs do not retry in step. */
  private backoff(attempt: number): number {
    const base = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(attempt - 1, 20));
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }

  private onLocalEvents(): void {
    if (this.retryTimer) {
      // Offline: do not hammer the upstream, but keep the count of what is owed honest.
      void heldVector(this.db, this.hall)
        .then((local) => {
          this.pending = owed(local, this.checkpoint.upstreamHeld);
        })
        .catch(() => {});
      this.wants.push = true;
      return;
    }
    this.request({ push: true });
  }

  private contact(): void {
    this.lastContact = this.deps.now();
  }

  private touch(): void {
    const state: UpstreamState = this.stopped
      ? 'stopped'
      : this.failure === 'refused'
        ? 'refused'
        : this.failure === 'unreachable'
          ? 'offline'
          : this.lastContact === null
            ? 'connecting'
            : this.wsLive
              ? 'live'
              : 'polling';
    if (state !== this.state) {
      const from = this.state;
      this.state = state;
      this.since = this.deps.now();
      if (state === 'live' || state === 'polling') this.deps.log?.info({ upstream: this.client.base, from }, `upstream ${state}`);
    }
  }

  // ---- the three sync steps ---------------------------------------------------------------

  /** Register at central the terminals enrolled (or revoked) here since central last heard. */
  private async relayTerminals(): Promise<void> {
    for (const t of await terminalsToRelay(this.db, this.hall)) {
      const { updatedAt, ...registration } = t;
      try {
        await this.client.registerTerminal(registration);
      } catch (err) {
        // Central refusing one registration must not stall the hall's replication: log it.
        if (!(err instanceof UpstreamError) || err.kind !== 'refused') throw err;
        this.deps.log?.warn({ terminal: t.id, code: err.code, err: err.message }, 'central refused a terminal registration');
      }
      await markRelayed(this.db, this.hall, t.id, updatedAt);
    }
  }

  private async refreshHeld(): Promise<void> {
    const held = await this.client.held();
    this.contact();
    // The answer is the truth now (it may be lower than we thought if central was restored).
    this.checkpoint.upstreamHeld = { ...held };
    this.heldFresh = true;
  }

  private async pullAll(): Promise<void> {
    for (;;) {
      const page = await this.client.pull(this.checkpoint.pulledAfter);
      this.contact();
      if (page.events.length) {
        const events = page.events.map((x) => x.e);
        await ingest(this.db, this.relay, events, this.deps.now());
        let own = 0;
        for (const raw of events) {
          const e = raw as { origin: string; seq: number };
          // Central holds every event it serves, and each origin contiguously up to it.
          this.checkpoint.upstreamHeld[e.origin] = Math.max(this.checkpoint.upstreamHeld[e.origin] ?? 0, e.seq);
          if (e.origin === this.ownOrigin) own = Math.max(own, e.seq);
        }
        if (own) {
          await this.db.tx(async (q) => {
            await lockHall(q, this.hall);
            await advanceServerOrigin(q, this.ownOrigin, own);
          });
        }
      }
      this.checkpoint.pulledAfter = page.last;
      await saveCheckpoint(this.db, this.client.base, this.hall, this.checkpoint, this.deps.now());
      if (!page.more) return;
    }
  }

  private async pushAll(): Promise<void> {
    let gapRetried = false;
    for (;;) {
      const local = await heldVector(this.db, this.hall);
      this.pending = owed(local, this.checkpoint.upstreamHeld);
      if (this.pending === 0) return;
      const batch = await eventsToPush(this.db, local, this.checkpoint.upstreamHeld, MAX_PUSH_EVENTS);
      if (!batch.length) return;
      try {
        const r = await this.client.push(batch);
        this.contact();
        for (const [origin, held] of Object.entries(r.held)) this.checkpoint.upstreamHeld[origin] = held;
        if (owed(local, this.checkpoint.upstreamHeld) >= this.pending) {
          throw new UpstreamError('refused', 'no-progress', 'the upstream accepted a push but does not hold more than before');
        }
      } catch (err) {
        // Our idea of what central holds was wrong (it lost events, or another path filled it):
        // ask once and go on from its answer.
        if (err instanceof UpstreamError && err.code === 'seq-gap' && !gapRetried) {
          gapRetried = true;
          await this.refreshHeld();
          continue;
        }
        throw err;
      }
      await saveCheckpoint(this.db, this.client.base, this.hall, this.checkpoint, this.deps.now());
    }
  }

  // ---- live socket ------------------------------------------------------------------------

  private connectLive(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.client.liveUrl(), {
      headers: { authorization: this.client.authHeader() },
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    let alive = true;
    ws.on('open', () => {
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (ws.readyState !== WebSocket.OPEN) return;
        if (!alive) {
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, this.pingMs);
      this.pingTimer.unref();
    });
    ws.on('pong', () => {
      alive = true;
      this.contact();
    });
    ws.on('message', (data) => {
      alive = true;
      this.contact();
      let msg: { t?: unknown; error?: unknown; message?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return;
      }
      if (msg.t === 'hello') {
        this.wsLive = true;
        this.wsAttempt = 0;
        // The upstream is back: skip whatever backoff is pending and catch up both ways.
        if (this.retryTimer) {
          clearTimeout(this.retryTimer);
          this.retryTimer = undefined;
        }
        this.request(ALL);
        this.touch();
      } else if (msg.t === 'events') {
        this.request({ pull: true });
      } else if (msg.t === 'error') {
        this.lastError = { code: String(msg.error), message: `live socket: ${String(msg.message)}`, at: this.deps.now() };
      }
    });
    ws.on('error', () => {
      // 'close' follows; the reconnect is scheduled there.
    });
    ws.on('close', () => {
      if (this.ws === ws) this.ws = undefined;
      clearInterval(this.pingTimer);
      const wasLive = this.wsLive;
      this.wsLive = false;
      this.touch();
      if (this.stopped) return;
      // Find out at once whether central itself is gone (health then says offline, not polling).
      if (wasLive) this.request({ held: true });
      this.wsAttempt += 1;
      this.wsTimer = setTimeout(() => this.connectLive(), this.backoff(this.wsAttempt));
      this.wsTimer.unref();
    });
  }
}
