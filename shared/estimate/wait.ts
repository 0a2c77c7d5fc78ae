/**
 * What the kiosk tells a citizen before printing: people ahead and expected minutes. Service
 * time is the median of the service's recent durations (robust to one long case); capacity is
 * the open windows serving the service, each counted by its share among the services it has
 * waiting tickets for.
 */
import type { PriorityClass } from '../config/schemas';
import type { HallState, TicketState } from '../fold/state';
import { classRank, compareFifo } from '../queue/rank';
import { localDate } from '../schedule/zone';

export interface WaitEstimate {
  ahead: number;
  minutes: number;
  /** Effective windows serving the service now (fractional when shared). */
  windows: number;
  minutesPerPerson: number;
}

const MIN_SAMPLES = 3;

export function minutesPerPerson(s: HallState, serviceId: string): number {
  const d = s.durations.get(serviceId);
  const fallback = s.config.services.get(serviceId)?.defaultServiceMinutes ?? 8;
  if (!d || d.length < MIN_SAMPLES) return fallback;
  const sorted = [...d].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.max(0.5, median / 60_000);
}

export function servingCapacity(s: HallState, serviceId: string, now: number): number {
  const day = localDate(now, s.config.schedule.timeZone);
  let capacity = 0;
  for (const win of s.config.windows.values()) {
    const ws = s.windows.get(win.id);
    if (!ws || ws.state !== 'open') continue;
    if (!win.services.some((x) => x.serviceId === serviceId)) continue;
    let loaded = 0;
    for (const x of win.services) {
      if (x.serviceId === serviceId || (s.waiting.get(`${day}|${x.serviceId}`)?.size ?? 0) > 0) loaded += 1;
    }
    capacity += 1 / Math.max(1, loaded);
  }
  return capacity;
}

function estimate(s: HallState, serviceId: string, ahead: number, now: number): WaitEstimate {
  const per = minutesPerPerson(s, serviceId);
  const windows = servingCapacity(s, serviceId, now);
  // No window open yet (before opening, all paused): estimate as if one window will serve.
  // A single shared window (capacity 0.5) is not rounded up to a whole one.
  const minutes = Math.ceil((ahead * per) / (windows > 0 ? windows : 1));
  return { ahead, minutes, windows, minutesPerPerson: per };
}

/** For a ticket about to be taken with this priority (an appointment's rank depends on its slot). */
export function estimateNewTicket(
  s: HallState,
  serviceId: string,
  priority: PriorityClass,
  now: number,
  slot?: { from: number; to: number },
): WaitEstimate {
  const policy = s.config.policy;
  const probe = { priority, queuedAt: now, queueKey: '\uffff', slotFrom: slot?.from, slotTo: slot?.to } as TicketState;
  const myRank = classRank(probe, policy, now);
  let ahead = 0;
  const day = localDate(now, s.config.schedule.timeZone);
  for (const id of s.waiting.get(`${day}|${serviceId}`) ?? []) {
    const t = s.tickets.get(id);
    if (t && t.status === 'waiting' && classRank(t, policy, now) <= myRank) ahead += 1;
  }
  return estimate(s, serviceId, ahead, now);
}

/** For a ticket already waiting (the progress page). Undefined if it is not waiting. */
export function estimateForTicket(s: HallState, ticketId: string, now: number): WaitEstimate | undefined {
  const me = s.tickets.get(ticketId);
  if (!me || me.status !== 'waiting') return undefined;
  const policy = s.config.policy;
  const myRank = classRank(me, policy, now);
  let ahead = 0;
  for (const id of s.waiting.get(`${me.day}|${me.serviceId}`) ?? []) {
    if (id === me.id) continue;
    const t = s.tickets.get(id);
    if (!t || t.status !== 'waiting') continue;
    const r = classRank(t, policy, now);
    if (r < myRank || (r === myRank && compareFifo(t, me) < 0)) ahead += 1;
  }
  return estimate(s, me.serviceId, ahead, now);
}
