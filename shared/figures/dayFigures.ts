/**
 * A day's figures from the folded hall state, by the definitions in ./definitions.ts: the live
 * view's totals and windows, and the counter's counts for its window. The server's day report
 * counts the same tickets by the same rules (as ticket facts, in SQL written from the same
 * rules), so for one log every screen shows the report's numbers.
 */
import type { HallState, TicketState } from '../fold/state';
import { BAD_MAX_LEVEL, SATISFIED_MIN_LEVEL, figureClass } from './definitions';

export interface DayFigures {
  /** Every ticket that reached a citizen (voided ones are not issued). */
  issued: number;
  /** Finished with outcome done (办结). */
  served: number;
  /** Finished, not done (R18 办不成事). Not served. */
  notDone: number;
  needsMaterial: number;
  /** Still a no-show now (过号). */
  noShow: number;
  cancelled: number;
  /** Waiting, called or serving now. */
  unfinished: number;
  /** Waiting now (part of unfinished). */
  waiting: number;
  /** Called or serving now (part of unfinished). */
  inService: number;
  /** Transferred at least once. */
  transferred: number;
  /** Print failed: never reached the citizen; apart from issued. */
  voided: number;
  rated: number;
  satisfied: number;
  bad: number;
}

export function emptyDayFigures(): DayFigures {
  return { issued: 0, served: 0, notDone: 0, needsMaterial: 0, noShow: 0, cancelled: 0, unfinished: 0, waiting: 0, inService: 0, transferred: 0, voided: 0, rated: 0, satisfied: 0, bad: 0 };
}

/** Add one ticket to the figures. */
export function countTicket(f: DayFigures, t: TicketState): void {
  const c = figureClass(t);
  if (c === 'voided') {
    f.voided += 1;
    return;
  }
  f.issued += 1;
  f[c] += 1;
  if (t.status === 'waiting') f.waiting += 1;
  else if (t.status === 'called' || t.status === 'serving') f.inService += 1;
  if (t.transfers > 0) f.transferred += 1;
  const level = t.rating?.level;
  if (level !== undefined && level !== null) {
    f.rated += 1;
    if (level >= SATISFIED_MIN_LEVEL) f.satisfied += 1;
    if (level <= BAD_MAX_LEVEL) f.bad += 1;
  }
}

export interface FigureFilter {
  serviceId?: string;
  /** The window the ticket ended with (a report grouped by window). */
  windowId?: string;
  staffId?: string;
}

function keep(t: TicketState, day: string, by: FigureFilter): boolean {
  if (t.day !== day) return false;
  if (by.serviceId !== undefined && t.serviceId !== by.serviceId) return false;
  if (by.windowId !== undefined && t.windowId !== by.windowId) return false;
  if (by.staffId !== undefined && t.staffId !== by.staffId) return false;
  return true;
}

/** The figures of one day (the hall's local date, as the tickets carry it), optionally of one service, window or staff. */
export function dayFigures(s: HallState, day: string, by: FigureFilter = {}): DayFigures {
  const f = emptyDayFigures();
  for (const t of s.tickets.values()) if (keep(t, day, by)) countTicket(f, t);
  return f;
}

/**
 * The day's figures for the hall and per window the tickets ended with (tickets never called
 * are in the hall's only), in one pass over the tickets.
 */
export function dayFiguresWithWindows(s: HallState, day: string): { hall: DayFigures; byWindow: Map<string, DayFigures> } {
  const hall = emptyDayFigures();
  const byWindow = new Map<string, DayFigures>();
  for (const t of s.tickets.values()) {
    if (t.day !== day) continue;
    countTicket(hall, t);
    if (t.windowId === undefined) continue;
    let f = byWindow.get(t.windowId);
    if (!f) byWindow.set(t.windowId, (f = emptyDayFigures()));
    countTicket(f, t);
  }
  return { hall, byWindow };
}
