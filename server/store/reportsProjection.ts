/**
 * Keeping ticket_facts up with the log: once an ingest has committed, the tickets its events
 * touched are read off the hall's cached fold (caught up first) and upserted with the serverSeq
 * that fold has applied. The fold decides; this only copies its answer.
 *
 * Off the push's path: ingest only hands the events over. Per hall one projection runs at a
 * time; events arriving meanwhile are projected together by the next one. A report on this
 * instance waits for its hall's projection first (factsSettled), so it sees every push it saw.
 *
 * Touched = every ticket with a history step at or after the earliest new event. In the normal
 * case (events at the tail) that is exactly the tickets they changed, the one a call released
 * included; an event that sorts into the past re-projects everything the refold could move.
 * Tickets older than the cache holds are refolded from the database. If projecting fails, the
 * days are marked stale and the next report refolds them.
 */
import { hlcWall } from '../../shared/clock/hlc';
import type { TicketStep } from '../../shared/fold/state';
import { DEFAULT_TIME_ZONE } from '../../shared/schedule/config';
import { localDate } from '../../shared/schedule/zone';
import type { Db } from '../db/db';
import type { StoredEvent } from './events';
import type { HallCache } from './halls';
import { ticketFact, upsertFacts, type FactRow } from './reportsFacts';
import { markStale, rebuildDays } from './reportsRebuild';

/** What a projection needs of an event: where it sorts in the log and the ticket it names. */
interface Touch {
  wall: number;
  hlc: string;
  origin: string;
  seq: number;
  ticketId?: string;
}

interface HallQueue {
  pending: Touch[];
  now: number;
  /** Batches handed over, and batches projected (or marked stale). */
  added: number;
  done: number;
  waiters: Array<{ upTo: number; resolve: () => void }>;
}

interface Projector {
  cache: HallCache;
  log: (err: unknown) => void;
  halls: Map<string, HallQueue>;
}

// Per database, the servers running on it (tests run several on one PGlite). Ingest has only
// the Db in hand; any of them will do, their caches read the same log.
const projectors = new WeakMap<Db, Set<Projector>>();

/** Project ingested events with this cache (a server does this at start); returns the detach. */
export function attachFactsProjector(db: Db, cache: HallCache, log: (err: unknown) => void = () => {}): () => Promise<void> {
  let set = projectors.get(db);
  if (!set) projectors.set(db, (set = new Set()));
  const p: Projector = { cache, log, halls: new Map() };
  set.add(p);
  return async () => {
    set.delete(p);
    await settled(p);
  };
}

/** Called by ingest once its transaction committed: schedules the projection. Never throws. */
export async function projectIngested(db: Db, hall: string, inserted: readonly StoredEvent[], now: number): Promise<void> {
  if (!inserted.length) return;
  const touches = inserted.map(({ e }): Touch => {
    const id = (e.payload as { ticketId?: unknown }).ticketId;
    const t: Touch = { wall: hlcWall(e.hlc), hlc: e.hlc, origin: e.origin, seq: e.seq };
    if (typeof id === 'string') t.ticketId = id;
    return t;
  });
  const p: Projector | undefined = projectors.get(db)?.values().next().value;
  if (!p) {
    // No server here to project (a tool writing events): the next report refolds the days.
    await markStale(db, hall, daysOf(touches, DEFAULT_TIME_ZONE)).catch(() => {});
    return;
  }
  let q = p.halls.get(hall);
  const idle = !q;
  if (!q) p.halls.set(hall, (q = { pending: [], now, added: 0, done: 0, waiters: [] }));
  for (const t of touches) q.pending.push(t);
  q.now = Math.max(q.now, now);
  q.added += 1;
  if (idle) void drain(p, db, hall, q);
}

/** Wait until this instance has projected the events it ingested so far (for the hall, or all). */
export async function factsSettled(db: Db, hall?: string): Promise<void> {
  for (const p of projectors.get(db) ?? []) await settled(p, hall);
}

async function settled(p: Projector, hall?: string): Promise<void> {
  const queues = hall === undefined ? [...p.halls.values()] : [p.halls.get(hall)].filter((q) => q !== undefined);
  // Only what was handed over before now: a busy hall's later pushes do not hold a report up.
  await Promise.all(queues.map((q) => (q.done >= q.added ? undefined : new Promise<void>((resolve) => q.waiters.push({ upTo: q.added, resolve })))));
}

async function drain(p: Projector, db: Db, hall: string, q: HallQueue): Promise<void> {
  while (q.pending.length) {
    const touches = q.pending;
    const upTo = q.added;
    q.pending = [];
    let zone = DEFAULT_TIME_ZONE;
    try {
      await project(db, p.cache, hall, touches, q.now, (z) => (zone = z));
    } catch (err) {
      p.log(err);
      await markStale(db, hall, daysOf(touches, zone)).catch((again: unknown) => p.log(again));
    }
    q.done = upTo;
    for (const w of q.waiters) if (w.upTo <= upTo) w.resolve();
    q.waiters = q.waiters.filter((w) => w.upTo > upTo);
  }
  p.halls.delete(hall);
}

type Position = Pick<Touch, 'hlc' | 'origin' | 'seq'>;

/** The fold's order of the log (compareEvents): hlc, then origin, then seq. */
function logOrder(a: Position, b: Position): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;
  return a.seq - b.seq;
}

function daysOf(touches: readonly Touch[], zone: string): string[] {
  return [...new Set(touches.map((t) => localDate(t.wall, zone)))];
}

async function project(db: Db, cache: HallCache, hall: string, touches: readonly Touch[], now: number, onZone: (zone: string) => void): Promise<void> {
  let first = touches[0]!;
  for (const t of touches) if (logOrder(t, first) < 0) first = t;
  // A cache entry replaced meanwhile (a new day, a concurrent first load): take the new one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const fold = await cache.get(db, hall, now);
    // Read the seq and the state in this one tick: a later catch-up changes both.
    const seq = cache.appliedSeq(fold);
    if (seq === undefined) continue;
    const zone = fold.state.config.schedule.timeZone;
    onZone(zone);
    // A ticket's last step sorts at or after the first new event: the steps' times settle
    // nearly all; within the same millisecond, the event behind the step decides.
    const touched = (step: TicketStep) => {
      if (step.at !== first.wall) return step.at > first.wall;
      const e = fold.get(step.origin, step.seq);
      return e !== undefined && logOrder(e, first) >= 0;
    };
    const rows: FactRow[] = [];
    for (const t of fold.state.tickets.values()) {
      const last = t.history[t.history.length - 1];
      if (last && touched(last)) rows.push(ticketFact(fold, t));
    }
    const older = new Set<string>();
    for (const t of touches) if (t.ticketId !== undefined && !fold.state.tickets.has(t.ticketId)) older.add(localDate(t.wall, zone));
    await upsertFacts(db, hall, rows, seq);
    for (const day of [...older].sort()) await rebuildDays(db, hall, day, day, zone);
    return;
  }
  throw new Error(`the cache of hall ${hall} kept changing`);
}
