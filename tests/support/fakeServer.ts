/**
 * An in-memory hallq server speaking the sync protocol (shared/sync/protocol.ts), for terminal
 * tests: a HallFold per hall and one array as the serverSeq log, behind a `fetch`-like
 * function and a fake WebSocket. Its admission rules follow server/store/events.ts (parse,
 * hall, origin and epoch, role, clock ahead, own window, contiguous seqs, replays).
 *
 * One extension the terminal asks the real server for (`recordRefusals`, on by default): an
 * event refused for good while it is the next of its origin (seq = held + 1) is recorded as
 * refused and counted in `held`, so the events after it are not blocked by seq-gap. Off, the
 * server behaves as server/ does today.
 *
 * A FakeNetwork routes requests by base URL to its servers, and can take a server down (fetch
 * fails, sockets close), make it hang (requests never answer), or lose answers.
 */
import { inWindow, workingSince } from '../../shared/sync/workingSet';
import { eventId, parseOrigin } from '../../shared/clock/origin';
import { hlcWall } from '../../shared/clock/hlc';
import { parseEvent, type HallEvent } from '../../shared/events/envelope';
import { HallFold } from '../../shared/fold/fold';
import { waitingForWindow } from '../../shared/queue/select';
import { localDate } from '../../shared/schedule/zone';
import { MAX_FUTURE_MS, PullQuerySchema, PushRequestSchema, NumberRequestSchema, ClaimRequestSchema, type LiveMessage, type Role } from '../../shared/sync/protocol';
import { mayAuthor } from '../../shared/sync/permissions';
import type { FetchInit, FetchLike, FetchResponseLike, Timers, WebSocketConstructor, WebSocketLike } from '../../renderer/sync/env';

export interface Account {
  token: string;
  terminalId: string;
  hall: string;
  role: Role;
  windowId?: string;
  epoch: number;
}

interface ErrorBody {
  error: string;
  message: string;
  messageZh?: string;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}

function refuse(status: number, error: string, message: string, messageZh?: string): never {
  throw new Refusal(status, { error, message, ...(messageZh ? { messageZh } : {}) });
}

export interface FakeServerOptions {
  now: () => number;
  /** serverSeq step between two stored events (> 1: as if other halls shared the sequence). */
  stride?: number;
  recordRefusals?: boolean;
  claimMs?: number;
  /** Central of a hall that has a hub: refuses numbers and claims (409 hub-coordinates), as server/ does. */
  hubCoordinates?: boolean;
  /** A server of an older version: no GET /api/sync/start (404), terminals pull from 0. */
  noStartRoute?: boolean;
}

export interface Reply {
  status: number;
  body: unknown;
}

export class FakeServer {
  /** The serverSeq log, all halls. */
  readonly log: Array<{ s: number; e: HallEvent }> = [];
  readonly folds = new Map<string, HallFold>();
  readonly accounts = new Map<string, Account>();
  /** Highest contiguous seq held (or refused for good) per origin. */
  readonly held = new Map<string, number>();
  /** origin:seq -> the refusal recorded for it. */
  readonly refused = new Map<string, Refusal>();
  /** "METHOD path" of every request that reached the server. */
  readonly requests: string[] = [];
  /** "METHOD path?query" of the same. */
  readonly urls: string[] = [];
  /** "terminalId METHOD path" of every authenticated request. */
  readonly calls: string[] = [];
  /** Make the server refuse particular events (besides its own rules). */
  refuseEvent: ((e: HallEvent) => (ErrorBody & { status: number }) | undefined) | undefined;
  private readonly numbers = new Map<string, number>();
  private readonly claims = new Map<string, { windowId: string; expiresAt: number }>();
  readonly sockets = new Set<FakeSocket>();
  private lastS = 0;

  constructor(
    readonly base: string,
    readonly o: FakeServerOptions,
  ) {}

  now(): number {
    return this.o.now();
  }

  fold(hall: string): HallFold {
    let f = this.folds.get(hall);
    if (!f) this.folds.set(hall, (f = new HallFold(hall)));
    return f;
  }

