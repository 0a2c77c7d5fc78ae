/**
 * Who a window calls next, and what it sees waiting. A window serves an ordered or weighted set
 * of services (R4 一窗受理); a priority-first window (爱心窗口, R7) also takes priority tickets of
 * other services, before its own normal queue.
 */
import type { Window } from '../config/schemas';
import type { HallState, TicketState } from '../fold/state';
import { localDate } from '../schedule/zone';
import { classRank, compareFifo, isPriorityRank } from './rank';

export interface Candidate {
  ticket: TicketState;
  rank: number;
  /** Position of the ticket's service in the window's list (ordered mode). */
  serviceIndex: number;
}

/** Today's callable tickets for a window, best first. */
export function waitingForWindow(s: HallState, windowId: string, now: number): Candidate[] {
  const win = s.config.windows.get(windowId);
  if (!win) return [];
  const day = localDate(now, s.config.schedule.timeZone);
  const policy = s.config.policy;
  const own = new Map(win.services.map((x, i) => [x.serviceId, i]));
  const out: Candidate[] = [];
  for (const [key, ids] of s.waiting) {
    if (ids.size === 0 || !key.startsWith(day + '|')) continue;
    const serviceId = key.slice(day.length + 1);
    const ownIndex = own.get(serviceId);
    const takesPriority = win.priorityFirst && (win.priorityServices === 'all' || win.priorityServices.includes(serviceId));
    if (ownIndex === undefined && !takesPriority) continue;
    for (const id of ids) {
      const t = s.tickets.get(id);
      if (!t || t.status !== 'waiting') continue;
      if (t.targetWindowId !== undefined && t.targetWindowId !== windowId) continue;
      const rank = classRank(t, policy, now);
      // Another service's ticket comes here only through the priority-first door.
      if (ownIndex === undefined && !(t.targetWindowId === windowId || isPriorityRank(rank))) continue;
      out.push({ ticket: t, rank, serviceIndex: ownIndex ?? -1 });
    }
  }
  return sortCandidates(s, win, out, day);
}

function sortCandidates(s: HallState, win: Window, list: Candidate[], day: string): Candidate[] {
  const byFifo = (a: Candidate, b: Candidate) => a.rank - b.rank || compareFifo(a.ticket, b.ticket);
  if (win.mode === 'fifo') return list.sort(byFifo);
  if (win.mode === 'ordered') {
    return list.sort((a, b) => a.rank - b.rank || a.serviceIndex - b.serviceIndex || compareFifo(a.ticket, b.ticket));
  }
  // Weighted: inside the best class present, the service furthest below its share goes first
  // (smooth weighted round robin over today's calls at this window).
  const w = s.windows.get(win.id);
  const share = new Map<string, number>();
  for (const x of win.services) {
    share.set(x.serviceId, ((w?.calls.get(`${day}|${x.serviceId}`) ?? 0) + 1) / x.weight);
  }
  return list.sort((a, b) => {
    if (a.rank !== b.rank) return a.rank - b.rank;
    const sa = share.get(a.ticket.serviceId) ?? Infinity;
    const sb = share.get(b.ticket.serviceId) ?? Infinity;
    if (sa !== sb) return sa - sb;
    return a.serviceIndex - b.serviceIndex || compareFifo(a.ticket, b.ticket);
  });
}

/** The ticket "call next" takes at this window now, if any. */
export function nextForWindow(s: HallState, windowId: string, now: number): TicketState | undefined {
  return waitingForWindow(s, windowId, now)[0]?.ticket;
}

export type ManualCallCheck =
  | { ok: true; ticket: TicketState }
  | { ok: false; reason: 'unknown-number' | 'not-waiting' | 'other-window' | 'grace-expired'; ticket?: TicketState };

/** A clerk typed a number: can this window call it? (Same rules as the fold applies.) */
export function checkManualCall(s: HallState, windowId: string, number: string, now: number): ManualCallCheck {
  const day = localDate(now, s.config.schedule.timeZone);
  const id = s.numbers.get(`${day}|${number.trim().toUpperCase()}`);
  const t = id ? s.tickets.get(id) : undefined;
  if (!t) return { ok: false, reason: 'unknown-number' };
  if (t.status === 'waiting') {
    if (t.targetWindowId !== undefined && t.targetWindowId !== windowId) return { ok: false, reason: 'other-window', ticket: t };
    return { ok: true, ticket: t };
  }
  if (t.status === 'skipped' && t.skippedAt !== undefined) {
    if (now - t.skippedAt <= s.config.policy.skipGraceMinutes * 60_000) return { ok: true, ticket: t };
    return { ok: false, reason: 'grace-expired', ticket: t };
  }
  return { ok: false, reason: 'not-waiting', ticket: t };
}
