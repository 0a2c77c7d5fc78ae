/**
 * The idle counter's "上一位 A050：非常满意" card: the citizen this window finished last, today.
 * Issue 17: after sign-in it showed a ticket of a past day. A ticket finished on another day, or
 * (after a transfer or a conflict) last served at another window, is not this clerk's "last".
 */
import type { HallState, TicketState } from '../../shared/fold/state';
import { localDate } from '../../shared/schedule/zone';

export function lastFinishedToday(state: HallState, windowId: string, now: number): TicketState | undefined {
  const id = state.windows.get(windowId)?.lastFinishedTicketId;
  const t = id ? state.tickets.get(id) : undefined;
  if (!t || t.status !== 'finished' || t.finishedAt === undefined || t.windowId !== windowId) return undefined;
  const tz = state.config.schedule.timeZone;
  return localDate(t.finishedAt, tz) === localDate(now, tz) ? t : undefined;
}
