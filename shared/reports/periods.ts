/**
 * R16: statistics counted daily, summed weekly, analysed monthly, reviewed quarterly. A period
 * around a date, as a range of calendar days in the hall's time zone (days inclusive).
 */
import { addDays, parseDayNumber, weekdayOf } from '../schedule/zone';
import { MAX_REPORT_DAYS, type Period, type ReportQuery } from './report';

export interface DayRange {
  from: string;
  to: string;
}

/** The day, week (Monday to Sunday, as Chinese calendars count), month or quarter of `date`. */
export function periodRange(period: Period, date: string): DayRange {
  parseDayNumber(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  switch (period) {
    case 'day':
      return { from: date, to: date };
    case 'week': {
      const monday = addDays(date, -((weekdayOf(date) + 6) % 7));
      return { from: monday, to: addDays(monday, 6) };
    }
    case 'month':
      return { from: firstOfMonth(year, month), to: addDays(firstOfMonth(year, month + 1), -1) };
    case 'quarter': {
      const first = month - ((month - 1) % 3);
      return { from: firstOfMonth(year, first), to: addDays(firstOfMonth(year, first + 3), -1) };
    }
  }
}

function firstOfMonth(year: number, month: number): string {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((month - 1) % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
}

/** Calendar days from `from` to `to`, both included (0 when `to` is before `from`). */
export function daysInRange(from: string, to: string): number {
  return Math.max(0, parseDayNumber(to) - parseDayNumber(from) + 1);
}

export type RangeResult = ({ ok: true } & DayRange) | { ok: false; code: string; message: string; messageZh: string };

/** The days a parsed query asks for; `today` is the hall's date, for a period without a date. */
export function resolveRange(q: ReportQuery, today: string): RangeResult {
  const r = q.from !== undefined && q.to !== undefined ? { from: q.from, to: q.to } : periodRange(q.period ?? 'day', q.date ?? today);
  if (r.to < r.from) return { ok: false, code: 'bad-range', message: `to (${r.to}) is before from (${r.from})`, messageZh: '结束日期早于开始日期' };
  const days = daysInRange(r.from, r.to);
  if (days > MAX_REPORT_DAYS) {
    return { ok: false, code: 'range-too-long', message: `a report covers at most ${MAX_REPORT_DAYS} days; this range has ${days}`, messageZh: `报表最多覆盖 ${MAX_REPORT_DAYS} 天` };
  }
  return { ok: true, ...r };
}
