/**
 * Availability of a service at an instant (hall rule R5).
 *
 * Decisions (see also the tests in tests/unit/schedule.test.ts):
 *
 * - Day type. A date in `holidays` is closed all day, even a weekday. A date in `adjustedWorkdays`
 *   (调休) is a workday, even a Saturday/Sunday, and follows the timetable of its `as` weekday.
 *   A date may not be in both (the config schema rejects it); should an unvalidated config do it
 *   anyway, the holiday wins.
 * - A service's `weekly` replaces the hall's weekly timetable for that service; holidays and
 *   adjusted workdays still apply. `appointmentOnly` turns every period into an appointment
 *   period, and the reason becomes 'appointment-service' (instead of 'appointment-period').
 * - Cut-off. With L = the end of the day's last OPEN (walk-in) period, walk-in tickets stop at
 *   L - cutoffMinutes: [L - cutoffMinutes, L) is 'appointment-only' with reason 'cut-off', so
 *   booked citizens can still check in, and the extended appointment periods after L (R5:
 *   17:00-17:30 on workdays) stay usable to their end. With the R5 default timetable walk-ins
 *   stop at 16:30. A day with no open period has no cut-off (appointments run to their end).
 *   The service's `cutoffMinutes` replaces the hall's.
 * - Quota. When `issuedToday >= dailyQuota` the service is closed 'quota-reached' for the rest of
 *   the day (unless the day is already over, or a holiday / not a workday, whose reasons win).
 *   The quota is checked before the cut-off and the timetable: nothing more is issued today.
 * - `until` is the instant, later today, at which `state` changes (e.g. appointment-only at 08:45
 *   -> until 09:00; open at 10:00 -> until 16:30 when the cut-off starts; cut-off at 16:45 -> until
 *   17:30, after the extended period). It is omitted when the state lasts to the end of the local
 *   day (after hours, quota reached, holidays).
 * - `nextOpen`, for every state but 'open': the first instant after `atMs`, today or within the
 *   next 14 days, at which walk-in tickets can be taken ({ mode: 'open' }); the cut-off is taken
 *   into account and the quota is assumed to reset each day. When the state is 'closed' and no
 *   walk-in opening exists in that window, the first instant appointment tickets can be taken
 *   ({ mode: 'appointment' }). When the state is 'appointment-only' and no walk-in opening is
 *   found, nextOpen is omitted (appointments are being taken right now). When the quota is
 *   reached the search starts the next day.
 * - All times are wall-clock times in `hall.timeZone`. Around DST transitions boundaries are
 *   mapped to instants with zonedTimeCandidates / zonedTimeToUtc (a wall time in a gap is pushed
 *   forward by the gap; in an overlap the first occurrence after `atMs` is used).
 */
import type { Period, PeriodMode, ScheduleConfig, ServiceSchedule, WeekdayKey, WorkdayKey } from './config';
import { WEEKDAY_KEYS, formatHHMM, parseHHMM } from './config';
import { addDays, weekdayOf, zonedParts, zonedTimeCandidates, zonedTimeToUtc } from './zone';

export type AvailabilityState = 'open' | 'appointment-only' | 'closed';

export type AvailabilityReason =
  | 'open'
  | 'appointment-period'
  | 'appointment-service'
  | 'holiday'
  | 'not-a-workday'
  | 'before-hours'
  | 'after-hours'
  | 'between-periods'
  | 'cut-off'
  | 'quota-reached';

export interface Availability {
  state: AvailabilityState;
  reason: AvailabilityReason;
  /** Local date (hall time zone) of `atMs`, 'YYYY-MM-DD'. */
  date: string;
  /** When `state` changes, if that happens later the same local day (UTC ms). */
  until?: number;
  /** For every state but 'open': when walk-in (or, failing that, appointment) tickets can next be taken. */
  nextOpen?: { at: number; mode: PeriodMode };
  /** Present when the service has a daily quota. */
  quota?: { limit: number; issued: number; left: number };
}

