/**
 * A hall on the REAL server for sync integration tests: the server started in-process on a
 * fresh database (PGlite or PostgreSQL), configured through the admin API, and terminals that
 * each run the real renderer sync (`openTerminal`: Dexie over a fake-indexeddb factory of their
 * own, the `ws` WebSocket, Node's fetch, real timers with small intervals), each reaching the
 * server through a FaultProxy of its own.
 *
 * A terminal can be closed and reopened on the same IndexedDB (a restart); the server can be
 * killed (its connections dropped mid-request) and started again on the same database.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import WebSocket from 'ws';
import { TerminalDatabase, type TerminalIdentity } from '../../renderer/db/database';
import type { FetchInit, WebSocketConstructor } from '../../renderer/sync/env';
import { openTerminal, type Terminal } from '../../renderer/sync/terminal';
import type { SyncEngineOptions } from '../../renderer/sync/engine';
import type { CallOutcome, IssueOutcome } from '../../renderer/sync/coordinator';
import { parseEvent, type HallEvent } from '../../shared/events/envelope';
import type { EventType, PayloadInput } from '../../shared/events/payloads';
import { canonicalState } from '../../shared/fold/canonical';
import { HallFold } from '../../shared/fold/fold';
import type { HallState, TicketState } from '../../shared/fold/state';
import type { Role } from '../../shared/sync/protocol';
import { FaultProxy } from './faultProxy';
import { call, enrollTerminal, freshDb, startServer, type DbKind, type RunningServer, type TestDb } from './server';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `cond` every 20 ms until it holds; fail after `timeoutMs` with `what` (and its detail). */
export async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, detail?: () => unknown): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) {
      const d = detail ? `\n${JSON.stringify(await detail(), null, 1)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${d}`);
    }
    await sleep(20);
  }
}

/** The hall every test runs in: open around the clock, so tests pass at any hour. */
export const SERVICES = [
  { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } },
  { id: 'social', prefix: 'B', name: { zh: '社保医保', en: 'Social insurance' } },
];
export const WINDOWS = [
  { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }, { serviceId: 'social' }] },
  { id: 'w2', label: '2', services: [{ serviceId: 'hukou' }, { serviceId: 'social' }] },
];
const ALL_DAY = [{ from: '00:00', to: '24:00', mode: 'open' }];
export const SCHEDULE = {
  timeZone: 'Asia/Shanghai',
  weekly: { sun: ALL_DAY, mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY },
  cutoffMinutes: 0,
};

export interface RealTerminalSpec {
  id: string;
  role: Role;
  windowId?: string;
  /** A kiosk's offline series letter (configured through the admin API). */
  offlineSeries?: string;
  /** Engine options over the test defaults (small intervals). */
  engine?: Partial<Omit<SyncEngineOptions, 'db' | 'local' | 'upstreams' | 'fetch' | 'timers' | 'now' | 'random'>>;
  coordinatorTimeoutMs?: number;
  /** Terminal clock minus true time (the engine corrects it with the server's). */
  skewMs?: number;
}

/** Engine settings for tests: everything in milliseconds rather than seconds. */
export const TEST_ENGINE: Partial<SyncEngineOptions> = {
  timeoutMs: 4_000,
  pollMs: 1_000,
  tickMs: 100,
  reconnect: { baseMs: 50, capMs: 300 },
  probe: { baseMs: 100, capMs: 500 },
};

/** A request as a terminal made it: method, path and query. */
export interface Sent {
  method: string;
  path: string;
  after?: number;
}

export class RealTerminal {
  readonly idb = new IDBFactory();
  readonly sent: Sent[] = [];
  readonly errors: Array<{ where: string; error: string }> = [];
  /** Tickets the coordinator reported issued (ok: true). */
  readonly issued: Array<{ ticketId: string; number: string; offline: boolean }> = [];
  /** Runs before each request (may wait: a gate); honours the request's abort signal. */
  beforeFetch: ((s: Sent) => Promise<void> | void) | undefined;
  private t: Terminal | null = null;

