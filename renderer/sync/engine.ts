/**
 * The terminal's sync engine: one per terminal, run by the window that holds the terminal's
 * sync lock (the others read the local database and follow over a BroadcastChannel).
 *
 * A round = push the outbox, then pull until caught up, against the first upstream that answers
 * (the one in use first, then the others by preference). After a good round the live socket is
 * opened to that upstream and a heartbeat round runs every `pollMs`; after a failed one the
 * next round waits a backoff with full jitter (0.5 s base, 30 s cap), as does reopening a
 * socket that closed. While on a fallback upstream, the better ones are probed on a backoff of
 * their own, and the engine goes back as soon as one answers.
 *
 * The server's `now` in every answer gives the clock offset; the local log stamps events with
 * terminal time + offset from the first contact on (terminals may be minutes off; the server
 * refuses events more than 5 minutes in its future).
 */
import type { HallEvent } from '../../shared/events/envelope';
import type { TerminalDatabase } from '../db/database';
import { Backoff } from './backoff';
import type { ChannelLike, FetchLike, LockProvider, Timers, WebSocketConstructor } from './env';
import { classify } from './errors';
import { inProcessLocks, leaderLockName } from './leader';
import { openLive, type LiveSocket } from './live';
import type { LocalLog, LogChange } from './local';
import { parseStored, pullAll, takeStartSet, type PullDeps } from './pull';
import { sweepHistory } from '../db/retention';
import { WORKING_WINDOW_MS } from '../../shared/sync/workingSet';
import { pushOutbox, type PushBlock, type PushDeps } from './push';
import { STALE_AFTER_MS, offlineStatus, sameStatus, syncState, type SyncStatus } from './status';
import { DEFAULT_TIMEOUT_MS, HttpError, SyncTransport, UnreachableError, type ClockSample } from './transport';
import { Upstreams } from './upstreams';
import type { LiveMessage } from '../../shared/sync/protocol';

/** A probe of a better upstream holds up the rounds behind it: keep it short. */
const PROBE_TIMEOUT_MS = 3_000;

export interface SyncEngineOptions {
  db: TerminalDatabase;
  local: LocalLog;
  /** Base URLs in order of preference: the hall hub first, then central. */
  upstreams: readonly string[];
  fetch: FetchLike;
  /** Without one, the engine polls every `pollMs` instead of listening. */
  WebSocket?: WebSocketConstructor;
  timers: Timers;
  /** Terminal wall clock (ms). */
  now: () => number;
  /** Uniform in [0, 1): the jitter. */
  random: () => number;
  /** `navigator.locks` (see leader.ts); default: an in-process lock. */
  locks?: LockProvider;
  /** A BroadcastChannel shared by this terminal's windows. */
  channel?: ChannelLike;
  /** Per request (10 s). */
  timeoutMs?: number;
  /** Events per push (≤ 500). */
  batchSize?: number;
  /** Events per pull page (≤ 1000). */
  pullLimit?: number;
  /** Heartbeat round while connected (15 s): keeps `lastContact` fresh, repairs missed live events. */
  pollMs?: number;
  /** Nothing heard for longer than this: 'stale' (30 s). */
  staleAfterMs?: number;
  /** How often the status is re-evaluated (5 s). */
  tickMs?: number;
  reconnect?: { baseMs?: number; capMs?: number };
  probe?: { baseMs?: number; capMs?: number };
  /** Problems worth a log line: invalid events from a server, unexpected errors. */
  onError?: (error: unknown, where: string) => void;
  onQuarantine?: (event: HallEvent, error: { status: number; code: string; message: string }) => void;
  /** How often older history leaves the local store after a round (1 h). */
  sweepEveryMs?: number;
  /** No sweep in this long after a start (60 s). */
  sweepDelayMs?: number;
}

/** Between the windows of one terminal: new events, and the leader's view of the world. */
type ChannelMessage =
  | { t: 'events'; events: HallEvent[] }
  | { t: 'status'; status: SyncStatus; clockOffset: number | null; caughtUpAt: number | null }
  | { t: 'status?' };

export class SyncEngine {
  readonly transport: SyncTransport;
  private readonly upstreams: Upstreams;
  private readonly o: SyncEngineOptions;
  private readonly pushDeps: PushDeps;
  private readonly pullDeps: PullDeps;
  private readonly reconnect: Backoff;
  private readonly probeBackoff: Backoff;

