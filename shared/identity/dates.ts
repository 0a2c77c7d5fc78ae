/**
 * Small calendar-date helpers for the identity module (internal; a few are
 * re-exported from index.ts). Dates are plain 'YYYY-MM-DD' strings on the
 * proleptic Gregorian calendar — no time zones, no Date objects in the data.
 */

export interface CalendarDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  switch (month) {
    case 2:
      return isLeapYear(year) ? 29 : 28;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    default:
      return 31;
  }
}

export function isRealDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

function fromMatch(m: RegExpExecArray | null): CalendarDate | undefined {
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return isRealDate(year, month, day) ? { year, month, day } : undefined;
}

/** Parses a strict 'YYYY-MM-DD' string that names a real calendar day. */
export function parseIsoDate(s: string): CalendarDate | undefined {
  return fromMatch(ISO_DATE.exec(s));
}

/** Parses a strict 'YYYYMMDD' string (as embedded in ID numbers and sent by card readers). */
export function parseCompactDate(s: string): CalendarDate | undefined {
  return fromMatch(COMPACT_DATE.exec(s));
}

/** True if `s` is 'YYYY-MM-DD' and names a real calendar day (e.g. not 1999-02-30). */
export function isIsoDate(s: string): boolean {
  return parseIsoDate(s) !== undefined;
}

export function formatIsoDate(d: CalendarDate): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** China Standard Time is UTC+8 all year (no daylight saving time). */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * The calendar date of the instant `now` in China Standard Time (UTC+8), as
 * 'YYYY-MM-DD'. Independent of the host machine's time zone setting, so a
 * kiosk with a mis-set time zone still agrees with the server.
 */
export function chinaDateOf(now: Date): string {
  const t = now.getTime();
  if (!Number.isFinite(t)) throw new RangeError('chinaDateOf: invalid Date');
  const shifted = new Date(t + CHINA_OFFSET_MS);
  return formatIsoDate({
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  });
}
