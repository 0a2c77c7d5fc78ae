/**
 * Refolding days of a hall from the event log into ticket_facts: the repair tool, the lazy
 * build of facts for events stored before the table existed, and the fallback for late events
 * whose tickets are older than the live cache holds.
 *
 * A ticket's events fall on its day (the queue resets daily), so days are folded a few at a
 * time rather than the hall's whole history at once: the events of the days, the next day
 * (a ticket left open is closed by the next call at its window), the window and staff events of
 * the day before (who is signed in), and configuration and bookings of all time.
 */
import { formatHlc, hlcWall } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import { HallFold } from '../../shared/fold/fold';
import { daysInRange } from '../../shared/reports/periods';
import { addDays, localDate, zonedTimeToUtc } from '../../shared/schedule/zone';
import type { Db, Queryable } from '../db/db';
import { ticketFact, upsertFacts, type FactRow } from './reportsFacts';

const WINDOW_TYPES = ['window.opened', 'window.paused', 'window.resumed', 'window.closed', 'staff.signedIn', 'staff.signedOut'];
const ALWAYS_TYPES = ['config.changed', 'notice.published', 'notice.withdrawn'];

/** Days refolded together: a few, so the fold (and its day snapshots) stays small. */
export const CHUNK_DAYS = 2;

/** The hall's time zone, from its configuration events (the live cache may not hold the hall). */
export async function hallTimeZone(q: Queryable, hall: string): Promise<string> {
  const r = await q.query<{ body: HallEvent }>(`SELECT body FROM events WHERE hall = $1 AND type = 'config.changed' ORDER BY server_seq`, [hall]);
  const fold = new HallFold(hall);
  fold.addMany(r.rows.map((x) => x.body));
  return fold.state.config.schedule.timeZone;
}

const hlcAt = (day: string, zone: string) => formatHlc({ wall: zonedTimeToUtc(day, 0, zone), count: 0 });

/** A fold of what decides the tickets of days from..to, and the serverSeq it has applied up to. */
export async function foldOfDays(q: Queryable, hall: string, from: string, to: string, zone: string): Promise<{ fold: HallFold; seq: number }> {
  // Every event up to `seq` is committed once `seq` is (ingest holds the hall's lock until
  // commit), so the fold below is exactly the hall's log up to `seq`, within the window.
  const top = await q.query<{ s: number | null }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [hall]);
  const seq = Number(top.rows[0]?.s ?? 0);
  // Disjoint parts, each on its own index.
  const r = await q.query<{ body: HallEvent }>(
    `SELECT body FROM events WHERE hall = $1 AND server_seq <= $2 AND hlc >= $3 AND hlc < $4
     UNION ALL
     SELECT body FROM events WHERE hall = $1 AND server_seq <= $2 AND hlc >= $5 AND hlc < $3 AND type = ANY($6::text[])
     UNION ALL
     SELECT body FROM events WHERE hall = $1 AND server_seq <= $2 AND hlc < $3 AND type = ANY($7::text[])
     UNION ALL
     SELECT body FROM events WHERE hall = $1 AND server_seq <= $2 AND hlc < $3 AND type = 'appointment.booked'
       AND (body->'payload'->>'day') BETWEEN $8 AND $9
     UNION ALL
     SELECT body FROM events WHERE hall = $1 AND server_seq <= $2 AND hlc < $3 AND type = 'appointment.cancelled'
       AND (body->'payload'->>'appointmentId') IN (
         SELECT body->'payload'->>'appointmentId' FROM events
         WHERE hall = $1 AND type = 'appointment.booked' AND (body->'payload'->>'day') BETWEEN $8 AND $9)`,
    [hall, seq, hlcAt(from, zone), hlcAt(addDays(to, 2), zone), hlcAt(addDays(from, -1), zone), WINDOW_TYPES, ALWAYS_TYPES, from, to],
  );
  const fold = new HallFold(hall, { maxSnapshots: 1 });
  fold.addMany(r.rows.map((x) => x.body));
  return { fold, seq };
}

export interface RebuildResult {
  tickets: number;
  days: number;
}

/**
 * Recompute the facts of days from..to from the log. Rows of those days that no fold produces
 * any more are removed, unless a fold further along wrote them.
 */