  private started = false;
  private leader = false;
  private connected = false;
  /** The upstream the current round is talking to. */
  private roundUp: string | null = null;
  private lastContact: number | null = null;
  /** The last contact stored before this start: far back means the terminal is far behind. */
  private contactAtStart: number | null = null;
  /** A round completed since this start: the screens are caught up (until then, 'syncing'). */
  private synced = false;
  /** A round failed since this start (the first contact is no longer just under way). */
  private failedOnce = false;
  /** Upstreams whose start set this session took (an empty hall has checkpoint 0 after it). */
  private readonly startedFrom = new Set<string>();
  private sweeping: Promise<void> | null = null;
  private sweepTimer: unknown = null;
  private lastSweep = 0;
  private startedAt = 0;
  private lastContactSaved = 0;
  private offset: number | null = null;
  private pending = 0;
  private quarantined = 0;
  private blocked: PushBlock | null = null;
  private authError: SyncStatus['authError'] = null;
  private followed: SyncStatus | null = null;
  private current: SyncStatus = offlineStatus();
  private readonly listeners = new Set<(s: SyncStatus) => void>();

  private socket: LiveSocket | null = null;
  private socketUpstream: string | null = null;
  private liveOpen = false;
  /** serverSeq in the socket's hello: every later event of the hall comes on the socket. */
  private liveBase: number | null = null;
  /** `upstream|hello serverSeq` of a live socket whose checkpoint reached its hello (issue 17). */
  private liveJoined: string | null = null;

  private roundTimer: unknown = null;
  private roundDue: number | null = null;
  private probeTimer: unknown = null;
  private tickTimer: unknown = null;

  private tail: Promise<unknown> = Promise.resolve();
  private queued: Promise<boolean> | null = null;
  private busy = 0;
  private release: (() => void) | null = null;
  private leaderSince: Promise<void>;
  private becameLeader: () => void = () => undefined;
  private unsubscribe: (() => void) | null = null;

