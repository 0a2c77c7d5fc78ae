/**
 * Time-zone helpers for the schedule engine (hall rule R5), built on ECMAScript Intl only.
 *
 * The expensive part, asking Intl for a zone's UTC offset, is done at most twice per zone and
 * UTC hour; everything else (date, weekday, minutes of the day) is derived arithmetically from
 * the offset. `localDate` runs for every event of a fold, so its hot path is a Map lookup plus
 * a little integer arithmetic.
 *
 * Calendar dates are 'YYYY-MM-DD' strings in the proleptic Gregorian calendar.
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** Cached offsets per zone before the zone's cache is cleared (bounds memory). */
const MAX_CACHED_HOURS = 10_000;

export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export interface ZonedParts {
  /** Local calendar date, 'YYYY-MM-DD'. */
  date: string;
  /** Local day of the week, 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** Whole minutes since local midnight (wall clock), 0 … 1439. */
  minutes: number;
  /** Local time minus UTC, in minutes (e.g. +480 for Asia/Shanghai, -240 for New York in summer). */
  offsetMinutes: number;
}

// ---------------------------------------------------------------------------------------------
// Civil calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days).

/** Days since 1970-01-01 of a proleptic Gregorian date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** 'YYYY-MM-DD' of a day number (years outside 0000-9999 get the ISO extended ±YYYYYY form). */
export function formatDayNumber(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y =
    year >= 0 && year <= 9999
      ? String(year).padStart(4, '0')
      : (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
  return `${y}-${pad2(month)}-${pad2(day)}`;
}

/** Day number (days since 1970-01-01) of a 'YYYY-MM-DD' date; throws RangeError if invalid. */
export function parseDayNumber(date: string): number {
  const days = tryParseDayNumber(date);
  if (days === undefined) throw new RangeError(`not a calendar date "YYYY-MM-DD": ${JSON.stringify(date)}`);
  return days;
}

/** Like parseDayNumber, but returns undefined for anything that is not a real calendar date. */
export function tryParseDayNumber(date: string): number | undefined {
  if (typeof date !== 'string' || !DATE_PATTERN.test(date)) return undefined;
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/** True for a real calendar date written 'YYYY-MM-DD' (so '2026-02-30' is false). */
export function isValidDate(date: string): boolean {
  return tryParseDayNumber(date) !== undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The date n days after (n < 0: before) a 'YYYY-MM-DD' date. */
export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addDays: n must be an integer, got ${n}`);
  return formatDayNumber(parseDayNumber(date) + n);
}

/** Day of the week of a 'YYYY-MM-DD' date, 0 = Sunday … 6 = Saturday (zone-independent). */
export function weekdayOf(date: string): number {
  return weekdayOfDayNumber(parseDayNumber(date));
}

function weekdayOfDayNumber(days: number): number {
  // 1970-01-01 was a Thursday (4).
  return (((days + 4) % 7) + 7) % 7;
}

// ---------------------------------------------------------------------------------------------
// Offsets.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // Throws RangeError for an unknown zone, which is what callers should see.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the time zone (IANA names such as 'Asia/Shanghai', 'UTC'). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset (local minus UTC, in ms) at an instant, straight from Intl (no cache). */
function intlOffsetMs(ms: number, timeZone: string): number {
  const t = Math.floor(ms / 1000) * 1000; // Intl prints whole seconds.
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of formatterFor(timeZone).formatToParts(t)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        // Some engines print 24 for midnight even with hourCycle 'h23'.
        hour = Number(part.value) % 24;
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = part.value.startsWith('B');
        break;
      default:
        break;
    }
  }
  if (bc) year = 1 - year;
  const localAsUtc = daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000;
  return localAsUtc - t;
}

/**
 * Per zone: UTC hour bucket -> offset in ms, or NaN when the zone's offset changes inside that
 * hour (a DST or zone transition not on a whole UTC hour, e.g. Australia/Adelaide at 16:30Z);
 * such rare hours are answered by Intl directly.
 */
const offsetCache = new Map<string, Map<number, number>>();
let lastZone = '';
let lastBucket = Number.NaN;
let lastOffset = 0;

function bucketOffset(bucket: number, timeZone: string): number {
  let zoneCache = offsetCache.get(timeZone);
  if (zoneCache === undefined) {
    zoneCache = new Map();
    offsetCache.set(timeZone, zoneCache);
  }
  let offset = zoneCache.get(bucket);
  if (offset === undefined) {
    const start = bucket * MS_PER_HOUR;
    const atStart = intlOffsetMs(start, timeZone);
    const atEnd = intlOffsetMs(start + MS_PER_HOUR - 1, timeZone);
    offset = atStart === atEnd ? atStart : Number.NaN;
    if (zoneCache.size >= MAX_CACHED_HOURS) zoneCache.clear();
    zoneCache.set(bucket, offset);
  }
  return offset;
}

/** The zone's offset (local minus UTC) in ms at an instant. */
export function offsetMsAt(ms: number, timeZone: string): number {
  if (!Number.isFinite(ms)) throw new RangeError(`not a finite timestamp: ${ms}`);
  const bucket = Math.floor(ms / MS_PER_HOUR);
  let offset: number;
  if (bucket === lastBucket && timeZone === lastZone) {
    offset = lastOffset;
  } else {
    offset = bucketOffset(bucket, timeZone);
    lastZone = timeZone;
    lastBucket = bucket;
    lastOffset = offset;
  }
  return Number.isNaN(offset) ? intlOffsetMs(ms, timeZone) : offset;
}

// ---------------------------------------------------------------------------------------------
// Instant -> local.

/** Local date, weekday, minutes since midnight and UTC offset of an instant in a zone. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const offsetMs = offsetMsAt(ms, timeZone);
  const local = Math.floor(ms) + offsetMs;
  const days = Math.floor(local / MS_PER_DAY);
  return {
    date: formatDayNumber(days),
    weekday: weekdayOfDayNumber(days),
    minutes: Math.floor((local - days * MS_PER_DAY) / MS_PER_MINUTE),
    offsetMinutes: offsetMs / MS_PER_MINUTE,
  };
}

let lastDateZone = '';
let lastDateDay = Number.NaN;
let lastDateString = '';

/** Local calendar date 'YYYY-MM-DD' of an instant in a zone. Hot path: cached, allocation-light. */
export function localDate(ms: number, timeZone: string): string {
  const days = Math.floor((Math.floor(ms) + offsetMsAt(ms, timeZone)) / MS_PER_DAY);
  if (days === lastDateDay && timeZone === lastDateZone) return lastDateString;
  const s = formatDayNumber(days);
  lastDateZone = timeZone;
  lastDateDay = days;
  lastDateString = s;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Local -> instant.

/**
 * All instants at which the zone's wall clock shows `minutes` after midnight of `date`, earliest
 * first: one normally, two in a fall-back overlap, none in a spring-forward gap. `minutes` may
 * be any integer (1440 = the next midnight, negative = the previous day).
 */
export function zonedTimeCandidates(date: string, minutes: number, timeZone: string): number[] {
  if (!Number.isFinite(minutes)) throw new RangeError(`not a finite number of minutes: ${minutes}`);
  const wall = parseDayNumber(date) * MS_PER_DAY + minutes * MS_PER_MINUTE;
  // Offsets are within ±24 h, so these two instants bracket every candidate; assumes at most one
  // offset transition within ±24 h of the wall time (true for all real zones in practice).
  const before = offsetMsAt(wall - MS_PER_DAY, timeZone);
  const after = offsetMsAt(wall + MS_PER_DAY, timeZone);
  const out: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const t = wall - offset;
    if (offsetMsAt(t, timeZone) === offset && !out.includes(t)) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The UTC instant (ms) at which the zone's wall clock shows `minutes` after midnight of `date`.
 *
 * - Fall-back overlap (the wall time occurs twice): the EARLIER instant, i.e. the first occurrence.
 * - Spring-forward gap (the wall time never occurs): the LATER of the two candidate instants,
 *   i.e. the wall time read with the offset in force before the transition. The result is the
 *   wall time pushed forward by the length of the gap: New York 2026-03-08 02:30 -> 03:30 EDT
 *   (07:30Z). This matches JS `Date` and Temporal's 'compatible' disambiguation.
 */
export function zonedTimeToUtc(date: string, minutes: number, timeZone: string): number {
  const candidates = zonedTimeCandidates(date, minutes, timeZone);
  const first = candidates[0];
  if (first !== undefined) return first;
  const wall = parseDayNumber(date) * MS_PER_DAY + minutes * MS_PER_MINUTE;
  return wall - offsetMsAt(wall - MS_PER_DAY, timeZone);
}
