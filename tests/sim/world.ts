/**
 * One simulated hall: a server and kiosks, counters and evaluators, each with its own replica
 * (fold + durable log + outbox), its own skewed clock, and a network that partitions, delays,
 * duplicates and reorders. Terminals use the real core: decideIssue, nextForWindow, the fold.
 *
 * The server here is the coordinator the design calls for (sequential numbers, atomic claim of
 * "call next"), reduced to what convergence depends on; the real one is server/.
 */
import { HybridClock, makeOrigin, eventId } from '../../shared/clock';
import { authorEvent, compareEvents, type EventType, type HallEvent, type PayloadInput } from '../../shared/events';
import { HallFold, canonicalState, type HallState } from '../../shared/fold';
import { decideIssue, type NumberChoice } from '../../shared/actions';
import { nextForWindow } from '../../shared/queue';
import { localDate } from '../../shared/schedule';
import { PRIORITY_REASONS } from '../../shared/config';
import { demoConfig, HALL, TestTerminal } from '../support/hall';
import { Rng } from '../../scripts/sim/prng';

export interface WorldOptions {
  seed: number;
  kiosks: number;
  counters: number;
  steps: number;
  /** Per-step chance that a terminal's link flips (online <-> offline). */
  partition: number;
  /** Chance a message is delivered twice. */
  duplicate: number;
  /** Chance a terminal crashes in a step (restarts from its durable store). */
  crash: number;
  /** Clock skew bound (ms) for each terminal, +-. */
  skewMs: number;
}

interface Message {
  to: string; // 'server' or terminal id
  events: HallEvent[];
  deliverAt: number;
  /** For pushes: the outbox ids the server's answer acknowledges. */
  kind: 'push' | 'pull';
}

type Role = 'kiosk' | 'counter' | 'evaluator';

class Replica {
  fold: HallFold;
  /** Durable store: survives a crash (IndexedDB with strict durability, in the real thing). */
  durable: HallEvent[] = [];
  outbox = new Map<string, HallEvent>();
  checkpoint = 0;
  online = true;
  epoch = 1;
  seq = 0;
  clock: HybridClock;
  origin: string;

  constructor(
    readonly id: string,
    readonly role: Role,
    readonly skew: number,
    private readonly now: () => number,
    readonly windowId?: string,
    readonly series?: string,
  ) {
    this.origin = makeOrigin(id, this.epoch);
    this.clock = new HybridClock({ now: () => now() + skew });
    this.fold = new HallFold(HALL);
  }

  author<T extends EventType>(type: T, payload: PayloadInput<T>): HallEvent<T> {
    const e = authorEvent({ hall: HALL, origin: this.origin, clock: this.clock, nextSeq: () => ++this.seq }, type, payload) as HallEvent<T> & HallEvent;
    // Append + outbox in one transaction.
    this.durable.push(e);
    this.outbox.set(eventId(e), e);
    this.fold.add(e);
    return e;
  }

  receive(events: readonly HallEvent[]): void {
    const fresh = events.filter((e) => !this.fold.has(eventId(e)));
    if (fresh.length === 0) return;
    this.durable.push(...fresh);
    this.fold.addMany(fresh);
    let max = '';
    for (const e of fresh) if (e.hlc > max) max = e.hlc;
    this.clock.receive(max);
  }

  /** Process crash: memory gone, the durable store and outbox remain. */
  crash(): void {
    let last = '';
    for (const e of this.durable) if (e.origin === this.origin && e.hlc > last) last = e.hlc;
    this.clock = new HybridClock({ now: () => this.now() + this.skew, ...(last ? { last } : {}) });
    this.fold = new HallFold(HALL);
    this.fold.addMany(this.durable);
  }

  /** Database lost after everything was synced: a new epoch, restored from the server. */
  wipe(): void {
    this.epoch += 1;
    this.origin = makeOrigin(this.id, this.epoch);
    this.seq = 0;
    this.durable = [];
    this.outbox.clear();
    this.checkpoint = 0;
    this.fold = new HallFold(HALL);
    this.clock = new HybridClock({ now: () => this.now() + this.skew });
  }
}

