/**
 * What the kiosk tells a citizen before printing: people ahead and expected minutes. Service
 * time is the median of the service's recent durations (robust to one long case); capacity is
 * the open windows serving the service, each counted by its share among the services it has
 * waiting tickets for.
 *
 * Issue 17 (honest waits): with no open window serving the service, no wait is promised: the
 * estimate says so (`noOpenWindow`) and, when the schedule knows, when service opens next
 * (`nextOpening`). The kiosk, the printed ticket and the phone page all word it with
 * `waitText` / `waitLine` below, so the three always agree.
 */
import type { PriorityClass } from '../config/schemas';
import type { Bilingual } from '../config/text';
import type { HallState, TicketState } from '../fold/state';
import { classRank, compareFifo } from '../queue/rank';
import { availability } from '../schedule/availability';
import { localDate, zonedParts } from '../schedule/zone';

export interface WaitEstimate {
  ahead: number;
  /** Meaningful only when a window is open (`noOpenWindow` false). */
  minutes: number;
  /** Effective windows serving the service now (fractional when shared). */
  windows: number;
  minutesPerPerson: number;
  /** No window serving this service is open (closed or paused): no wait can be promised. */
  noOpenWindow: boolean;
  /** With no open window: when the schedule next opens the service (UTC ms), if it knows. */
  nextOpening?: number;
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
  // No window open (before opening, all closed or paused): the minutes are as if one window
  // served, for whoever needs a number, but no screen shows them (noOpenWindow).
  // A single shared window (capacity 0.5) is not rounded up to a whole one.
  const minutes = Math.ceil((ahead * per) / (windows > 0 ? windows : 1));
  const e: WaitEstimate = { ahead, minutes, windows, minutesPerPerson: per, noOpenWindow: windows <= 0 };
  if (e.noOpenWindow) {
    const next = nextOpening(s, serviceId, now);
    if (next !== undefined) e.nextOpening = next;
  }
  return e;
}

/**
 * When the schedule next opens a service that is not open now (before hours, lunch, after
 * hours, a holiday, appointment-only); undefined when the timetable says it is open now (the
 * windows are simply closed or paused: nobody knows when a clerk comes back).
 */
export function nextOpening(s: HallState, serviceId: string, now: number): number | undefined {
  const service = s.config.services.get(serviceId);
  const a = availability(s.config.schedule, service?.schedule, now);
  if (a.state === 'open') return undefined;
  return a.nextOpen?.at;
}

/** The three ways a wait can read. */
export type WaitKind = 'no-window' | 'no-wait' | 'minutes';

export function waitKind(w: Pick<WaitEstimate, 'ahead' | 'noOpenWindow'>): WaitKind {
  if (w.noOpenWindow) return 'no-window';
  return w.ahead === 0 ? 'no-wait' : 'minutes';
}

type WaitWords = Pick<WaitEstimate, 'ahead' | 'minutes' | 'noOpenWindow' | 'nextOpening'>;

const pad2 = (n: number) => String(n).padStart(2, '0');
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "09:00" today, "11月24日 09:00" / "24 Nov 09:00" another day, in the hall's time zone. */
export function openingText(at: number, timeZone: string, now: number): Bilingual {
  const p = zonedParts(at, timeZone);
  const hm = `${pad2(Math.floor(p.minutes / 60))}:${pad2(p.minutes % 60)}`;
  if (p.date === localDate(now, timeZone)) return { zh: hm, en: hm };
  const [, m, d] = p.date.split('-').map(Number) as [number, number, number];
  return { zh: `${m}月${d}日 ${hm}`, en: `${d} ${MONTHS_EN[m - 1]} ${hm}` };
}

/** Minutes as the citizen reads them: "8 分钟", "1 小时 5 分钟" / "8 min", "1 h 5 min". */
export function minutesText(m: number): Bilingual {
  const n = Math.max(1, Math.round(m));
  if (n < 120) return { zh: `${n} 分钟`, en: `${n} min` };
  const h = Math.floor(n / 60);
  return { zh: `${h} 小时 ${n % 60} 分钟`, en: `${h} h ${n % 60} min` };
}

function noWindowText(w: WaitWords, timeZone: string, now: number): Bilingual {
  if (w.nextOpening === undefined) return { zh: '暂无窗口开放，无法估计等候时间', en: 'No window is open now: no wait time can be given' };
  const when = openingText(w.nextOpening, timeZone, now);
  return { zh: `暂无窗口开放，预计 ${when.zh} 起办理`, en: `No window is open now: service from ${when.en}` };
}

/** The expected wait, after a label "预计等候 / Expected wait" (the kiosk's fact, the phone page). */
export function waitText(w: WaitWords, timeZone: string, now: number): Bilingual {
  switch (waitKind(w)) {
    case 'no-window':
      return noWindowText(w, timeZone, now);
    case 'no-wait':
      return { zh: '无需等候', en: 'No wait' };
    case 'minutes': {
      const m = minutesText(w.minutes);
      return { zh: `约 ${m.zh}`, en: `about ${m.en}` };
    }
  }
}

/** The wait as a line of its own (the printed ticket, the ticket screen, the phone page). */
export function waitLine(w: WaitWords, timeZone: string, now: number): Bilingual {
  switch (waitKind(w)) {
    case 'no-window':
      return noWindowText(w, timeZone, now);
    case 'no-wait':
      return { zh: '无需等候，请留意叫号', en: 'No wait: watch for your number' };
    case 'minutes': {
      const m = minutesText(w.minutes);
      return { zh: `预计等候约 ${m.zh}`, en: `Expected wait about ${m.en}` };
    }
  }
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