  constructor(opts: SyncEngineOptions) {
    this.o = opts;
    this.upstreams = new Upstreams(opts.upstreams);
    this.transport = new SyncTransport({
      fetch: opts.fetch,
      timers: opts.timers,
      now: opts.now,
      token: () => opts.local.identity.token,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      onContact: (up, at) => {
        this.contact(at);
        this.onRoundContact(up);
      },
      onClock: (s) => this.clockSample(s),
    });
    const onError = opts.onError;
    this.pushDeps = {
      db: opts.db,
      transport: this.transport,
      now: opts.now,
      ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
      ...(opts.onQuarantine ? { onQuarantine: opts.onQuarantine } : {}),
    };
    this.pullDeps = {
      db: opts.db,
      local: opts.local,
      transport: this.transport,
      ...(opts.pullLimit !== undefined ? { limit: opts.pullLimit } : {}),
      onInvalid: (s, error) => onError?.(new Error(`serverSeq ${s}: ${error}`), 'pull'),
    };
    this.reconnect = new Backoff({ random: opts.random, ...opts.reconnect });
    this.probeBackoff = new Backoff({ random: opts.random, baseMs: 2_000, capMs: 60_000, ...opts.probe });
    this.leaderSince = new Promise((resolve) => (this.becameLeader = resolve));
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /**
   * Start: load what the status shows, then ask for the terminal's sync lock. Resolves at once;
   * `whenLeader()` resolves when this window holds the lock and syncs.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { db, local, channel } = this.o;
    this.lastContact = (await db.getMeta('lastContact')) ?? null;
    this.contactAtStart = this.lastContact;
    this.startedAt = this.o.now();
    this.lastSweep = (await db.getMeta('sweptAt')) ?? 0;
    this.lastContactSaved = this.lastContact ?? 0;
    const offset = await db.getMeta('clockOffset');
    this.offset = offset ?? null;
    await this.refreshCounts();
    this.unsubscribe = local.subscribe((c) => this.onLocalChange(c));
    if (channel) channel.onmessage = (ev) => this.onChannel(ev.data as ChannelMessage);
    this.post({ t: 'status?' }); // a leader, if any, answers with its status
    this.tick();
    const held = new Promise<void>((resolve) => (this.release = resolve));
    const locks = this.o.locks ?? inProcessLocks();
    void locks
      .request(leaderLockName(local.identity.terminalId), async () => {
        if (!this.started) return;
        this.leader = true;
        this.followed = null;
        this.becameLeader();
        this.notify();
        void this.syncNow();
        await held;
      })
      .catch((e: unknown) => this.report(e, 'lock'));
  }

  /** Stop syncing and give the lock to another window; waits for a round in progress. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const t of [this.roundTimer, this.probeTimer, this.tickTimer, this.sweepTimer]) if (t !== null) this.o.timers.clearTimeout(t);
    this.roundTimer = this.probeTimer = this.tickTimer = this.sweepTimer = null;
    this.roundDue = null;
    this.closeSocket();
    this.unsubscribe?.();
    if (this.o.channel) this.o.channel.onmessage = null;
    this.transport.abortAll();
    await this.idle();
    await this.sweeping;
    this.leader = false;
    this.connected = false;
    this.release?.();
  }

  whenLeader(): Promise<void> {
    return this.leaderSince;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Server time minus terminal time, from the last answer; null before any contact. */
  get clockOffset(): number | null {
    return this.offset;
  }

  /** The status now (re-evaluated on read: 'stale' depends on the clock). */
  get status(): SyncStatus {
    this.notify();
    return this.current;
  }

  /** Called with the new status after each change (and once now). Returns unsubscribe. */
  subscribe(listener: (s: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  /** No round, probe or live message is being processed right now. */
  get isIdle(): boolean {
    return this.busy === 0;
  }

  /** Resolves when no round or live message is being processed. */
  async idle(): Promise<void> {
    while (this.busy > 0) await this.tail.catch(() => undefined);
  }

  // --- rounds -------------------------------------------------------------------------------

  /** A round now (coalesced with one already waiting). True if an upstream answered. */
  syncNow(): Promise<boolean> {
    if (!this.leader || !this.started) return Promise.resolve(false);
    if (this.queued) return this.queued;
    const p = this.serial(() => {
      this.queued = null;
      return this.round();
    }, false);
    this.queued = p;
    return p;
  }

  /** A round soon, without waiting for it. */
  kick(): void {
    void this.syncNow();
  }

  /** Push and pull now, giving up waiting after `timeoutMs` (the round goes on). */
  async catchUp(timeoutMs: number): Promise<boolean> {
    if (!this.leader) return false;
    let timer: unknown = null;
    const timeout = new Promise<boolean>((resolve) => (timer = this.o.timers.setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.syncNow(), timeout]);
    } finally {
      this.o.timers.clearTimeout(timer);
    }
  }

  /**
   * A request to the upstream in use, for the coordinator (numbers, claims). Offline: fails
   * at once with UnreachableError('offline'). A failure to reach it starts a round (failover).
   */
  async ask<T>(request: (upstream: string) => Promise<T>): Promise<T> {
    const { state, upstream } = this.status;
    if (state === 'offline' || upstream === null) throw new UnreachableError('offline', 'no server is reachable');
    try {
      return await request(upstream);
    } catch (e) {
      if (classify(e) === 'unreachable') this.kick();
      throw e;
    }
  }

  /** Put quarantined events back in the outbox (after the cause is fixed) and push. */
  async retryQuarantined(): Promise<number> {
    const n = await this.o.db.releaseQuarantine(this.o.now());
    await this.refreshCounts();
    this.kick();
    return n;
  }

  /**
   * The upstream of a round answered: it is reachable now, whatever the backlog. Say so at once
   * (a kiosk must take server numbers again while a long outbox drains), and keep the pending
   * count current batch by batch.
   */
  private onRoundContact(up: string): void {
    if (up !== this.roundUp) return;
    if (!this.connected) {
      this.upstreams.succeeded(up);
      this.connected = true;
      this.notify();
    }
    if (this.pending > 0) void this.refreshCounts().catch((e: unknown) => this.report(e, 'counts'));
  }

  private async round(): Promise<boolean> {
    const { local } = this.o;
    for (const up of this.upstreams.candidates()) {
      if (!this.started) return false;
      this.roundUp = up;
      try {
        const pushed = await pushOutbox(this.pushDeps, up);
        if (await this.needsStartSet(up)) {
          await takeStartSet(this.pullDeps, up);
          this.startedFrom.add(up);
        }
        await pullAll(this.pullDeps, up);
        this.upstreams.succeeded(up);
        this.connected = true;
        this.authError = null;
        this.blocked = pushed.blocked;
        if (local.caughtUpAt === null) {
          await local.markCaughtUp(this.o.now());
          this.postStatus();
        }
        this.synced = true;
        await this.refreshCounts();
        if (!this.o.WebSocket) this.reconnect.reset();
        this.afterRound(true);
        this.maybeSweep();
        return true;
      } catch (e) {
        const kind = classify(e);
        if (kind === 'auth' && e instanceof HttpError) {
          this.authError = { code: e.code, message: e.message, ...(e.messageZh !== undefined ? { messageZh: e.messageZh } : {}) };
        } else if (kind !== 'unreachable') {
          this.report(e, `round ${up}`);
        }
        this.upstreams.failed(up);
        this.connected = false;
      } finally {
        this.roundUp = null;
      }
    }
    this.connected = false;
    this.failedOnce = true;
    await this.refreshCounts();
    this.afterRound(false);
    return false;
  }

  /**
   * Whether to start from the hall's working set rather than pull the log: a new terminal
   * (checkpoint 0 at this upstream), a store that never took one (an older install), or a
   * terminal whose last contact is older than the working window (far behind: the events in
   * between are past days' history, which the screens must not replay).
   */
  private async needsStartSet(up: string): Promise<boolean> {
    if (this.startedFrom.has(up)) return false;
    if ((await this.o.db.checkpoint(up)) === 0) return true;
    if ((await this.o.db.getMeta('workingSetAt')) === undefined) return true;
    return !this.synced && this.contactAtStart !== null && this.o.now() - this.contactAtStart > WORKING_WINDOW_MS;
  }

  /**
   * History older than the working set leaves this store (renderer/db/retention.ts), hourly
   * (across restarts), and never in the first minute after a start: a restarted kiosk's first
   * taps must not wait behind the sweep's transactions.
   */
  private maybeSweep(): void {
    const now = this.o.local.now();
    if (this.sweeping !== null || now - this.lastSweep < (this.o.sweepEveryMs ?? 60 * 60 * 1000)) return;
    if (this.o.now() - this.startedAt < (this.o.sweepDelayMs ?? 60_000)) {
      this.scheduleSweep();
      return;
    }
    this.lastSweep = now;
    this.sweeping = sweepHistory(this.o.db, this.o.local.state, now, () => !this.started)
      .then(() => undefined)
      .catch((e: unknown) => {
        if (this.started) this.report(e, 'sweep');
      })
      .finally(() => {
        this.sweeping = null;
      });
  }

  private scheduleSweep(): void {
    if (this.sweepTimer !== null || !this.started) return;
    const wait = Math.max(0, (this.o.sweepDelayMs ?? 60_000) - (this.o.now() - this.startedAt));
    this.sweepTimer = this.o.timers.setTimeout(() => {
      this.sweepTimer = null;
      if (this.started && this.leader) this.maybeSweep();
    }, wait);
  }

  private afterRound(ok: boolean): void {
    if (!this.started) return;
    if (ok) {
      this.ensureSocket();
      this.scheduleRound(this.o.pollMs ?? 15_000, true);
      this.scheduleProbe();
    } else {
      this.closeSocket();
      this.scheduleRound(this.reconnect.next(), true);
    }
    this.notify();
  }

  /** The next round in `ms`; an earlier one already planned stands unless `replace`. */
  private scheduleRound(ms: number, replace = false): void {
    const due = this.o.now() + ms;
    if (this.roundTimer !== null) {
      if (!replace && this.roundDue !== null && this.roundDue <= due) return;
      this.o.timers.clearTimeout(this.roundTimer);
    }
    this.roundDue = due;
    this.roundTimer = this.o.timers.setTimeout(() => {
      this.roundTimer = null;
      this.roundDue = null;
      this.kick();
    }, ms);
  }

  // --- going back to a better upstream ------------------------------------------------------

  private scheduleProbe(): void {
    if (this.upstreams.better().length === 0) {
      if (this.probeTimer !== null) this.o.timers.clearTimeout(this.probeTimer);
      this.probeTimer = null;
      this.probeBackoff.reset();
      return;
    }
    if (this.probeTimer !== null) return;
    this.probeTimer = this.o.timers.setTimeout(() => {
      this.probeTimer = null;
      void this.serial(() => this.probe(), undefined);
    }, this.probeBackoff.next());
  }

  /** Ask each better upstream for one event after our checkpoint; the first that answers wins. */
  private async probe(): Promise<void> {
    if (!this.started || !this.leader) return;
    for (const up of this.upstreams.better()) {
      try {
        await this.transport.pull(up, await this.o.db.checkpoint(up), 1, { timeoutMs: Math.min(this.o.timeoutMs ?? DEFAULT_TIMEOUT_MS, PROBE_TIMEOUT_MS) });
        this.upstreams.succeeded(up);
        this.probeBackoff.reset();
        this.closeSocket();
        this.kick();
        return;
      } catch {
        // still down
      }
    }
    this.scheduleProbe();
  }

  // --- live socket -----------------------------------------------------------------------------

  private ensureSocket(): void {
    const WS = this.o.WebSocket;
    const up = this.upstreams.current;
    if (!WS || !this.leader || !this.started || up === null) return;
    if (this.socket && this.socketUpstream === up) return;
    this.closeSocket();
    this.socketUpstream = up;
    const socket: LiveSocket = openLive(WS, this.transport.liveUrl(up), {
      onOpen: () => {
        if (this.socket !== socket) return;
        this.liveOpen = true;
        this.notify();
        this.kick(); // catch up on what happened while the socket was down
      },
      onMessage: (m) => {
        if (this.socket === socket) this.onLive(up, m);
      },
      onInvalid: (error) => this.report(new Error(error), `live ${up}`),
      onClose: () => {
        if (this.socket !== socket) return;
        this.socket = null;
        this.socketUpstream = null;
        this.liveOpen = false;
        this.liveBase = null;
        if (this.started && this.leader) this.scheduleRound(this.reconnect.next());
        this.notify();
      },
    }, () => this.transport.liveAuth());
    this.socket = socket;
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = null;
    this.socketUpstream = null;
    this.liveOpen = false;
    this.liveBase = null;
    s?.close();
  }

  private onLive(up: string, m: LiveMessage): void {
    if (m.t === 'error') {
      // The server refuses this terminal's socket (its token): the screens must say so.
      this.authError = { code: m.error, message: m.message };
      this.notify();
      return;
    }
    const at = this.o.now();
    this.contact(at);
    if (m.t === 'hello') {
      this.liveBase = m.serverSeq;
      this.reconnect.reset();
      this.clockSample({ upstream: up, serverNow: m.now, sentAt: at, receivedAt: at });
      void this.serial(async () => {
        if ((await this.o.db.checkpoint(up)) < m.serverSeq) this.kick();
      }, undefined);
      this.notify();
      return;
    }
    const base = this.liveBase;
    void this.serial(async () => {
      const events = parseStored(m.events, (s, error) => this.report(new Error(`serverSeq ${s}: ${error}`), `live ${up}`));
      const top = m.events.reduce((max, x) => Math.max(max, x.s), 0);
      // Every event after the hello's serverSeq comes on this socket, in order: once the
      // checkpoint has reached the hello's, the socket continues it. Before that, pull.
      // Checkpoints only move forward: once it reached this socket's hello, it stays there, so
      // later messages skip the read (a board's call waits for every database round trip).
      const joined = `${up}|${base}`;
      const contiguous = base !== null && (this.liveJoined === joined || (await this.o.db.checkpoint(up)) >= base);
      if (contiguous) this.liveJoined = joined;
      await this.o.local.receive(events, contiguous && top > 0 ? { upstream: up, serverSeq: top } : undefined);
      if (!contiguous) this.kick();
    }, undefined);
  }

  // --- status, clock, counts --------------------------------------------------------------------

  private contact(at: number): void {
    this.lastContact = at;
    if (at - this.lastContactSaved >= 10_000 || this.lastContactSaved === 0) {
      this.lastContactSaved = at;
      this.o.db.setMeta('lastContact', at).catch((e: unknown) => this.report(e, 'meta'));
    }
  }

  private clockSample(s: ClockSample): void {
    const offset = Math.round(s.serverNow - (s.sentAt + s.receivedAt) / 2);
    const before = this.offset;
    this.offset = offset;
    this.o.local.setClockOffset(offset);
    if (before === null || Math.abs(before - offset) > 1_000) {
      this.o.db.setMeta('clockOffset', offset).catch((e: unknown) => this.report(e, 'meta'));
      if (this.leader) this.postStatus();
    }
  }

  private async refreshCounts(): Promise<void> {
    const [pending, quarantined] = await Promise.all([this.o.db.outboxSize(), this.o.db.quarantineSize()]);
    this.pending = pending;
    this.quarantined = quarantined;
    this.notify();
  }

  private compute(): SyncStatus {
    if (!this.leader && this.followed) return { ...this.followed, leader: false };
    const connected = this.connected && this.leader;
    return {
      state: syncState({ connected, lastContact: this.lastContact, now: this.o.now(), staleAfterMs: this.o.staleAfterMs ?? STALE_AFTER_MS }),
      lastContact: this.lastContact,
      upstream: connected ? this.upstreams.current : null,
      pending: this.pending,
      quarantined: this.quarantined,
      live: this.liveOpen,
      leader: this.leader,
      blocked: this.blocked,
      authError: this.authError,
      // While not connected, or connected without the live socket it should have: when the
      // next attempt (round and socket) is due.
      nextAttemptAt: !connected || (this.o.WebSocket !== undefined && !this.liveOpen) ? this.roundDue : null,
      syncing: !this.synced,
      connecting: !this.synced && !this.failedOnce,
    };
  }

  private notify(): void {
    const next = this.compute();
    if (sameStatus(next, this.current)) return;
    this.current = next;
    if (this.leader) this.postStatus();
    for (const l of [...this.listeners]) {
      try {
        l(next);
      } catch (e) {
        this.report(e, 'status listener');
      }
    }
  }

  /** Re-evaluate the status every `tickMs` (so 'stale' shows without any event). */
  private tick(): void {
    if (!this.started) return;
    this.notify();
    this.tickTimer = this.o.timers.setTimeout(() => this.tick(), this.o.tickMs ?? 5_000);
  }

  // --- windows of the same terminal --------------------------------------------------------------

  private onLocalChange(c: LogChange): void {
    if (c.kind === 'authored') {
      this.post({ t: 'events', events: c.events });
      if (this.leader) {
        this.pending += c.events.length;
        this.notify();
        this.kick();
      }
    } else if (c.kind === 'received' && this.leader) {
      this.post({ t: 'events', events: c.events });
    }
  }

  private onChannel(m: ChannelMessage): void {
    if (!m || typeof m !== 'object') return;
    if (m.t === 'events' && Array.isArray(m.events)) {
      this.o.local.adopt(m.events);
      // Another window authored: its events are in the outbox; push them.
      if (this.leader && m.events.some((e) => e.origin === this.o.local.origin)) {
        void this.refreshCounts();
        this.kick();
      }
    } else if (m.t === 'status' && !this.leader) {
      this.followed = m.status;
      // The leader's server contact corrects this window's clock and vouches for catching up.
      if (m.clockOffset !== null) {
        this.offset = m.clockOffset;
        this.o.local.setClockOffset(m.clockOffset);
      }
      if (m.caughtUpAt !== null && this.o.local.caughtUpAt === null) void this.o.local.markCaughtUp(m.caughtUpAt).catch((e: unknown) => this.report(e, 'meta'));
      this.notify();
    } else if (m.t === 'status?' && this.leader) {
      this.postStatus();
    }
  }

  private postStatus(): void {
    this.post({ t: 'status', status: this.current, clockOffset: this.offset, caughtUpAt: this.o.local.caughtUpAt });
  }

  private post(m: ChannelMessage): void {
    try {
      this.o.channel?.postMessage(m);
    } catch (e) {
      this.report(e, 'channel');
    }
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** Rounds, probes and live messages run one at a time, in order; a failure is reported. */
  private serial<T>(task: () => Promise<T>, fallback: T): Promise<T> {
    this.busy += 1;
    const run = this.tail.then(task).catch((e: unknown) => {
      this.report(e, 'sync');
      return fallback;
    });
    this.tail = run.finally(() => {
      this.busy -= 1;
    });
    return run;
  }

  private report(e: unknown, where: string): void {
    this.o.onError?.(e, where);
  }
}