  enroll(account: Account): void {
    this.accounts.set(account.token, account);
  }

  /** Store events as if relayed (configuration authored elsewhere): no admission checks. */
  seed(events: readonly HallEvent[]): void {
    this.insert(events.filter((e) => !this.fold(e.hall).has(eventId(e))));
    for (const e of events) this.held.set(e.origin, Math.max(this.held.get(e.origin) ?? 0, e.seq));
  }

  /** The hall's events in serverSeq order. */
  events(hall: string): HallEvent[] {
    return this.log.filter((x) => x.e.hall === hall).map((x) => x.e);
  }

  topSeq(hall: string): number {
    let top = 0;
    for (const x of this.log) if (x.e.hall === hall) top = x.s;
    return top;
  }

  handle(method: string, url: string, headers: Record<string, string>, body: string | undefined): Reply {
    const u = new URL(url);
    this.requests.push(`${method} ${u.pathname}`);
    this.urls.push(`${method} ${u.pathname}${u.search}`);
    try {
      const who = this.auth(headers['authorization'] ?? headers['Authorization']);
      this.calls.push(`${who.terminalId} ${method} ${u.pathname}`);
      const json = body ? (JSON.parse(body) as unknown) : undefined;
      if (method === 'POST' && u.pathname === '/api/sync/push') return ok(this.push(who, json));
      if (method === 'GET' && u.pathname === '/api/sync/pull') return ok(this.pull(who, Object.fromEntries(u.searchParams)));
      if (method === 'GET' && u.pathname === '/api/sync/start' && !this.o.noStartRoute) return ok(this.start(who));
      if (method === 'POST' && u.pathname === '/api/numbers') return ok(this.number(who, json));
      if (method === 'POST' && u.pathname === '/api/claims') return ok(this.claim(who, json));
      return refuse(404, 'not-found', `${method} ${u.pathname}`);
    } catch (e) {
      if (e instanceof Refusal) return { status: e.status, body: e.body };
      throw e;
    }
  }

  private auth(header: string | undefined): Account {
    const token = header?.startsWith('Bearer ') ? header.slice(7) : '';
    const who = this.accounts.get(token);
    if (!who) refuse(401, 'unauthorized', 'unknown or revoked token', '终端未授权');
    return who;
  }

  private push(who: Account, json: unknown) {
    const req = PushRequestSchema.safeParse(json);
    if (!req.success) refuse(400, 'invalid-request', req.error.message);
    const events = req.data.events.map((raw, i) => this.admit(raw, who, i));
    const byOrigin = new Map<string, HallEvent[]>();
    for (const e of events) {
      const list = byOrigin.get(e.origin) ?? [];
      list.push(e);
      byOrigin.set(e.origin, list);
    }
    const fresh: HallEvent[] = [];
    let duplicates = 0;
    for (const [origin, list] of byOrigin) {
      list.sort((a, b) => a.seq - b.seq);
      const top = this.held.get(origin) ?? 0;
      let expect = top + 1;
      for (const e of list) {
        if (e.seq <= top) {
          const stored = this.fold(e.hall).get(e.origin, e.seq);
          if (!stored || JSON.stringify(stored) !== JSON.stringify(e)) refuse(409, 'event-conflict', `${eventId(e)} is already held with different content`);
          duplicates += 1;
          continue;
        }
        if (e.seq !== expect) refuse(409, 'seq-gap', `${origin}: the server holds up to seq ${top}; next must be ${top + 1}, got ${e.seq}`, '事件序号不连续');
        fresh.push(e);
        expect += 1;
      }
    }
    this.insert(fresh);
    const held: Record<string, number> = {};
    for (const [origin, list] of byOrigin) {
      const top = Math.max(this.held.get(origin) ?? 0, list[list.length - 1]!.seq);
      this.held.set(origin, top);
      held[origin] = top;
    }
    return { accepted: fresh.length, duplicates, held, serverSeq: this.topSeq(who.hall), now: this.now() };
  }

