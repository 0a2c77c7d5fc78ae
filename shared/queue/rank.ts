/**
 * Queue order (R7): green channel, then appointments in their slot, then special groups
 * (elderly, soldiers and veterans, disabled...), then everyone else; FIFO inside a class.
 * Ranking depends on the moment (an appointment ranks as such only around its slot), so it is
 * computed when a window calls, never stored.
 */
import type { Policy, PriorityClass } from '../config/schemas';
import type { TicketState } from '../fold/state';

const MINUTE = 60_000;
const CLASS_RANK: Record<PriorityClass, number> = { green: 0, appointment: 1, special: 2, normal: 3 };

export function classRank(t: TicketState, policy: Policy, now: number): number {
  if (t.priority !== 'appointment') return CLASS_RANK[t.priority];
  if (t.slotFrom === undefined || t.slotTo === undefined) return CLASS_RANK.normal;
  const from = t.slotFrom - policy.appointmentEarlyMinutes * MINUTE;
  const to = t.slotTo + policy.appointmentLateMinutes * MINUTE;
  return now >= from && now <= to ? CLASS_RANK.appointment : CLASS_RANK.normal;
}

export function isPriorityRank(rank: number): boolean {
  return rank < CLASS_RANK.normal;
}

/** FIFO inside a class: queue time, then the queuing event's (hlc, origin). */
export function compareFifo(a: TicketState, b: TicketState): number {
  if (a.queuedAt !== b.queuedAt) return a.queuedAt - b.queuedAt;
  return a.queueKey < b.queueKey ? -1 : a.queueKey > b.queueKey ? 1 : 0;
}
