/**
 * The start set of a hall: its working set (shared/sync/workingSet.ts) read from the log in
 * one go, with the serverSeq a terminal pulls after. A new terminal (or one far behind) folds
 * it once and paints the hall as it is now, never a replay of past days.
 *
 * Consistency: the top serverSeq is read first and every query is bounded by it; ingest commits
 * a hall's events under its lock in serverSeq order, so nothing at or below the top can still
 * appear later, and pulling after it misses nothing. Quiet device events stay out, as in pull.
 */
import { formatHlc } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import { PINNED_TYPES, RECTIFY_HORIZON_MS, workingSince } from '../../shared/sync/workingSet';
import type { Queryable } from '../db/db';
import type { StoredEvent } from './events';

export interface StartSet {
  events: StoredEvent[];
  last: number;
  since: string;
}

/** Types that belong to a ticket (payload.ticketId). */
const TICKET_TYPES = [
  'ticket.issued',
  'ticket.called',
  'ticket.recalled',
  'ticket.skipped',
  'ticket.requeued',
  'ticket.started',
  'ticket.finished',
  'ticket.transferred',
  'ticket.cancelled',
  'ticket.voided',
  'evaluation.recorded',
  'material.attached',
  'material.removed',
];

export async function startSet(q: Queryable, hall: string, now: number): Promise<StartSet> {
  const since = workingSince(now);
  const horizon = formatHlc({ wall: now - RECTIFY_HORIZON_MS, count: 0 });
  const top = await q.query<{ s: string | number | null }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [hall]);
  const last = Number(top.rows[0]?.s ?? 0);
  if (last === 0) return { events: [], last, since };

  // The working set proper: everything since the window opened, pinned types of all time. Two
  // queries, each on its index ((hall, hlc) and (hall, type)): an OR of both reads the year.
  const recent = await q.query<{ s: string | number; body: HallEvent }>(
    'SELECT server_seq AS s, body FROM events WHERE hall = $1 AND hlc >= $3 AND server_seq <= $2 AND NOT quiet',
    [hall, last, since],
  );
  const pinned = await q.query<{ s: string | number; body: HallEvent }>(
    'SELECT server_seq AS s, body FROM events WHERE hall = $1 AND type = ANY($4::text[]) AND hlc < $3 AND server_seq <= $2 AND NOT quiet',
    [hall, last, since, [...PINNED_TYPES]],
  );
  const main = { rows: [...recent.rows, ...pinned.rows] };

  // Tickets with a rectification item opened within the horizon, before the window.
  const items = await q.query<{ ticket: string }>(
    `SELECT DISTINCT body->'payload'->>'ticketId' AS ticket FROM events
      WHERE hall = $1 AND server_seq <= $2 AND hlc >= $3 AND hlc < $4
        AND ((type = 'evaluation.recorded' AND (body->'payload'->>'level') IN ('1', '2'))
          OR (type = 'ticket.finished' AND body->'payload'->>'outcome' = 'not-done'))`,
    [hall, last, horizon, since],
  );
  const tickets = items.rows.map((r) => r.ticket).filter((t): t is string => typeof t === 'string');
  let extra: Array<{ s: string | number; body: HallEvent }> = [];
  if (tickets.length) {
    // A ticket's life is one day: its events lie between the horizon's day and the window.
    const from = formatHlc({ wall: now - RECTIFY_HORIZON_MS - 24 * 60 * 60 * 1000, count: 0 });
    const r = await q.query<{ s: string | number; body: HallEvent }>(
      `SELECT server_seq AS s, body FROM events
        WHERE hall = $1 AND server_seq <= $2 AND hlc >= $3 AND hlc < $4 AND NOT quiet
          AND type = ANY($5::text[]) AND body->'payload'->>'ticketId' = ANY($6::text[])`,
      [hall, last, from, since, TICKET_TYPES, tickets],
    );
    extra = r.rows;
  }

  const seen = new Set<number>();
  const events: StoredEvent[] = [];
  for (const row of [...main.rows, ...extra]) {
    const s = Number(row.s);
    if (seen.has(s)) continue;
    seen.add(s);
    events.push({ s, e: row.body });
  }
  events.sort((a, b) => a.s - b.s);
  return { events, last, since };
}