  /** server/store/events.ts `admit`, plus the recorded refusals. */
  private admit(raw: unknown, who: Account, index: number): HallEvent {
    const parsed = parseEvent(raw);
    if (!parsed.ok) return refuse(400, 'invalid-event', `event ${index}: ${parsed.error}`, `第 ${index} 条事件格式不正确`);
    const e = parsed.event;
    const id = eventId(e);
    const recorded = this.refused.get(id);
    if (recorded) throw recorded;
    try {
      const where = `event ${index} (${id} ${e.type})`;
      if (e.hall !== who.hall) refuse(403, 'wrong-hall', `${where} belongs to hall ${e.hall}`, '事件不属于本大厅');
      const o = parseOrigin(e.origin);
      if (o.terminalId !== who.terminalId || o.epoch !== who.epoch) refuse(403, 'not-your-origin', `${where} was not written by ${who.terminalId}~${who.epoch}`);
      if (!mayAuthor(who.role, e.type)) refuse(403, 'type-not-allowed', `${where}: a ${who.role} may not write ${e.type}`);
      const p = e.payload as { windowId?: string };
      if ((who.role === 'counter' || who.role === 'evaluator') && p.windowId !== undefined && p.windowId !== who.windowId) {
        refuse(403, 'other-window', `${where} is for window ${p.windowId}`, '不能操作其他窗口');
      }
      const custom = this.refuseEvent?.(e);
      if (custom) refuse(custom.status, custom.error, custom.message, custom.messageZh);
      if (hlcWall(e.hlc) > this.now() + MAX_FUTURE_MS) refuse(422, 'clock-ahead', `${where} is dated in the server's future`, '终端时钟超前，请校准时间');
    } catch (err) {
      if (err instanceof Refusal && this.o.recordRefusals !== false && err.body.error !== 'clock-ahead' && e.seq === (this.held.get(e.origin) ?? 0) + 1) {
        this.refused.set(id, err);
        this.held.set(e.origin, e.seq);
      }
      throw err;
    }
    return e;
  }