  constructor(
    readonly spec: RealTerminalSpec,
    readonly identity: TerminalIdentity,
    readonly proxy: FaultProxy,
  ) {}

  get dexie() {
    return { indexedDB: this.idb, IDBKeyRange };
  }

  get open(): boolean {
    return this.t !== null;
  }

  get terminal(): Terminal {
    if (!this.t) throw new Error(`${this.spec.id} is closed`);
    return this.t;
  }
  get engine() {
    return this.terminal.engine;
  }
  get local() {
    return this.terminal.local;
  }
  get coordinator() {
    return this.terminal.coordinator;
  }
  get db() {
    return this.terminal.db;
  }
  get origin(): string {
    return `${this.identity.terminalId}~${this.identity.epoch}`;
  }
  get upstream(): string {
    return this.proxy.url;
  }

  /** Write the identity (first time) and open the terminal on its IndexedDB. */
  async start(): Promise<this> {
    if (this.t) return this;
    const db = new TerminalDatabase(this.spec.id, { dexie: this.dexie });
    if (!(await db.getIdentity())) await db.setIdentity(this.identity);
    db.close();
    this.t = await openTerminal({
      terminalId: this.spec.id,
      dexie: this.dexie,
      upstreams: [this.proxy.url],
      fetch: (url, init) => this.fetch(url, init),
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      timers: { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
      now: this.spec.skewMs ? () => Date.now() + this.spec.skewMs! : Date.now,
      random: Math.random,
      onError: (e, where) => this.errors.push({ where, error: e instanceof Error ? e.message : String(e) }),
      ...(this.spec.coordinatorTimeoutMs !== undefined ? { coordinatorTimeoutMs: this.spec.coordinatorTimeoutMs } : {}),
      ...TEST_ENGINE,
      ...this.spec.engine,
    });
    await this.t.engine.whenLeader();
    return this;
  }

  /** Stop and close, as a shutdown or a crash between transactions would. */
  async close(): Promise<void> {
    const t = this.t;
    this.t = null;
    await t?.close();
  }

  /** The terminal's database opened on its own (the terminal closed): outbox, checkpoint. */
  async inspect<T>(fn: (db: TerminalDatabase) => Promise<T>): Promise<T> {
    const db = new TerminalDatabase(this.spec.id, { dexie: this.dexie });
    try {
      return await fn(db);
    } finally {
      db.close();
    }
  }

  async issue(serviceId = 'hukou'): Promise<IssueOutcome> {
    const r = await this.coordinator.issueTicket({ serviceId, channel: 'kiosk' });
    if (r.ok) this.issued.push({ ticketId: r.ticket.id, number: r.ticket.number, offline: r.offline });
    return r;
  }

  callNext(): Promise<CallOutcome> {
    return this.coordinator.callNext(this.identity.windowId!);
  }

  author<T extends EventType>(type: T, payload: PayloadInput<T>): Promise<HallEvent<T>> {
    return this.local.author(type, payload);
  }

  ticketByNumber(n: string): TicketState | undefined {
    return [...this.local.state.tickets.values()].find((t) => t.number === n);
  }

  private async fetch(url: string, init: FetchInit) {
    const u = new URL(url);
    const after = u.searchParams.get('after');
    const s: Sent = { method: init.method, path: u.pathname, ...(after !== null ? { after: Number(after) } : {}) };
    this.sent.push(s);
    const hook = this.beforeFetch;
    if (hook) {
      const aborted = new Promise<never>((_, reject) => {
        if (init.signal.aborted) reject(new Error('aborted'));
        init.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
      aborted.catch(() => undefined);
      await Promise.race([hook(s), aborted]);
    }
    return fetch(url, init);
  }
}

export class RealHall {
  readonly terminals: RealTerminal[] = [];

  private constructor(
    readonly kind: DbKind,
    readonly tdb: TestDb,
    public server: RunningServer,
  ) {}

  /** A fresh database, the server on it, and the hall configured through the admin API. */
  static async start(kind: DbKind): Promise<RealHall> {
    const tdb = await freshDb(kind);
    const server = await startServer(tdb.db);
    const hall = new RealHall(kind, tdb, server);
    await hall.config('schedule', 'hall', SCHEDULE);
    for (const s of SERVICES) await hall.config('service', s.id, s);
    for (const w of WINDOWS) await hall.config('window', w.id, w);
    await hall.config('staff', 's1', { id: 's1', name: '王芳', post: '综合受理' });
    await hall.config('staff', 's2', { id: 's2', name: '李强', post: '综合受理' });
    return hall;
  }

  get hallId(): string {
    return this.server.hall;
  }

  async config(kind: string, id: string, value: unknown): Promise<void> {
    const r = await call(this.server.url, 'PUT', '/api/admin/config', { token: this.server.adminToken, body: { kind, id, value } });
    if (r.status !== 200) throw new Error(`config ${kind}/${id}: ${r.status} ${JSON.stringify(r.body)}`);
  }

  /** Enroll a terminal (and configure it), give it a proxy of its own, open it and wait for its first sync. */
  async terminal(spec: RealTerminalSpec, opts: { start?: boolean } = {}): Promise<RealTerminal> {
    const e = await this.enroll(spec);
    const identity: TerminalIdentity = {
      terminalId: spec.id,
      hall: e.terminal.hall,
      role: spec.role,
      ...(spec.windowId ? { windowId: spec.windowId } : {}),
      token: e.token,
      epoch: e.epoch,
    };
    const proxy = await new FaultProxy(this.port).start();
    const t = new RealTerminal(spec, identity, proxy);
    this.terminals.push(t);
    if (opts.start !== false) {
      await t.start();
      await waitUntil(`${spec.id} to sync once and listen live`, () => t.local.caughtUpAt !== null && t.engine.status.state === 'online' && t.engine.status.live, 10_000);
    }
    return t;
  }

  /** Enroll a terminal through the admin API and configure it (offline series). */
  async enroll(spec: Pick<RealTerminalSpec, 'id' | 'role' | 'windowId' | 'offlineSeries'>) {
    const e = await enrollTerminal(this.server, spec.id, spec.role, spec.windowId);
    await this.config('terminal', spec.id, { id: spec.id, role: spec.role, ...(spec.windowId ? { windowId: spec.windowId } : {}), ...(spec.offlineSeries ? { offlineSeries: spec.offlineSeries } : {}) });
    return e;
  }

  get port(): number {
    return Number(new URL(this.server.url).port);
  }

  /**
   * Take the server away, the database stays. 'crash': every connection dropped at once
   * (requests in flight lose their answers, whether or not they committed), then stopped;
   * 'shutdown': the graceful stop of SIGTERM (requests in flight are finished and answered).
   */
  async killServer(how: 'crash' | 'shutdown' = 'crash'): Promise<void> {
    const s = this.server;
    if (how === 'crash') s.server.app.server.closeAllConnections();
    await s.stop();
  }

  /** A new server on the same database (a new port); every proxy now leads there. */
  async restartServer(): Promise<void> {
    this.server = await startServer(this.tdb.db);
    for (const t of this.terminals) t.proxy.retarget(this.port);
  }

  /** The hall's whole log on the server, pulled page by page with the admin token. */
  async serverLog(): Promise<HallEvent[]> {
    const out: HallEvent[] = [];
    let after = 0;
    for (;;) {
      const r = await call(this.server.url, 'GET', `/api/sync/pull?after=${after}&limit=1000`, { token: this.server.adminToken });
      if (r.status !== 200) throw new Error(`pull: ${r.status} ${JSON.stringify(r.body)}`);
      for (const { e } of r.body.events as Array<{ e: unknown }>) {
        const p = parseEvent(e);
        if (!p.ok) throw new Error(`the server holds an event that does not parse: ${p.error}`);
        out.push(p.event);
      }
      if (!r.body.more) return out;
      after = r.body.last;
    }
  }

  /** The server's top serverSeq for the hall. */
  async serverTop(): Promise<number> {
    const r = await this.tdb.db.query<{ s: number | null }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [this.hallId]);
    return Number(r.rows[0]?.s ?? 0);
  }

  /** The state a fold of the server's whole log gives. */
  async serverState(): Promise<HallState> {
    const fold = new HallFold(this.hallId);
    fold.addMany(await this.serverLog());
    return fold.state;
  }

  /**
   * Wait until every open terminal is online, idle, with an empty outbox and quarantine, and
   * folds to the same canonical state as the server's whole log. Returns the server's state.
   */
  async settle(timeoutMs = 15_000): Promise<HallState> {
    let server: HallState | undefined;
    let serverCanon = '';
    const open = () => this.terminals.filter((t) => t.open);
    await waitUntil(
      'every replica to converge with the server',
      async () => {
        if (!open().every((t) => t.engine.isIdle && t.engine.status.state === 'online' && t.engine.status.pending === 0 && t.engine.status.quarantined === 0)) return false;
        server = await this.serverState();
        serverCanon = canonicalState(server);
        return open().every((t) => canonicalState(t.local.state) === serverCanon);
      },
      timeoutMs,
      async () => {
        const serverLog = await this.serverLog();
        return open().map((t) => ({
          id: t.spec.id,
          status: t.engine.status,
          idle: t.engine.isIdle,
          tickets: [...t.local.state.tickets.values()].map((x) => `${x.number}:${x.status}`).sort().join(' '),
          sameAsServer: canonicalState(t.local.state) === serverCanon,
          serverEvents: serverLog.length,
          errors: t.errors.slice(-5),
        }));
      },
    );
    return server!;
  }

  /**
   * The end of every fault test: everything converged, and the hall's invariants hold on the
   * server's fold: every ticket a kiosk reported issued is there, no number twice in a day,
   * no ticket served at two windows.
   */
  async assertConverged(timeoutMs = 15_000): Promise<HallState> {
    const state = await this.settle(timeoutMs);
    for (const t of this.terminals) {
      for (const x of t.issued) {
        const held = state.tickets.get(x.ticketId);
        if (!held) throw new Error(`${t.spec.id} issued ${x.number} (${x.ticketId}) but the server does not have it`);
        if (held.number !== x.number) throw new Error(`${t.spec.id} issued ${x.ticketId} as ${x.number}, the server says ${held.number}`);
      }
    }
    const dupes = duplicateNumbers(state);
    if (dupes.length) throw new Error(`numbers given twice: ${dupes.join(', ')}`);
    const twice = servedTwice(state);
    if (twice.length) throw new Error(`tickets served at two windows: ${twice.join(', ')}`);
    const r = await this.tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT origin, seq FROM events GROUP BY origin, seq HAVING count(*) > 1) d');
    if (Number(r.rows[0]!.n) !== 0) throw new Error('the server stored an event twice');
    return state;
  }

  async close(): Promise<void> {
    for (const t of this.terminals) await t.close().catch(() => undefined);
    for (const t of this.terminals) await t.proxy.stop().catch(() => undefined);
    await this.server.stop().catch(() => undefined);
    await this.tdb.drop().catch(() => undefined);
  }
}

/** `day|number` of every number held by two tickets. */
export function duplicateNumbers(s: HallState): string[] {
  const seen = new Map<string, number>();
  for (const t of s.tickets.values()) seen.set(`${t.day}|${t.number}`, (seen.get(`${t.day}|${t.number}`) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

/** Tickets whose effective (not ignored) calls, starts or finishes name more than one window. */
export function servedTwice(s: HallState): string[] {
  const out: string[] = [];
  for (const t of s.tickets.values()) {
    const windows = new Set(
      t.history.filter((h) => !h.ignored && ['ticket.called', 'ticket.started', 'ticket.finished'].includes(h.type)).map((h) => h.windowId),
    );
    if (windows.size > 1) out.push(`${t.number} (${[...windows].join(', ')})`);
  }
  return out;
}

export const numbersOf = (s: HallState): string[] => [...s.tickets.values()].map((t) => t.number).sort();