/** How a local date is classified before timetables are applied. */
export type DayType =
  | { kind: 'holiday' }
  | { kind: 'adjusted-workday'; as: WorkdayKey }
  | { kind: 'regular'; weekday: WeekdayKey };

/** Search window for nextOpen: today and this many following days. */
export const NEXT_OPEN_SEARCH_DAYS = 14;

const DAY_MINUTES = 1440;

export function dayType(hall: ScheduleConfig, date: string): DayType {
  const weekday = WEEKDAY_KEYS[weekdayOf(date)] ?? 'sun';
  if (hall.holidays.includes(date)) return { kind: 'holiday' };
  const adjusted = hall.adjustedWorkdays.find((a) => a.date === date);
  if (adjusted !== undefined) return { kind: 'adjusted-workday', as: adjusted.as };
  return { kind: 'regular', weekday };
}

interface EffectivePeriod {
  from: number;
  to: number;
  mode: PeriodMode;
  /** The service is appointment-only (reason 'appointment-service' for all its periods). */
  byService: boolean;
}

interface EffectiveDay {
  holiday: boolean;
  periods: EffectivePeriod[];
}

function effectiveDay(hall: ScheduleConfig, service: ServiceSchedule | undefined, date: string): EffectiveDay {
  const type = dayType(hall, date);
  if (type.kind === 'holiday') return { holiday: true, periods: [] };
  const weekly = service?.weekly ?? hall.weekly;
  const key: WeekdayKey = type.kind === 'adjusted-workday' ? type.as : type.weekday;
  const appointmentOnly = service?.appointmentOnly === true;
  const periods = (weekly[key] ?? []).map(
    (p): EffectivePeriod => ({
      from: parseHHMM(p.from),
      to: parseHHMM(p.to),
      mode: appointmentOnly ? 'appointment' : p.mode,
      byService: appointmentOnly,
    }),
  );
  return { holiday: false, periods };
}

/**
 * The effective periods of a local date for a service (or the hall when `service` is undefined):
 * [] on holidays and days without periods; an adjusted workday gets its `as` weekday's periods;
 * a service's weekly override and appointmentOnly are applied. The cut-off is not reflected here.
 */
export function dayTimetable(hall: ScheduleConfig, service: ServiceSchedule | undefined, date: string): Period[] {
  return effectiveDay(hall, service, date).periods.map((p) => ({
    from: formatHHMM(p.from),
    to: formatHHMM(p.to),
    mode: p.mode,
  }));
}

interface Segment {
  /** [start, end) in minutes since local midnight. */
  start: number;
  end: number;
  state: AvailabilityState;
  reason: AvailabilityReason;
}

/** The whole local day cut into segments of constant state and reason, covering [0, 1440). */
function daySegments(day: EffectiveDay, cutoffMinutes: number): Segment[] {
  const { periods } = day;
  const first = periods[0];
  const last = periods[periods.length - 1];
  if (first === undefined || last === undefined) {
    return [{ start: 0, end: DAY_MINUTES, state: 'closed', reason: day.holiday ? 'holiday' : 'not-a-workday' }];
  }
  const lastEnd = last.to;
  const openEnds = periods.filter((q) => q.mode === 'open').map((q) => q.to);
  const lastOpenEnd = openEnds.length ? Math.max(...openEnds) : -1;
  const cutoffStart = lastOpenEnd < 0 ? -1 : Math.max(0, lastOpenEnd - cutoffMinutes);

  const classify = (m: number): Pick<Segment, 'state' | 'reason'> => {
    if (m >= lastEnd) return { state: 'closed', reason: 'after-hours' };
    if (m < first.from) return { state: 'closed', reason: 'before-hours' };
    const p = periods.find((q) => m >= q.from && m < q.to);
    if (p === undefined) return { state: 'closed', reason: 'between-periods' };
    if (p.mode === 'open' && m >= cutoffStart && cutoffStart >= 0) return { state: 'appointment-only', reason: 'cut-off' };
    if (p.mode === 'open') return { state: 'open', reason: 'open' };
    return { state: 'appointment-only', reason: p.byService ? 'appointment-service' : 'appointment-period' };
  };

  const bounds = new Set<number>([0, DAY_MINUTES, lastEnd]);
  if (cutoffStart >= 0) bounds.add(cutoffStart);
  for (const p of periods) {
    bounds.add(p.from);
    bounds.add(Math.min(p.to, DAY_MINUTES));
  }
  const sorted = [...bounds].filter((b) => b >= 0 && b <= DAY_MINUTES).sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i] ?? 0;
    const end = sorted[i + 1] ?? DAY_MINUTES;
    const c = classify(start);
    const prev = segments[segments.length - 1];
    if (prev !== undefined && prev.state === c.state && prev.reason === c.reason) prev.end = end;
    else segments.push({ start, end, ...c });
  }
  return segments;
}

