/**
 * Events that change what the hall already settled: a call dated before another window's call
 * of the same ticket (the earliest call wins, so it takes the ticket), or a rating dated before
 * the citizen's rating of the same ticket (it replaces it). An offline terminal does this
 * legitimately (it called while cut off); a terminal in an attacker's hands does it to take a
 * ticket or change a rating. The server cannot tell the two apart, so it lets the fold decide as
 * always and lists every such event for the admin (GET /api/admin/overrides), with when it was
 * dated and when it arrived.
 */
import { hlcWall } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import type { HallState } from '../../shared/fold/state';
import type { Queryable } from '../db/db';

export interface Override {
  origin: string;
  seq: number;
  kind: 'call-won' | 'rating-replaced';
  ticketId: string;
  number: string;
  windowId: string;
  /** The window whose call lost, or whose rating was replaced. */
  replacedWindowId: string;
  replacedEvent: string;
  /** The replaced rating's level and the new one (ratings only). */
  replacedLevel?: number | null;
  level?: number | null;
  /** When the event says it happened, and when it reached this server. */
  datedAt: number;
  receivedAt: number;
}

/** The fresh events (already admitted) that override something the fold holds. */
export function findOverrides(s: HallState, fresh: readonly HallEvent[], now: number): Override[] {
  const out: Override[] = [];
  for (const e of fresh) {
    const at = hlcWall(e.hlc);
    if (e.type === 'ticket.called') {
      const t = s.tickets.get(e.payload.ticketId);
      if (!t || t.windowId === undefined || t.windowId === e.payload.windowId || t.calledAt === undefined || t.status === 'waiting') continue;
      const winner = [...t.history].reverse().find((h) => h.type === 'ticket.called' && h.windowId === t.windowId && h.ignored === undefined);
      if (at >= t.calledAt) continue;
      out.push({
        origin: e.origin,
        seq: e.seq,
        kind: 'call-won',
        ticketId: t.id,
        number: t.number,
        windowId: e.payload.windowId,
        replacedWindowId: t.windowId,
        replacedEvent: winner ? `${winner.origin}:${winner.seq}` : '',
        datedAt: at,
        receivedAt: now,
      });
    } else if (e.type === 'evaluation.recorded') {
      const t = s.tickets.get(e.payload.ticketId);
      const r = t?.rating;
      if (!t || !r || r.level === null || e.payload.level === null || at >= r.at) continue;
      out.push({
        origin: e.origin,
        seq: e.seq,
        kind: 'rating-replaced',
        ticketId: t.id,
        number: t.number,
        windowId: e.payload.windowId,
        replacedWindowId: t.windowId ?? e.payload.windowId,
        replacedEvent: r.eventId,
        replacedLevel: r.level,
        level: e.payload.level,
        datedAt: at,
        receivedAt: now,
      });
    }
  }
  return out;
}

export async function recordOverrides(q: Queryable, hall: string, list: readonly Override[]): Promise<void> {
  for (const o of list) {
    await q.query(
      `INSERT INTO overrides (hall, origin, seq, kind, ticket_id, number, window_id, replaced_window_id, replaced_event, replaced_level, level, dated_at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (origin, seq) DO NOTHING`,
      [hall, o.origin, o.seq, o.kind, o.ticketId, o.number, o.windowId, o.replacedWindowId, o.replacedEvent, o.replacedLevel ?? null, o.level ?? null, o.datedAt, o.receivedAt],
    );
  }
}

export interface OverrideRow extends Override {
  terminal: string;
}

/** The hall's overrides, newest arrival first. */
export async function listOverrides(q: Queryable, hall: string, limit = 200): Promise<OverrideRow[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT origin, seq, kind, ticket_id, number, window_id, replaced_window_id, replaced_event, replaced_level, level, dated_at, received_at
       FROM overrides WHERE hall = $1 ORDER BY received_at DESC, origin, seq LIMIT $2`,
    [hall, limit],
  );
  return r.rows.map((x) => {
    const origin = String(x.origin);
    return {
      origin,
      terminal: origin.slice(0, origin.indexOf('~')),
      seq: Number(x.seq),
      kind: x.kind as Override['kind'],
      ticketId: String(x.ticket_id),
      number: String(x.number),
      windowId: String(x.window_id),
      replacedWindowId: String(x.replaced_window_id),
      replacedEvent: String(x.replaced_event),
      ...(x.replaced_level !== null ? { replacedLevel: Number(x.replaced_level) } : {}),
      ...(x.level !== null ? { level: Number(x.level) } : {}),
      datedAt: Number(x.dated_at),
      receivedAt: Number(x.received_at),
    };
  });
}

/** Events refused for good per terminal over the last day (each is quarantined on the terminal). */
export async function refusedSummary(q: Queryable, hall: string, now: number): Promise<Array<{ terminal: string; refused: number; lastCode: string }>> {
  const r = await q.query<{ origin: string; code: string }>(
    'SELECT origin, code FROM refused_events WHERE hall = $1 AND refused_at >= $2 ORDER BY refused_at DESC LIMIT 10000',
    [hall, now - 24 * 3_600_000],
  );
  const out = new Map<string, { terminal: string; refused: number; lastCode: string }>();
  for (const x of r.rows) {
    const terminal = x.origin.slice(0, x.origin.indexOf('~'));
    let t = out.get(terminal);
    if (!t) out.set(terminal, (t = { terminal, refused: 0, lastCode: x.code }));
    t.refused += 1;
  }
  return [...out.values()].sort((a, b) => a.terminal.localeCompare(b.terminal));
}

/** Device events kept quiet per terminal over the last day (the noisy-event summary). */
export async function quietSummary(q: Queryable, hall: string, now: number): Promise<Array<{ terminal: string; quiet: number; visible: number }>> {
  const r = await q.query<{ terminal: string; quiet: string | number; visible: string | number }>(
    `SELECT terminal, sum(quiet) AS quiet, sum(visible) AS visible FROM noisy_counts WHERE hall = $1 AND minute >= $2 GROUP BY terminal HAVING sum(quiet) > 0 ORDER BY terminal`,
    [hall, Math.floor((now - 24 * 3_600_000) / 60_000)],
  );
  return r.rows.map((x) => ({ terminal: x.terminal, quiet: Number(x.quiet), visible: Number(x.visible) }));
}
