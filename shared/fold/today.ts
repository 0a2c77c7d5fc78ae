/**
 * What of a window's folded state is true today (issue 17). The fold keeps a window as its last
 * event left it: a window opened on a past day and never closed would still read "open", with
 * its clerk and its last ticket, and a screen would show it "in service for 30 hours". A
 * screen asks here instead: a window whose last change was on an earlier day (in the hall's
 * time zone) is closed today, and a ticket of an earlier day is nobody's current ticket.
 */
import { localDate } from '../schedule/zone';
import type { HallState, TicketState, WindowState } from './state';

/**
 * The window's state as it stands today: closed when it was left open or paused on an earlier
 * day and has not called anyone today (a clerk who takes over a window left open, R11, keeps
 * its `since`; the first call today shows it open again).
 */
export function windowStateToday(w: Pick<WindowState, 'state' | 'since' | 'calls'> | undefined, today: string, zone: string): WindowState['state'] {
  if (!w) return 'closed';
  if (w.state === 'closed' || localDate(w.since, zone) >= today) return w.state;
  for (const key of w.calls.keys()) if (key.startsWith(`${today}|`)) return w.state;
  return 'closed';
}

/** The window's current ticket if it is one of today's; undefined otherwise. */
export function currentTicketToday(s: HallState, w: Pick<WindowState, 'currentTicketId' | 'state' | 'since' | 'calls'> | undefined, today: string): TicketState | undefined {
  if (!w?.currentTicketId || windowStateToday(w, today, s.config.schedule.timeZone) === 'closed') return undefined;
  const t = s.tickets.get(w.currentTicketId);
  return t && t.day === today ? t : undefined;
}