  private insert(events: readonly HallEvent[]): void {
    const step = this.o.stride ?? 1;
    const stored: Array<{ s: number; e: HallEvent }> = [];
    for (const e of [...events].sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0))) {
      this.lastS += step;
      const x = { s: this.lastS, e };
      this.log.push(x);
      stored.push(x);
      this.fold(e.hall).add(e);
    }
    const byHall = new Map<string, Array<{ s: number; e: HallEvent }>>();
    for (const x of stored) byHall.set(x.e.hall, [...(byHall.get(x.e.hall) ?? []), x]);
    for (const [hall, list] of byHall) for (const s of this.sockets) if (s.account?.hall === hall) s.deliver({ t: 'events', events: list });
  }

  private pull(who: Account, query: Record<string, string>) {
    const q = PullQuerySchema.safeParse(query);
    if (!q.success) refuse(400, 'invalid-request', q.error.message);
    const { after, limit } = q.data;
    const rows = this.log.filter((x) => x.e.hall === who.hall && x.s > after);
    const page = rows.slice(0, limit);
    return { events: page, last: page.length ? page[page.length - 1]!.s : after, more: rows.length > limit, now: this.now() };
  }

  /** The working set (shared/sync/workingSet.ts, without the rectification tickets) and the top. */
  private start(who: Account) {
    const since = workingSince(this.now());
    const rows = this.log.filter((x) => x.e.hall === who.hall);
    // An event that does not parse (a test's) goes along: the terminal must say so.
    return { events: rows.filter((x) => typeof x.e.hlc !== 'string' || inWindow(x.e, since)), last: rows.length ? rows[rows.length - 1]!.s : 0, since, now: this.now() };
  }

  private assertCoordinator(): void {
    if (this.o.hubCoordinates) refuse(409, 'hub-coordinates', 'this hall has a hub that coordinates numbers and calls; use offline rules until it is back', '本大厅由大厅服务器协调');
  }

  private number(who: Account, json: unknown) {
    this.assertCoordinator();
    if (who.role !== 'kiosk' && who.role !== 'counter') refuse(403, 'role-not-allowed', `a ${who.role} does not issue tickets`);
    const req = NumberRequestSchema.safeParse(json);
    if (!req.success) refuse(400, 'invalid-request', req.error.message);
    const state = this.fold(who.hall).state;
    const service = state.config.services.get(req.data.serviceId);
    if (!service) return refuse(400, 'unknown-service', `no service ${req.data.serviceId}`, '没有这项业务');
    const day = localDate(this.now(), state.config.schedule.timeZone);
    const key = `${who.hall}|${day}|${service.prefix}`;
    const seq = Math.max(this.numbers.get(key) ?? 0, state.series.get(`${day}|${service.prefix}`) ?? 0) + 1;
    this.numbers.set(key, seq);
    return { day, prefix: service.prefix, seq };
  }

  private claim(who: Account, json: unknown) {
    const req = ClaimRequestSchema.safeParse(json);
    if (!req.success) refuse(400, 'invalid-request', req.error.message);
    const windowId = req.data.windowId;
    if (who.role !== 'counter' || who.windowId !== windowId) refuse(403, 'other-window', `this terminal does not serve window ${windowId}`, '不能操作其他窗口');
    this.assertCoordinator();
    const now = this.now();
    const expiresAt = now + (this.o.claimMs ?? 30_000);
    for (const c of waitingForWindow(this.fold(who.hall).state, windowId, now)) {
      const held = this.claims.get(c.ticket.id);
      if (held && held.expiresAt > now && held.windowId !== windowId) continue;
      this.claims.set(c.ticket.id, { windowId, expiresAt });
      return { ticket: { id: c.ticket.id, number: c.ticket.number, serviceId: c.ticket.serviceId }, expiresAt };
    }
    return { ticket: null, expiresAt };
  }

  // --- live -------------------------------------------------------------------------------------

  /** The socket's first message carries the token (as server/http/routes/live.ts expects). */
  attach(socket: FakeSocket, auth: string): boolean {
    let token = '';
    try {
      const m = JSON.parse(auth) as { t?: unknown; token?: unknown };
      if (m.t === 'auth' && typeof m.token === 'string') token = m.token;
    } catch {
      // not the protocol: refused below
    }
    const who = this.accounts.get(token);
    if (!who) return false;
    socket.account = who;
    this.sockets.add(socket);
    return true;
  }

  hello(socket: FakeSocket): void {
    socket.deliver({ t: 'hello', serverSeq: this.topSeq(socket.account!.hall), now: this.now() });
  }

  /** Close every live socket (a network blip), the server staying up. */
  dropSockets(): void {
    for (const s of [...this.sockets]) s.serverClose();
  }
}

function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** Client end of a fake live socket: the shape of the DOM WebSocket the engine uses. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  account: Account | undefined;
  server: FakeServer | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly url: string,
    network: FakeNetwork,
  ) {
    network.sockets.push(this);
    this.later(() => {
      const u = new URL(url.replace(/^ws/, 'http'));
      const server = network.serverFor(u.href);
      if (!server || !network.isUp(server) || u.searchParams.has('token')) {
        this.readyState = 3;
        this.onerror?.({});
        this.onclose?.({ code: 1006 });
        return;
      }
      this.server = server;
      this.readyState = 1;
      this.onopen?.({});
    });
  }

  /** The terminal's first message authenticates the socket (then hello); anything else closes it. */
  send(data: string): void {
    this.later(() => {
      const server = this.server;
      if (this.readyState !== 1 || !server || this.account) return;
      if (!server.attach(this, data)) {
        this.readyState = 3;
        this.onclose?.({ code: 4001 });
        return;
      }
      server.hello(this);
    });
  }

  deliver(m: LiveMessage): void {
    const data = JSON.stringify(m);
    this.later(() => {
      if (this.readyState === 1) this.onmessage?.({ data });
    });
  }

  close(): void {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    this.server?.sockets.delete(this);
    this.later(() => {
      this.readyState = 3;
      this.onclose?.({ code: 1000 });
    });
  }

  serverClose(): void {
    if (this.readyState >= 2) return;
    this.server?.sockets.delete(this);
    this.readyState = 3;
    this.later(() => this.onclose?.({ code: 1006 }));
  }

  private later(fn: () => void): void {
    this.chain = this.chain.then(fn);
  }
}