export interface RunResult {
  converged: boolean;
  lostTickets: number;
  duplicateNumbers: number;
  doubleServed: number;
  doubleRated: number;
  /**
   * Issue 17: tickets whose citizen a window started serving while the fold sends them to
   * another window that never served them (the conflict rule must follow the citizen).
   */
  sentAway: number;
  events: number;
  tickets: number;
  conflicts: number;
  detail?: string;
  /** The server's log, in arrival order (for tests that refold it). */
  log: HallEvent[];
}

export function runWorld(o: WorldOptions): RunResult {
  const rng = new Rng(o.seed);
  // Monday 2026-11-23 09:10 Shanghai, plus a random offset so runs cover the day.
  let now = Date.parse('2026-11-23T01:10:00Z') + rng.int(0, 6 * 3600) * 1000;
  const clockNow = () => now;

  // --- server -----------------------------------------------------------------------------
  const server = { fold: new HallFold(HALL), log: [] as HallEvent[], numbers: new Map<string, number>(), clock: new HybridClock({ now: clockNow }) };
  const serverIngest = (events: readonly HallEvent[]) => {
    for (const e of events) {
      if (server.fold.has(eventId(e))) continue;
      server.fold.add(e);
      server.log.push(e); // serverSeq = index + 1
      server.clock.receive(e.hlc);
    }
  };
  const admin = new TestTerminal('admin-1', clockNow);
  serverIngest(demoConfig(admin));

  // --- terminals ----------------------------------------------------------------------------
  const skew = () => rng.int(-o.skewMs, o.skewMs);
  const replicas: Replica[] = [];
  const seriesLetters = ['K', 'L', 'M', 'N', 'P', 'Q'];
  for (let i = 0; i < o.kiosks; i++) {
    const id = `kiosk-${i + 1}`;
    const series = seriesLetters[i]!;
    serverIngest([admin.emit('config.changed', { kind: 'terminal', id, value: { id, role: 'kiosk', offlineSeries: series } })]);
    replicas.push(new Replica(id, 'kiosk', skew(), clockNow, undefined, series));
  }
  const windows = ['w1', 'w2', 'w4', 'w5', 'w3'];
  for (let i = 0; i < o.counters; i++) {
    const w = windows[i % windows.length]!;
    replicas.push(new Replica(`counter-${i + 1}`, 'counter', skew(), clockNow, w));
    replicas.push(new Replica(`evaluator-${i + 1}`, 'evaluator', skew(), clockNow, w));
  }
  const byId = new Map(replicas.map((r) => [r.id, r]));

  // --- network ------------------------------------------------------------------------------
  let inflight: Message[] = [];
  const send = (m: Message) => {
    inflight.push(m);
    if (rng.chance(o.duplicate)) inflight.push({ ...m, deliverAt: m.deliverAt + rng.int(0, 5000) });
  };
  const push = (r: Replica) => {
    if (!r.online || r.outbox.size === 0) return;
    send({ to: 'server', events: [...r.outbox.values()], deliverAt: now + rng.int(0, 8000), kind: 'push' });
  };
  const pull = (r: Replica) => {
    if (!r.online) return;
    const page = server.log.slice(r.checkpoint, r.checkpoint + 200);
    if (page.length === 0) return;
    send({ to: r.id, events: page, deliverAt: now + rng.int(0, 8000), kind: 'pull' });
  };
  const deliver = (m: Message) => {
    if (m.to === 'server') {
      serverIngest(m.events);
      // The answer: what the server now holds. Outbox rows go only after it arrives.
      const sender = byId.get(m.events[0]!.origin.split('~')[0]!);
      if (sender && sender.online) for (const e of m.events) if (server.fold.has(eventId(e))) sender.outbox.delete(eventId(e));
      return;
    }
    const r = byId.get(m.to)!;
    if (!r.online) return; // lost with the link; the checkpoint did not move
    r.receive(m.events);
    // Checkpoint by serverSeq of the page, never by clocks.
    const lastIdx = server.log.indexOf(m.events[m.events.length - 1]!);
    if (lastIdx + 1 > r.checkpoint && server.log.indexOf(m.events[0]!) <= r.checkpoint) r.checkpoint = lastIdx + 1;
  };
  const deliverDue = (all = false) => {
    // Reorder: deliver due messages in random order.
    const due = inflight.filter((m) => all || m.deliverAt <= now);
    inflight = inflight.filter((m) => !(all || m.deliverAt <= now));
    while (due.length) deliver(due.splice(rng.int(0, due.length - 1), 1)[0]!);
  };
  /** Online request-response to the coordinator: pull first so the terminal's clock is current. */
  const syncNow = (r: Replica) => {
    r.receive(server.log.slice(r.checkpoint));
    r.checkpoint = server.log.length;
  };

  // --- citizens ---------------------------------------------------------------------------
  const handed = new Set<string>(); // tickets a citizen holds
  const persons = Array.from({ length: 12 }, (_, i) => ({
    idHash: (i + 1).toString(16).padStart(64, '0'),
    idMasked: '110***********' + String(1000 + i),
    nameMasked: '张*',
    birthDate: i % 4 === 0 ? '1950-05-01' : '1990-05-01',
  }));
  const services = ['hukou', 'social', 'estate'];

  const kioskStep = (r: Replica) => {
    const serviceId = rng.pick(services);
    const card = serviceId === 'estate' || rng.chance(0.3) ? rng.pick(persons) : undefined;
    const ticketId = `${r.origin}:${r.seq + 1}`;
    const at = now + r.skew;
    let choice: NumberChoice;
    if (r.online) {
      syncNow(r);
      const prefix = server.fold.state.config.services.get(serviceId)!.prefix;
      const k = `${localDate(at, 'Asia/Shanghai')}|${prefix}`;
      // Allocation happens only for an accepted request; a gap on refusal is harmless.
      const seq = (server.numbers.get(k) ?? 0) + 1;
      server.numbers.set(k, seq);
      choice = { source: 'server', seq };
    } else {
      choice = { source: 'offline', series: r.series! };
    }
    const d = decideIssue(
      r.fold.state,
      { serviceId, channel: card ? 'idcard' : 'kiosk', now: at, ...(card ? { card } : {}), ...(rng.chance(0.1) ? { declared: rng.pick(PRIORITY_REASONS) } : {}) },
      choice,
      ticketId,
    );
    if (!d.ok) return;
    r.author('ticket.issued', d.payload);
    if (rng.chance(0.05)) {
      // Paper jam: the ticket is voided and the citizen gets an e-ticket instead.
      r.author('ticket.voided', { ticketId, reason: 'print-failed' });
      const again = decideIssue(r.fold.state, { serviceId, channel: 'kiosk', now: at, medium: 'e-ticket' }, r.online ? { source: 'server', seq: nextServerSeq(serviceId, at) } : { source: 'offline', series: r.series! }, `${r.origin}:${r.seq + 1}`);
      if (again.ok) {
        handed.add(`${r.origin}:${r.seq + 1}`);
        r.author('ticket.issued', again.payload);
      }
      return;
    }
    handed.add(ticketId);
  };
  const nextServerSeq = (serviceId: string, at: number) => {
    const prefix = server.fold.state.config.services.get(serviceId)!.prefix;
    const k = `${localDate(at, 'Asia/Shanghai')}|${prefix}`;
    const seq = (server.numbers.get(k) ?? 0) + 1;
    server.numbers.set(k, seq);
    return seq;
  };

  const counterStep = (r: Replica) => {
    const w = r.windowId!;
    const ws = r.fold.state.windows.get(w);
    if (!ws || ws.state === 'closed') {
      r.author('staff.signedIn', { windowId: w, staffId: rng.pick(['s1', 's2']) });
      return;
    }
    if (ws.state === 'paused') {
      if (rng.chance(0.5)) r.author('window.resumed', { windowId: w });
      return;
    }
    const cur = ws.currentTicketId ? r.fold.state.tickets.get(ws.currentTicketId) : undefined;
    if (cur && (cur.status === 'called' || cur.status === 'serving')) {
      const x = rng.next();
      if (cur.status === 'called' && x < 0.15) r.author('ticket.skipped', { ticketId: cur.id, windowId: w });
      else if (cur.status === 'called' && x < 0.25) r.author('ticket.recalled', { ticketId: cur.id, windowId: w });
      else if (cur.status === 'called' && x < 0.6) r.author('ticket.started', { ticketId: cur.id, windowId: w });
      else if (x < 0.65) r.author('ticket.transferred', { ticketId: cur.id, windowId: w, toServiceId: rng.pick(['hukou', 'social']) });
      else r.author('ticket.finished', { ticketId: cur.id, windowId: w, outcome: rng.chance(0.9) ? 'done' : rng.pick(['not-done', 'needs-material'] as const) });
      return;
    }
    if (rng.chance(0.03)) {
      r.author('window.paused', { windowId: w, reason: '临时离开' });
      return;
    }
    const at = now + r.skew;
    if (r.online) {
      // Atomic claim: the server picks from its own view and records the call in one step.
      syncNow(r);
      const t = nextForWindow(server.fold.state, w, at);
      if (!t) return;
      const e = r.author('ticket.called', { ticketId: t.id, windowId: w, claim: 'server' });
      serverIngest([e]);
      r.outbox.delete(eventId(e));
    } else {
      const t = nextForWindow(r.fold.state, w, at);
      if (t) r.author('ticket.called', { ticketId: t.id, windowId: w, claim: 'local' });
    }
    // A no-show who comes back asks the kiosk to put the ticket back.
    const skipped = [...r.fold.state.tickets.values()].find((t) => t.status === 'skipped' && t.windowId === w && t.requeues === 0);
    if (skipped && rng.chance(0.3)) r.author('ticket.requeued', { ticketId: skipped.id, windowId: w });
  };

  const evaluatorStep = (r: Replica) => {
    const ws = r.fold.state.windows.get(r.windowId!);
    const t = ws?.lastFinishedTicketId ? r.fold.state.tickets.get(ws.lastFinishedTicketId) : undefined;
    if (!t || (t.rating && t.rating.level !== null)) return;
    if (rng.chance(0.15)) {
      if (!t.rating) r.author('evaluation.recorded', { ticketId: t.id, windowId: r.windowId!, level: null, source: 'timeout' });
      return;
    }
    r.author('evaluation.recorded', { ticketId: t.id, windowId: r.windowId!, level: rng.pick([1, 2, 3, 4, 5, 5, 5, 4] as const), source: 'pad' });
  };

  // --- the day ------------------------------------------------------------------------------
  for (let step = 0; step < o.steps; step++) {
    now += rng.int(1000, 20_000);
    const r = rng.pick(replicas);
    if (rng.chance(o.partition)) r.online = !r.online;
    if (rng.chance(o.crash)) {
      if (r.outbox.size === 0 && r.online && rng.chance(0.2)) {
        r.wipe();
        syncNow(r); // re-enrol: restored from the server before it serves again
      } else {
        r.crash();
      }
    }
    if (r.role === 'kiosk') kioskStep(r);
    else if (r.role === 'counter') counterStep(r);
    else evaluatorStep(r);
    if (rng.chance(0.5)) push(rng.pick(replicas));
    if (rng.chance(0.5)) pull(rng.pick(replicas));
    deliverDue();
  }

  // --- heal: everyone online, everything delivered ---------------------------------------
  for (const r of replicas) r.online = true;
  deliverDue(true);
  for (let round = 0; round < 5; round++) {
    for (const r of replicas) {
      serverIngest([...r.outbox.values()]);
      r.outbox.clear();
    }
    for (const r of replicas) syncNow(r);
  }

  // --- judge ----------------------------------------------------------------------------
  const reference = canonicalState(server.fold.state);
  const diverged = replicas.filter((r) => canonicalState(r.fold.state) !== reference).map((r) => r.id);
  // The server fold grew incrementally with rewinds; a fresh fold of its sorted log must agree.
  const fresh = new HallFold(HALL);
  fresh.addMany([...server.log].sort(compareEvents));
  if (canonicalState(fresh.state) !== reference) diverged.push('server-vs-fresh-fold');

  const s = server.fold.state;
  const lostTickets = [...handed].filter((id) => {
    const t = s.tickets.get(id);
    return !t || t.status === 'voided';
  }).length;
  const byNumber = new Map<string, number>();
  for (const t of s.tickets.values()) byNumber.set(`${t.day}|${t.number}`, (byNumber.get(`${t.day}|${t.number}`) ?? 0) + 1);
  const duplicateNumbers = [...byNumber.values()].reduce((n, c) => n + (c > 1 ? c - 1 : 0), 0);
  const { doubleServed, doubleRated } = auditServiceAndRatings(s, server.log);
  return {
    converged: diverged.length === 0,
    lostTickets,
    duplicateNumbers,
    doubleServed,
    doubleRated,
    sentAway: auditSentAway(s),
    events: server.log.length,
    tickets: s.tickets.size,
    conflicts: s.notes.filter((n) => n.code === 'call-superseded').length,
    log: server.log,
    ...(diverged.length ? { detail: `diverged: ${diverged.join(', ')}` } : {}),
  };
}

