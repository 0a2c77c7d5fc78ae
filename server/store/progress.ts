/**
 * The citizen's progress page: ticket token -> ticket, and what the page may say about it.
 *
 * The token (the `token` of `ticket.issued`, 128+ random bits made by the kiosk) is the only
 * key. It is looked up through an expression index on the event log (migration 3), so a lookup
 * is one index probe whichever instance serves it and however the ticket reached the server,
 * and remembered per instance (a token never moves to another ticket). The ticket's state then
 * comes from the hall's fold cache.
 *
 * R21: the view carries no personal data at all, not even the masked name or ID number.
 */
import type { Bilingual } from '../../shared/config/text';
import { estimateForTicket, waitKind, waitLine, type WaitKind } from '../../shared/estimate/wait';
import type { HallState } from '../../shared/fold/state';
import { localDate } from '../../shared/schedule/zone';
import type { Queryable } from '../db/db';

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const REFRESH_SECONDS = 15;
const MEMO_MAX = 50_000;

export interface TokenEntry {
  hall: string;
  ticketId: string;
  number: string;
  serviceId: string;
  day: string;
}

export class TicketTokens {
  private readonly memo = new Map<string, TokenEntry>();

  async find(q: Queryable, token: string): Promise<TokenEntry | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const hit = this.memo.get(token);
    if (hit) return hit;
    const r = await q.query<{ hall: string; p: { ticketId: string; number: string; serviceId: string; day: string } }>(
      `SELECT hall, body->'payload' AS p FROM events
       WHERE type = 'ticket.issued' AND (body->'payload'->>'token') = $1 ORDER BY server_seq LIMIT 1`,
      [token],
    );
    const row = r.rows[0];
    // Misses are not remembered: a ticket issued offline may arrive with the next sync.
    if (!row) return undefined;
    const entry = { hall: row.hall, ticketId: row.p.ticketId, number: row.p.number, serviceId: row.p.serviceId, day: row.p.day };
    if (this.memo.size >= MEMO_MAX) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(token, entry);
    return entry;
  }
}

export type ProgressStatus = 'waiting' | 'called' | 'serving' | 'finished' | 'skipped' | 'cancelled' | 'expired';

export interface ProgressView {
  number: string;
  service?: Bilingual;
  status: ProgressStatus;
  /** waiting: people ahead in the ticket's queue and expected minutes. */
  ahead?: number;
  minutes?: number;
  /**
   * waiting: the wait in the kiosk's and the ticket's own words (shared/estimate/wait.ts), and
   * which kind it is: with no open window no minutes are promised (issue 17).
   */
  wait?: Bilingual;
  waitKind?: WaitKind;
  /** waiting, no window open: when the schedule opens the service next, if it knows. */
  nextOpening?: number;
  /** called / serving: where to go. */
  window?: { label: string; name?: Bilingual };
  calledAt?: number;
  /** skipped: until when the citizen may ask a window to put the ticket back. */
  graceUntil?: number;
  canReturn?: boolean;
  day: string;
  /** When the server read the hall's state for this answer. */
  updatedAt: number;
  timeZone: string;
  refreshSeconds: number;
  sms: boolean;
}

const OPEN: ReadonlySet<string> = new Set(['waiting', 'called', 'serving', 'skipped']);

export function progressView(s: HallState, entry: TokenEntry, now: number, sms: boolean): ProgressView {
  const tz = s.config.schedule.timeZone;
  const t = s.tickets.get(entry.ticketId);
  const service = s.config.services.get(t?.serviceId ?? entry.serviceId)?.name;
  const base = {
    number: t?.number ?? entry.number,
    ...(service ? { service } : {}),
    day: t?.day ?? entry.day,
    updatedAt: now,
    timeZone: tz,
    refreshSeconds: REFRESH_SECONDS,
    sms,
  };
  // Not in today's fold, or an open ticket of an earlier day: the queue has moved on.
  if (!t || (OPEN.has(t.status) && t.day !== localDate(now, tz))) return { ...base, status: 'expired' };
  const where = () => {
    const w = t.windowId ? s.config.windows.get(t.windowId) : undefined;
    return { window: { label: w?.label ?? t.windowId ?? '-', ...(w?.name ? { name: w.name } : {}) } };
  };
  switch (t.status) {
    case 'waiting': {
      const e = estimateForTicket(s, t.id, now);
      if (!e) return { ...base, status: 'waiting', ahead: 0, minutes: 0 };
      return {
        ...base,
        status: 'waiting',
        ahead: e.ahead,
        minutes: e.minutes,
        wait: waitLine(e, tz, now),
        waitKind: waitKind(e),
        ...(e.nextOpening !== undefined ? { nextOpening: e.nextOpening } : {}),
      };
    }
    case 'called':
      return { ...base, status: 'called', ...where(), ...(t.calledAt !== undefined ? { calledAt: t.calledAt } : {}) };
    case 'serving':
      return { ...base, status: 'serving', ...where() };
    case 'skipped': {
      const p = s.config.policy;
      const graceUntil = (t.skippedAt ?? now) + p.skipGraceMinutes * 60_000;
      // Within the grace period a window can still call the number or put the ticket back.
      return { ...base, status: 'skipped', graceUntil, canReturn: now <= graceUntil };
    }
    case 'finished':
      return { ...base, status: 'finished' };
    default:
      // cancelled, or voided (the printer failed; the kiosk issued an e-ticket instead).
      return { ...base, status: 'cancelled' };
  }
}

/** Statuses for which SMS notices still make sense. */
export const SUBSCRIBABLE: ReadonlySet<ProgressStatus> = new Set(['waiting', 'called', 'skipped']);
