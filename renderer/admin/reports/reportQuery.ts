/**
 * What the reports tab asks the server for: a period (day, week, month, quarter) around a date,
 * or a custom range of days, grouped by hall, service, window or staff. Pure functions: the
 * query string, stepping to the previous / next period, checking a custom range, the title.
 */
import type { Bilingual } from '../../../shared/config/text';
import { daysInRange, periodRange, type DayRange } from '../../../shared/reports/periods';
import { MAX_REPORT_DAYS, type GroupBy, type Period } from '../../../shared/reports/report';
import { addDays, isValidDate, weekdayOf } from '../../../shared/schedule/zone';

export type ReportPeriod = Period | 'custom';

export const REPORT_PERIODS: ReadonlyArray<{ value: ReportPeriod; label: Bilingual }> = [
  { value: 'day', label: { zh: '日报', en: 'Day' } },
  { value: 'week', label: { zh: '周报', en: 'Week' } },
  { value: 'month', label: { zh: '月报', en: 'Month' } },
  { value: 'quarter', label: { zh: '季报', en: 'Quarter' } },
  { value: 'custom', label: { zh: '自定义时段', en: 'Custom range' } },
];

export const REPORT_GROUP_BYS: ReadonlyArray<{ value: GroupBy; label: Bilingual }> = [
  { value: 'service', label: { zh: '按业务', en: 'By service' } },
  { value: 'window', label: { zh: '按窗口', en: 'By window' } },
  { value: 'staff', label: { zh: '按工作人员', en: 'By staff' } },
  { value: 'hall', label: { zh: '全大厅', en: 'Whole hall' } },
];

/** The query bar's state. `date` is used by the periods, `from` / `to` by the custom range. */
export interface ReportRequest {
  period: ReportPeriod;
  date: string;
  from: string;
  to: string;
  groupBy: GroupBy;
}

export type ReportFile = 'json' | 'csv' | 'xlsx';

/** The starting query: today's report by service. */
export function defaultRequest(today: string): ReportRequest {
  return { period: 'day', date: today, from: today, to: today, groupBy: 'service' };
}

/** The days the request covers (for a period: the period around its date). */
export function requestRange(r: ReportRequest): DayRange {
  return r.period === 'custom' ? { from: r.from, to: r.to } : periodRange(r.period, r.date);
}

/** Why the request cannot be sent (bad dates, a range backwards or too long); null when fine. */
export function requestProblem(r: ReportRequest): Bilingual | null {
  if (r.period !== 'custom') {
    return isValidDate(r.date) ? null : { zh: '请选择日期', en: 'Choose a date' };
  }
  if (!isValidDate(r.from) || !isValidDate(r.to)) return { zh: '请选择开始和结束日期', en: 'Choose the first and the last day' };
  if (r.to < r.from) return { zh: '结束日期早于开始日期', en: 'The last day is before the first day' };
  const days = daysInRange(r.from, r.to);
  if (days > MAX_REPORT_DAYS) {
    return { zh: `报表最多覆盖 ${MAX_REPORT_DAYS} 天（所选 ${days} 天），请按季度查看`, en: `A report covers at most ${MAX_REPORT_DAYS} days (this range has ${days}); look at it by quarter` };
  }
  return null;
}

/** The query string the server reads (period + date, or from + to), always with groupBy. */
export function reportQueryString(r: ReportRequest): string {
  const q = new URLSearchParams();
  if (r.period === 'custom') {
    q.set('from', r.from);
    q.set('to', r.to);
  } else {
    q.set('period', r.period);
    q.set('date', r.date);
  }
  q.set('groupBy', r.groupBy);
  return q.toString();
}

/** The endpoint of a report (JSON) or its export (CSV, XLSX) on a server. */
export function reportUrl(server: string, r: ReportRequest, file: ReportFile = 'json'): string {
  const path = file === 'json' ? '/api/admin/reports' : `/api/admin/reports.${file}`;
  return `${server.replace(/\/+$/, '')}${path}?${reportQueryString(r)}`;
}

