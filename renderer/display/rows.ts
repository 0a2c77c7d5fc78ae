/**
 * The board's rows, straight from the fold in memory: today's tickets on the board and every
 * window. Read on each fold change (useHall's version); nothing is written for the screens to
 * read back, so a call reaches the paint without an IndexedDB round trip.
 */
import { currentTicketToday, windowStateToday } from '../../shared/fold/today';
import type { HallState } from '../../shared/fold/state';

/** A ticket as the board lists it: number, status and times; no personal data (R21). */
export interface TicketRow {
  id: string;
  number: string;
  serviceId: string;
  day: string;
  status: string;
  priority: string;
  windowId?: string;
  issuedAt: number;
  queuedAt: number;
  calledAt?: number;
  finishedAt?: number;
  outcome?: string;
  recalls: number;
  rated: boolean;
}

/** A window as the board shows it. */
export interface WindowRow {
  id: string;
  label: string;
  state: string;
  pauseReason?: string;
  staffId?: string;
  currentTicketId?: string;
  currentNumber?: string;
  conflictNumber?: string;
  conflictWonBy?: string;
}

/** Today's tickets still on the board: waiting, called or being served. */
export function boardTickets(s: HallState, today: string): TicketRow[] {
  const out: TicketRow[] = [];
  for (const t of s.tickets.values()) {
    if (t.day !== today || (t.status !== 'waiting' && t.status !== 'called' && t.status !== 'serving')) continue;
    const v: TicketRow = {
      id: t.id,
      number: t.number,
      serviceId: t.serviceId,
      day: t.day,
      status: t.status,
      priority: t.priority,
      queuedAt: t.queuedAt,
      issuedAt: t.issuedAt,
      recalls: t.recalls,
      rated: t.rating !== undefined && t.rating.level !== null,
    };
    if (t.windowId !== undefined) v.windowId = t.windowId;
    if (t.calledAt !== undefined) v.calledAt = t.calledAt;
    if (t.finishedAt !== undefined) v.finishedAt = t.finishedAt;
    if (t.outcome !== undefined) v.outcome = t.outcome;
    out.push(v);
  }
  return out;
}

/** Every window, configured or seen in events. */
export function windowRows(s: HallState, today?: string): WindowRow[] {
  const ids = new Set([...s.config.windows.keys(), ...s.windows.keys()]);
  return [...ids].map((id) => {
    const cfg = s.config.windows.get(id);
    const w = s.windows.get(id);
    // With `today`: a window left open on an earlier day is closed now (shared/fold/today.ts).
    const state = today === undefined ? (w?.state ?? 'closed') : windowStateToday(w, today, s.config.schedule.timeZone);
    const cur = today === undefined ? (w?.currentTicketId ? s.tickets.get(w.currentTicketId) : undefined) : currentTicketToday(s, w, today);
    const v: WindowRow = { id, label: cfg?.label ?? id, state };
    if (w?.pauseReason && state !== 'closed') v.pauseReason = w.pauseReason;
    if (w?.staffId && state !== 'closed') v.staffId = w.staffId;
    if (cur) {
      v.currentTicketId = cur.id;
      v.currentNumber = cur.number;
    }
    if (w?.conflict) {
      v.conflictNumber = w.conflict.number;
      v.conflictWonBy = w.conflict.wonBy;
    }
    return v;
  });
}
