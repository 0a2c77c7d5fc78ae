/**
 * Checks that need the hall's state at the server (the fold of HallCache): known services and
 * windows, plausible ticket days, and window scope for cancel, requeue and transfer. Run for
 * terminals only, inside ingest's transaction (under the hall's lock): a hub relays events its
 * own server already checked with this same code, and an admin acts for the whole hall.
 *
 * Window scope (SECURITY.md, "Window scope"): a counter may cancel, requeue or transfer a ticket
 * only if the ticket is or was at its window (called there, transferred to it), or is of a
 * service its window serves, or it issued the ticket itself (assisted, R13). That is the clerk's
 * real work: the citizen in front of them, a citizen of their queue who tells them they are
 * leaving, or a ticket the clerk took for someone by mistake. A kiosk never requeues (no screen of
 * it does: a returning no-show is called back by number at the window).
 */
import { hlcWall } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import type { HallState, TicketState } from '../../shared/fold/state';
import { localDate, tryParseDayNumber } from '../../shared/schedule/zone';
import type { Principal } from '../store/events';
import { RequestError } from '../http/errors';

/** A ticket's day: at most this many days before today (an offline kiosk over a long weekend). */
export const TICKET_DAY_PAST_DAYS = 7;
/** Booking days: not in the past (yesterday for time zones), at most this far ahead. */
export const BOOKING_DAY_AHEAD_DAYS = 366;

/** What a batch knows beyond the fold: tickets issued earlier in the same batch. */
export interface BatchTickets {
  issued: Map<string, { serviceId: string }>;
}

/** How the checks learn whether a ticket's issuing event may still arrive. */
export type HeldOf = (origin: string) => number;

const where = (e: HallEvent, index: number) => `event ${index} (${e.origin}:${e.seq} ${e.type})`;

function refused(status: number, code: string, message: string, messageZh: string): never {
  throw new RequestError(status, code, message, messageZh);
}

/**
 * Throws a RequestError when the event does not fit the hall. `held` answers the server's
 * contiguous seq per origin (to tell a ticket not yet arrived from one that never will).
 */
export function checkAgainstHall(s: HallState, who: Principal, e: HallEvent, index: number, now: number, batch: BatchTickets, held: HeldOf): void {
  if (who.role === 'hub' || who.role === 'admin') return;
  const w = where(e, index);
  const services = s.config.services;
  const tz = s.config.schedule.timeZone;
  const today = localDate(now, tz);
  switch (e.type) {
    case 'ticket.issued': {
      const p = e.payload;
      if (!services.has(p.serviceId)) refused(422, 'unknown-service', `${w}: service ${p.serviceId} is not one of the hall's`, '该事项不存在');
      const hlcDay = localDate(hlcWall(e.hlc), tz);
      const off = dayDiff(p.day, hlcDay);
      if (off === undefined || Math.abs(off) > 1) {
        refused(422, 'implausible-day', `${w}: a ticket issued at ${hlcDay} cannot be for ${p.day}`, '取号日期与取号时间不符');
      }
      const age = dayDiff(today, p.day)!;
      if (age > TICKET_DAY_PAST_DAYS || age < -1) {
        refused(422, 'implausible-day', `${w}: day ${p.day} is not within ${TICKET_DAY_PAST_DAYS} days before today (${today})`, '取号日期不合理');
      }
      batch.issued.set(p.ticketId, { serviceId: p.serviceId });
      return;
    }
    case 'appointment.booked': {
      const p = e.payload;
      if (!services.has(p.serviceId)) refused(422, 'unknown-service', `${w}: service ${p.serviceId} is not one of the hall's`, '该事项不存在');
      const ahead = dayDiff(p.day, today)!;
      if (ahead < -1 || ahead > BOOKING_DAY_AHEAD_DAYS) refused(422, 'implausible-day', `${w}: a booking for ${p.day} (today is ${today})`, '预约日期不合理');
      return;
    }
    case 'ticket.cancelled':
    case 'ticket.requeued':
    case 'ticket.transferred': {
      const p = e.payload as { ticketId: string; toServiceId?: string; toWindowId?: string };
      if (e.type === 'ticket.transferred') {
        if (p.toServiceId !== undefined && !services.has(p.toServiceId)) refused(422, 'unknown-service', `${w}: service ${p.toServiceId} is not one of the hall's`, '转办的事项不存在');
        if (p.toWindowId !== undefined && !s.config.windows.has(p.toWindowId)) refused(422, 'unknown-window', `${w}: window ${p.toWindowId} is not one of the hall's`, '转办的窗口不存在');
      }
      if (who.role !== 'counter') refused(403, 'out-of-scope', `${w}: only a counter acts on a ticket at a window`, '该终端不能操作此号票');
      const inBatch = batch.issued.get(p.ticketId);
      if (inBatch) {
        // Issued by this same counter moments ago (assisted, R13): its own ticket.
        return;
      }
      const t = s.tickets.get(p.ticketId);
      if (!t) unknownTicket(w, p.ticketId, held, now - hlcWall(e.hlc));
      if (!inScope(s, t!, who.windowId) && !issuedBy(t!, who)) {
        refused(403, 'out-of-scope', `${w}: ticket ${t!.number} was never at window ${who.windowId ?? '-'} and is of a service it does not serve`, '该号票不属于本窗口，不能操作');
      }
      return;
    }
    default:
      return;
  }
}

/** A ticket this terminal issued itself (assisted, R13): the clerk may undo their own mistake. */
function issuedBy(t: TicketState, who: Principal): boolean {
  return t.issuedBy === `${who.terminalId}~${who.epoch}`;
}

/** Is or was at this window, or of a service the window serves. */
export function inScope(s: HallState, t: TicketState, windowId: string | undefined): boolean {
  if (windowId === undefined) return false;
  if (t.windowId === windowId || t.targetWindowId === windowId) return true;
  if (t.history.some((h) => h.windowId === windowId && h.ignored === undefined)) return true;
  const win = s.config.windows.get(windowId);
  return !!win && win.services.some((x) => x.serviceId === t.serviceId);
}

/** How long an event may wait for its ticket's issue to arrive before it is refused for good. */
export const TICKET_WAIT_MS = 60 * 60_000;

/**
 * A ticket the server does not know. Ticket ids are `<origin>:<seq>` of their issuing event: if
 * that origin has not reached the seq yet, the issue is still on its way (another server took
 * it, a hub will relay it): come back later, for up to TICKET_WAIT_MS after the event. Otherwise
 * it never will arrive: refused for good (and never held while waiting, so a cancel of a ticket
 * a kiosk has not issued yet cannot lie in wait for it).
 */
function unknownTicket(w: string, ticketId: string, held: HeldOf, ageMs: number): never {
  const m = /^(.+):(\d+)$/.exec(ticketId);
  if (m && held(m[1]!) < Number(m[2]) && ageMs < TICKET_WAIT_MS) {
    refused(409, 'ticket-not-yet-held', `${w}: ticket ${ticketId} has not reached this server yet; push again later`, '号票尚未同步到服务器，请稍后重试');
  }
  refused(422, 'unknown-ticket', `${w}: no ticket ${ticketId} in this hall`, '号票不存在');
}

function dayDiff(a: string, b: string): number | undefined {
  const x = tryParseDayNumber(a);
  const y = tryParseDayNumber(b);
  return x === undefined || y === undefined ? undefined : x - y;
}