/**
 * The conflict rule that follows the citizen (issue 17): a window started serving a ticket while
 * the window holding it had only called it (or marked it a no-show), and the holder never served
 * it. Each such ticket is a citizen the board sends to a window they are not sitting at.
 */
export function auditSentAway(s: HallState): number {
  let n = 0;
  for (const t of s.tickets.values()) {
    const holder = t.windowId;
    if (holder === undefined) continue;
    const servedByHolder = t.history.some((h) => h.windowId === holder && h.ignored === undefined && (h.type === 'ticket.started' || h.type === 'ticket.finished'));
    if (servedByHolder) continue;
    const startedElsewhere = t.history.some((h) => h.type === 'ticket.started' && h.windowId !== holder && h.ignored !== undefined && /^(called|skipped) at /.test(h.ignored) && h.ignored.endsWith(` at ${holder}`));
    if (startedElsewhere) n += 1;
  }
  return n;
}

/**
 * Independent of the fold's own bookkeeping: from the log and the fold's notes, count finishes
 * and real ratings that took effect per ticket. More than one of either is a broken promise.
 */
function auditServiceAndRatings(s: HallState, log: readonly HallEvent[]): { doubleServed: number; doubleRated: number } {
  const refused = new Set(s.notes.map((n) => n.eventId));
  const finishes = new Map<string, number>();
  const ratings = new Map<string, number>();
  for (const e of log) {
    if (refused.has(eventId(e))) continue;
    if (e.type === 'ticket.finished') finishes.set(e.payload.ticketId, (finishes.get(e.payload.ticketId) ?? 0) + 1);
    if (e.type === 'evaluation.recorded' && e.payload.level !== null) ratings.set(e.payload.ticketId, (ratings.get(e.payload.ticketId) ?? 0) + 1);
  }
  for (const t of s.tickets.values()) {
    const implicit = t.history.filter((h) => h.implicit && h.type === 'ticket.finished').length;
    if (implicit) finishes.set(t.id, (finishes.get(t.id) ?? 0) + implicit);
  }
  return {
    doubleServed: [...finishes.values()].filter((n) => n > 1).length,
    doubleRated: [...ratings.values()].filter((n) => n > 1).length,
  };
}