export async function rebuildDays(db: Db, hall: string, from: string, to: string, zone: string, chunkDays = CHUNK_DAYS): Promise<RebuildResult> {
  let tickets = 0;
  let days = 0;
  // A chunk's rows are written while the next chunk is read and folded.
  let writing: Promise<void> = Promise.resolve();
  for (let a = from; a <= to; a = addDays(a, chunkDays)) {
    const b = addDays(a, chunkDays - 1) < to ? addDays(a, chunkDays - 1) : to;
    const { fold, seq } = await foldOfDays(db, hall, a, b, zone);
    const rows: FactRow[] = [];
    for (const t of fold.state.tickets.values()) if (t.day >= a && t.day <= b) rows.push(ticketFact(fold, t));
    await writing;
    writing = writeDays(db, hall, a, b, rows, seq);
    // Its failure is reported where it is awaited, not as an unhandled rejection meanwhile.
    writing.catch(() => {});
    tickets += rows.length;
    days += daysInRange(a, b);
  }
  await writing;
  return { tickets, days };
}

async function writeDays(db: Db, hall: string, from: string, to: string, rows: FactRow[], seq: number): Promise<void> {
  await upsertFacts(db, hall, rows, seq);
  await db.query('DELETE FROM ticket_facts WHERE hall = $1 AND day BETWEEN $2 AND $3 AND fold_seq <= $4 AND NOT (ticket_id = ANY($5::text[]))', [
    hall,
    from,
    to,
    seq,
    rows.map((r) => r.ticketId),
  ]);
}

/**
 * Recompute the hall's facts from its whole log (or the days given): the repair tool. Days are
 * taken from the events' times in the hall's time zone.
 */
export async function rebuildFacts(db: Db, hall: string, opts: { from?: string; to?: string; chunkDays?: number } = {}): Promise<RebuildResult> {
  const zone = await hallTimeZone(db, hall);
  const span = await db.query<{ lo: string | null; hi: string | null }>('SELECT min(hlc) AS lo, max(hlc) AS hi FROM events WHERE hall = $1', [hall]);
  const { lo, hi } = span.rows[0] ?? { lo: null, hi: null };
  if (lo === null || hi === null) return { tickets: 0, days: 0 };
  const from = opts.from ?? localDate(hlcWall(lo), zone);
  const to = opts.to ?? localDate(hlcWall(hi), zone);
  const marks = await staleMarks(db, hall, from, to);
  const result = await rebuildDays(db, hall, from, to, zone, opts.chunkDays);
  await clearMarks(db, hall, marks);
  return result;
}

// --- stale days ------------------------------------------------------------------------------

/** Days to refold before a report reads them (a failed projection, or facts never built). */
export async function markStale(q: Queryable, hall: string, days: Iterable<string>): Promise<void> {
  const list = [...new Set(days)];
  if (!list.length) return;
  // marked_at only grows, so a refold that began before this mark does not clear it.
  await q.query(
    `INSERT INTO ticket_facts_stale (hall, day, marked_at) SELECT $1, d, $3 FROM unnest($2::text[]) AS d
     ON CONFLICT (hall, day) DO UPDATE SET marked_at = GREATEST(ticket_facts_stale.marked_at + 1, EXCLUDED.marked_at)`,
    [hall, list, Date.now()],
  );
}

type Marks = Array<{ day: string; marked_at: number }>;

async function staleMarks(q: Queryable, hall: string, from: string, to: string): Promise<Marks> {
  const r = await q.query<{ day: string; marked_at: number }>('SELECT day, marked_at FROM ticket_facts_stale WHERE hall = $1 AND day BETWEEN $2 AND $3 ORDER BY day', [hall, from, to]);
  return r.rows.map((x) => ({ day: x.day, marked_at: Number(x.marked_at) }));
}

async function clearMarks(q: Queryable, hall: string, marks: Marks): Promise<void> {
  if (!marks.length) return;
  await q.query('DELETE FROM ticket_facts_stale WHERE hall = $1 AND (day, marked_at) IN (SELECT * FROM unnest($2::text[], $3::bigint[]))', [
    hall,
    marks.map((m) => m.day),
    marks.map((m) => m.marked_at),
  ]);
}

/** Refold the stale days of from..to (consecutive days together); returns the days refolded. */
export async function refreshStaleFacts(db: Db, hall: string, from: string, to: string, zone: string): Promise<number> {
  const marks = await staleMarks(db, hall, from, to);
  if (!marks.length) return 0;
  let start = marks[0]!.day;
  let end = start;
  for (const m of [...marks.slice(1), undefined]) {
    if (m && m.day === addDays(end, 1)) {
      end = m.day;
      continue;
    }
    await rebuildDays(db, hall, start, end, zone);
    if (m) start = end = m.day;
  }
  await clearMarks(db, hall, marks);
  return marks.length;
}