/** The first instant after `afterMs` at which the wall clock shows `minutes` on `date`. */
function instantAfter(date: string, minutes: number, timeZone: string, afterMs: number): number | undefined {
  const candidates = zonedTimeCandidates(date, minutes, timeZone);
  if (candidates.length === 0) candidates.push(zonedTimeToUtc(date, minutes, timeZone));
  return candidates.find((t) => t > afterMs);
}

function cutoffFor(hall: ScheduleConfig, service: ServiceSchedule | undefined): number {
  return service?.cutoffMinutes ?? hall.cutoffMinutes;
}

/**
 * Whether tickets for a service (or the hall, when `service` is undefined) can be taken at
 * `atMs`, given how many tickets the service has issued so far on that local day.
 */
export function availability(
  hall: ScheduleConfig,
  service: ServiceSchedule | undefined,
  atMs: number,
  issuedToday = 0,
): Availability {
  const timeZone = hall.timeZone;
  const { date, minutes } = zonedParts(atMs, timeZone);
  const cutoff = cutoffFor(hall, service);
  const segments = daySegments(effectiveDay(hall, service, date), cutoff);
  const index = segments.findIndex((s) => minutes >= s.start && minutes < s.end);
  const current = segments[index] ?? { start: 0, end: DAY_MINUTES, state: 'closed', reason: 'not-a-workday' };

  const result: Availability = { state: current.state, reason: current.reason, date };

  const limit = service?.dailyQuota;
  let quotaReached = false;
  if (limit !== undefined) {
    result.quota = { limit, issued: issuedToday, left: Math.max(0, limit - issuedToday) };
    const dayOver = current.reason === 'holiday' || current.reason === 'not-a-workday' || current.reason === 'after-hours';
    if (issuedToday >= limit && !dayOver) {
      quotaReached = true;
      result.state = 'closed';
      result.reason = 'quota-reached';
    }
  }

  if (!quotaReached) {
    let j = index + 1;
    while (j < segments.length && segments[j]?.state === current.state) j++;
    const change = segments[j];
    if (change !== undefined && change.start < DAY_MINUTES) {
      const until = instantAfter(date, change.start, timeZone, atMs);
      if (until !== undefined) result.until = until;
    }
  }

  if (result.state !== 'open') {
    const firstDay = quotaReached ? 1 : 0;
    const find = (state: AvailabilityState): number | undefined => {
      for (let d = firstDay; d <= NEXT_OPEN_SEARCH_DAYS; d++) {
        const day = d === 0 ? date : addDays(date, d);
        const segs = d === 0 ? segments : daySegments(effectiveDay(hall, service, day), cutoff);
        for (const s of segs) {
          if (s.state !== state || (d === 0 && s.start <= minutes)) continue;
          const at = instantAfter(day, s.start, timeZone, atMs);
          if (at !== undefined) return at;
        }
      }
      return undefined;
    };
    const walkIn = find('open');
    if (walkIn !== undefined) {
      result.nextOpen = { at: walkIn, mode: 'open' };
    } else if (result.state === 'closed') {
      const appointment = find('appointment-only');
      if (appointment !== undefined) result.nextOpen = { at: appointment, mode: 'appointment' };
    }
  }

  return result;
}
