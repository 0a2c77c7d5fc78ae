/**
 * A hall's working set: the events a terminal needs to fold the hall as it is now, instead of
 * its whole history (a year of a busy hall is millions of events, and a replay paints every
 * past state on the way).
 *
 *   - configuration, appointments, notices and rectification steps of all time (a booking
 *     made last week is for today; a rectification item is worked on for days);
 *   - every event of the last day and a half (today and the evening before);
 *   - the events of tickets that carry a rectification item (a bad rating, R8, or a "can't get
 *     it done" case, R18) opened in the last `RECTIFY_HORIZON_DAYS`, so the admin's lists
 *     stay whole.
 *
 * The server hands a new terminal this set (GET /api/sync/start); a terminal keeps only this
 * set in its own database (renderer/db/retention.ts), so a restart loads it, not a year.
 */
import { z } from 'zod';
import { formatHlc } from '../clock/hlc';
import type { HallEvent } from '../events/envelope';
import type { HallState } from '../fold/state';
import { StoredEventSchema } from './protocol';

/** Everything of the last day and a half belongs to the working set. */
export const WORKING_WINDOW_MS = 36 * 60 * 60 * 1000;
/** Rectification items opened this many days back keep their ticket's events. */
export const RECTIFY_HORIZON_DAYS = 35;
export const RECTIFY_HORIZON_MS = RECTIFY_HORIZON_DAYS * 24 * 60 * 60 * 1000;

/** Types kept whatever their age. */
export const PINNED_TYPES = ['config.changed', 'appointment.booked', 'appointment.cancelled', 'notice.published', 'notice.withdrawn', 'rectification.recorded'] as const;
const PINNED: ReadonlySet<string> = new Set(PINNED_TYPES);

export function isPinned(type: string): boolean {
  return PINNED.has(type);
}

/** The HLC from which every event is in the working set at `now`. */
export function workingSince(now: number): string {
  return formatHlc({ wall: now - WORKING_WINDOW_MS, count: 0 });
}

/** GET /api/sync/start: the working set with the serverSeq to pull after. */
export const StartResponseSchema = z.object({
  events: z.array(StoredEventSchema),
  /** serverSeq to pull after: every event of the hall up to it was considered. */
  last: z.number().int().nonnegative(),
  /** The HLC from which every event is included. */
  since: z.string(),
  now: z.number(),
});
export type StartResponse = z.infer<typeof StartResponseSchema>;

/**
 * The events (as `[origin, seq]`) behind the rectification items of a folded state that fall
 * within the horizon (or are still open): each item's ticket (issued event = ticket id, every
 * step of its history). A terminal keeps them when older history leaves.
 */
export function rectificationKeys(state: HallState, now: number): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  const seen = new Set<string>();
  const push = (origin: string, seq: number) => {
    const k = `${origin}:${seq}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push([origin, seq]);
  };
  for (const item of state.rectifications.values()) {
    if (item.status === 'closed' && item.openedAt < now - RECTIFY_HORIZON_MS) continue;
    const t = state.tickets.get(item.ticketId);
    if (!t) continue;
    const i = t.id.lastIndexOf(':');
    const seq = Number(t.id.slice(i + 1));
    if (i > 0 && Number.isInteger(seq)) push(t.id.slice(0, i), seq);
    for (const step of t.history) push(step.origin, step.seq);
  }
  return out;
}

/** Whether an event belongs to the working set by its type and time alone. */
export function inWindow(e: Pick<HallEvent, 'type' | 'hlc'>, since: string): boolean {
  return e.hlc >= since || isPinned(e.type);
}