/**
 * Two requests asking for the same report get the same key (a period is keyed by its range, so
 * any date in April asks for the same month).
 */
export function requestKey(r: ReportRequest): string {
  const range = requestRange(r);
  return `${r.period === 'custom' ? 'custom' : r.period}:${range.from}:${range.to}:${r.groupBy}`;
}

/**
 * The previous (dir -1) or next (dir 1) period: its date is the period's first day. A custom
 * range moves by its own length.
 */
export function stepRequest(r: ReportRequest, dir: -1 | 1): ReportRequest {
  if (r.period === 'custom') {
    const n = daysInRange(r.from, r.to) * dir;
    return { ...r, from: addDays(r.from, n), to: addDays(r.to, n) };
  }
  const range = periodRange(r.period, r.date);
  const date = dir < 0 ? periodRange(r.period, addDays(range.from, -1)).from : addDays(range.to, 1);
  return { ...r, date };
}

/** Whether the next period has begun by `today` (later ones are all empty). */
export function canStepForward(r: ReportRequest, today: string): boolean {
  if (requestProblem(r)) return false;
  return requestRange(stepRequest(r, 1)).from <= today;
}

/**
 * Another period chosen: a custom range starts as the period shown so far; a period after a
 * custom range is the one its last day falls in.
 */
export function withPeriod(r: ReportRequest, period: ReportPeriod): ReportRequest {
  if (period === r.period) return r;
  if (period === 'custom') {
    const range = requestProblem(r) ? { from: r.from, to: r.to } : requestRange(r);
    return { ...r, period, ...range };
  }
  if (r.period === 'custom') return { ...r, period, date: isValidDate(r.to) ? r.to : r.date };
  return { ...r, period };
}

const WEEKDAYS_ZH = ['日', '一', '二', '三', '四', '五', '六'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const QUARTERS_ZH = ['一', '二', '三', '四'];

const ymd = (d: string) => ({ y: Number(d.slice(0, 4)), m: Number(d.slice(5, 7)), d: Number(d.slice(8, 10)) });

/**
 * How people name the days a report covers: 2026年5月 / May 2026, 2026年第二季度 / Q2 2026, a week
 * or a range from its first to its last day, a single day with its weekday.
 */
export function rangeTitle(period: ReportPeriod, from: string, to: string): Bilingual {
  const a = ymd(from);
  const b = ymd(to);
  if (from === to) {
    const wd = weekdayOf(from);
    return { zh: `${a.y}年${a.m}月${a.d}日 星期${WEEKDAYS_ZH[wd]}`, en: `${WEEKDAYS_EN[wd]} ${a.d} ${MONTHS_EN[a.m - 1]} ${a.y}` };
  }
  const whole = period !== 'custom' && periodRange(period, from).to === to;
  if (whole && period === 'month') return { zh: `${a.y}年${a.m}月`, en: `${MONTHS_EN[a.m - 1]} ${a.y}` };
  if (whole && period === 'quarter') {
    const q = Math.floor((a.m - 1) / 3);
    return { zh: `${a.y}年第${QUARTERS_ZH[q]}季度`, en: `Q${q + 1} ${a.y}` };
  }
  const zhTo = b.y !== a.y ? `${b.y}年${b.m}月${b.d}日` : `${b.m}月${b.d}日`;
  const enFrom = b.y !== a.y ? `${a.d} ${MONTHS_EN[a.m - 1]} ${a.y}` : b.m !== a.m ? `${a.d} ${MONTHS_EN[a.m - 1]}` : `${a.d}`;
  return { zh: `${a.y}年${a.m}月${a.d}日 至 ${zhTo}`, en: `${enFrom} – ${b.d} ${MONTHS_EN[b.m - 1]} ${b.y}` };
}
