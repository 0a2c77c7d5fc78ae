/**
 * The ticket_facts row of one ticket: read off the fold's TicketState (the fold has already
 * resolved order and conflicts), and written so that a row never moves back to an older fold.
 */
import type { HallFold } from '../../shared/fold/fold';
import type { TicketState } from '../../shared/fold/state';
import type { Queryable } from '../db/db';

export interface FactRow {
  ticketId: string;
  day: string;
  number: string;
  serviceId: string;
  windowId: string | null;
  staffId: string | null;
  channel: string;
  priority: string;
  status: string;
  outcome: string | null;
  issuedAt: number;
  queuedAt: number;
  firstCalledAt: number | null;
  calledAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  noShow: boolean;
  transferred: boolean;
  ratingLevel: number | null;
  ratingReasons: string[];
}

export function ticketFact(fold: HallFold, t: TicketState): FactRow {
  return {
    ticketId: t.id,
    day: t.day,
    number: t.number,
    serviceId: t.serviceId,
    windowId: t.windowId ?? null,
    staffId: t.staffId ?? null,
    channel: t.channel,
    priority: t.priority,
    status: t.status,
    outcome: t.outcome ?? null,
    issuedAt: t.issuedAt,
    queuedAt: t.queuedAt,
    firstCalledAt: firstCall(t),
    calledAt: t.calledAt ?? null,
    startedAt: t.startedAt ?? null,
    finishedAt: t.finishedAt ?? null,
    // Still skipped: a no-show who came back and was served is not one.
    noShow: t.status === 'skipped',
    transferred: t.transfers > 0,
    ratingLevel: t.rating?.level ?? null,
    ratingReasons: t.rating ? ratingReasons(fold, t.rating.eventId) : [],
  };
}

/** The first call that took (a transfer clears calledAt; a call that lost is marked ignored). */
function firstCall(t: TicketState): number | null {
  for (const step of t.history) if (step.type === 'ticket.called' && step.ignored === undefined) return step.at;
  return null;
}

/** The state keeps the level only; the reasons are on the rating event the fold chose. */
function ratingReasons(fold: HallFold, eventId: string): string[] {
  const i = eventId.lastIndexOf(':');
  const e = fold.get(eventId.slice(0, i), Number(eventId.slice(i + 1)));
  return e?.type === 'evaluation.recorded' ? e.payload.reasons : [];
}

const COLUMNS: Array<[column: string, type: string, read: (r: FactRow) => unknown]> = [
  ['ticket_id', 'text', (r) => r.ticketId],
  ['day', 'text', (r) => r.day],
  ['number', 'text', (r) => r.number],
  ['service_id', 'text', (r) => r.serviceId],
  ['window_id', 'text', (r) => r.windowId],
  ['staff_id', 'text', (r) => r.staffId],
  ['channel', 'text', (r) => r.channel],
  ['priority', 'text', (r) => r.priority],
  ['status', 'text', (r) => r.status],
  ['outcome', 'text', (r) => r.outcome],
  ['issued_at', 'bigint', (r) => r.issuedAt],
  ['queued_at', 'bigint', (r) => r.queuedAt],
  ['first_called_at', 'bigint', (r) => r.firstCalledAt],
  ['called_at', 'bigint', (r) => r.calledAt],
  ['started_at', 'bigint', (r) => r.startedAt],
  ['finished_at', 'bigint', (r) => r.finishedAt],
  ['no_show', 'boolean', (r) => r.noShow],
  ['transferred', 'boolean', (r) => r.transferred],
  ['rating_level', 'smallint', (r) => r.ratingLevel],
  ['rating_reasons', 'jsonb', (r) => JSON.stringify(r.ratingReasons)],
];

// One statement per batch: one array parameter per column, however many rows.
const UPSERT = `
  WITH written AS (
    INSERT INTO ticket_facts (hall, ${COLUMNS.map(([c]) => c).join(', ')}, fold_seq)
    SELECT $1::text, u.*, $2::bigint FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 3}::${type}[]`).join(', ')}) AS u
    ON CONFLICT (hall, ticket_id) DO UPDATE SET ${COLUMNS.slice(1)
      .map(([c]) => `${c} = EXCLUDED.${c}`)
      .join(', ')}, fold_seq = EXCLUDED.fold_seq
    WHERE ticket_facts.fold_seq <= EXCLUDED.fold_seq
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM written`;

const BATCH = 5000;

/**
 * Write the rows of a fold that had applied the hall's events up to `foldSeq`. A stored row from
 * a fold further along stays: two instances (or a rebuild racing the live projection) never
 * move a row back. Returns the rows written.
 */
export async function upsertFacts(q: Queryable, hall: string, rows: readonly FactRow[], foldSeq: number): Promise<number> {
  let written = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const r = await q.query<{ n: number }>(UPSERT, [hall, foldSeq, ...COLUMNS.map(([, , read]) => batch.map(read))]);
    written += Number(r.rows[0]?.n ?? 0);
  }
  return written;
}
