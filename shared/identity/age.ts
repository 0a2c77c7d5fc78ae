/**
 * Age calculation for priority service (hall rule R12: elderly citizens).
 */

import { parseIsoDate } from './dates';
import type { CalendarDate } from './dates';

/** Default age, in completed years, from which a citizen counts as elderly. */
export const ELDERLY_AGE_YEARS = 60;

function parseOrThrow(what: string, s: string): CalendarDate {
  const d = parseIsoDate(s);
  if (d === undefined) throw new RangeError(`ageOn: ${what} must be a real date 'YYYY-MM-DD' (got '${s}')`);
  return d;
}

/**
 * Age in completed years (周岁) on `onDate`; both dates 'YYYY-MM-DD'.
 *
 * The age increases on the birthday itself. A 29 February birthday is reached
 * on 1 March in non-leap years (on 28 February the person is still the
 * previous age) — the plain month/day comparison gives exactly this.
 * If `onDate` precedes `birthDate` the result is negative.
 *
 * @throws RangeError if either argument is not a real 'YYYY-MM-DD' date.
 */
export function ageOn(birthDate: string, onDate: string): number {
  const b = parseOrThrow('birthDate', birthDate);
  const o = parseOrThrow('onDate', onDate);
  let years = o.year - b.year;
  if (o.month < b.month || (o.month === b.month && o.day < b.day)) years -= 1;
  return years;
}

/**
 * True if the person is at least `thresholdYears` old (completed years) on
 * `onDate` — i.e. from the day of their 60th birthday by default.
 */
export function isElderly(birthDate: string, onDate: string, thresholdYears: number = ELDERLY_AGE_YEARS): boolean {
  return ageOn(birthDate, onDate) >= thresholdYears;
}