/** Routes fetches and sockets to fake servers by base URL; breaks the network on demand. */
export class FakeNetwork {
  readonly servers: FakeServer[] = [];
  readonly sockets: FakeSocket[] = [];
  private readonly down = new Set<FakeServer>();
  private readonly hanging = new Set<FakeServer>();
  /** The server handles the request but the answer is lost. */
  private readonly loseAnswers = new Set<FakeServer>();
  /** Called as each request leaves the terminal (a test may break the network here). */
  beforeRequest: ((server: FakeServer, method: string, url: string) => void) | undefined;

  add(server: FakeServer): FakeServer {
    this.servers.push(server);
    return server;
  }

  serverFor(url: string): FakeServer | undefined {
    return this.servers.find((s) => url.startsWith(s.base + '/') || url === s.base);
  }

  isUp(s: FakeServer): boolean {
    return !this.down.has(s);
  }

  /** Unreachable: fetches fail, sockets close. */
  takeDown(s: FakeServer): void {
    this.down.add(s);
    s.dropSockets();
  }

  bringUp(s: FakeServer): void {
    this.down.delete(s);
    this.hanging.delete(s);
  }

  /** Requests reach nothing and never answer (until the client's timeout aborts them). */
  hang(s: FakeServer): void {
    this.hanging.add(s);
  }

  loseAnswersOf(s: FakeServer, lose = true): void {
    if (lose) this.loseAnswers.add(s);
    else this.loseAnswers.delete(s);
  }

  readonly fetch: FetchLike = async (url: string, init: FetchInit): Promise<FetchResponseLike> => {
    await Promise.resolve();
    const server = this.serverFor(url);
    if (server) this.beforeRequest?.(server, init.method, url);
    if (!server || this.down.has(server)) throw new TypeError('fetch failed');
    if (this.hanging.has(server)) {
      return new Promise((_, reject) => {
        if (init.signal.aborted) reject(new Error('aborted'));
        init.signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    }
    if (init.signal.aborted) throw new Error('aborted');
    const reply = server.handle(init.method, url, init.headers, init.body);
    if (this.loseAnswers.has(server)) throw new TypeError('connection reset');
    const text = JSON.stringify(reply.body);
    return { status: reply.status, ok: reply.status >= 200 && reply.status < 300, text: async () => text };
  };

  /** A WebSocket constructor bound to this network. */
  get WebSocket(): WebSocketConstructor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const network = this;
    return class extends FakeSocket {
      constructor(url: string) {
        super(url, network);
      }
    };
  }
}

/**
 * setTimeout/clearTimeout on a virtual clock: `advance` runs what falls due, in order, letting
 * the promises and IndexedDB work each one starts settle before the next.
 */
export class ManualTimers implements Timers {
  private tasks: Array<{ id: number; due: number; fn: () => void; ms: number }> = [];
  private ids = 0;

  constructor(
    private readonly clock: { t: number },
    private readonly settle: () => Promise<void> = flush,
  ) {}

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.tasks.push({ id, due: this.clock.t + Math.max(0, ms), fn, ms });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.tasks = this.tasks.filter((t) => t.id !== handle);
  }

  get pending(): ReadonlyArray<{ due: number; ms: number }> {
    return this.tasks;
  }

  async advance(ms: number): Promise<void> {
    const end = this.clock.t + ms;
    await this.settle();
    for (;;) {
      const next = this.tasks.filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.tasks = this.tasks.filter((t) => t !== next);
      this.clock.t = Math.max(this.clock.t, next.due);
      next.fn();
      await this.settle();
    }
    this.clock.t = end;
    await this.settle();
  }
}

/** Let pending promises and fake-indexeddb's setImmediate work run. */
export async function flush(turns = 30): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
