/**
 * ID number validation for real-name registration (hall rule R19).
 *
 * Supported numbers:
 *
 * - 18 characters — resident identity card (居民身份证), Hong Kong / Macau /
 *   Taiwan residence permit (港澳台居民居住证, prefixes 810000 / 820000 /
 *   830000) and the 2023 foreigner permanent residence card (2023版外国人永久
 *   居留身份证, first digit '9'). Layout (GB 11643): 6-digit address code,
 *   8-digit birth date YYYYMMDD (0-based positions 6..13), 3-digit sequence
 *   code, 1 check character computed with ISO 7064 MOD 11-2 ('X' = 10).
 *
 * - 15 characters — the old foreigner permanent residence card (reader flag
 *   'I'): 3 uppercase Latin letters (nationality) + 12 digits.
 *   DECISION: only the shape is validated. Public descriptions of the 12-digit
 *   part disagree on where the embedded birth date sits (positions 5..10,
 *   6..11 and 7..12 all appear, with or without a trailing check digit of
 *   unspecified algorithm), so validating a date or check digit there would
 *   risk refusing genuine cards. For these cards the birth date comes from the
 *   reader's birth-date field instead (see toCardRead in card.ts), and
 *   `birthDate` is absent from the validation result.
 *
 * - 15 digits — a first-generation resident ID number (第一代居民身份证).
 *   DECISION: refused, with its own code 'first-generation' and a message that
 *   asks for the 18-digit number. Why:
 *   - First-generation cards have not been valid since 2013-01-01 (the 2011
 *     amendment of the Resident Identity Card Law: cards issued under the old
 *     regulations "自2013年1月1日起停止使用"), so they cannot back a real-name
 *     ticket or the identity check (R12, R19).
 *   - A card reader never yields one: the second-generation chip stores 18
 *     characters. Only a clerk typing from an old card or an old record can.
 *   - Converting it (insert '19', append a check digit) gives a number that is
 *     often, not always, the holder's present one (the address code changes when
 *     a person re-registers elsewhere), so the keyed hash (idHash) of a converted
 *     number could fail to match the person's own appointment, or match someone
 *     else's. Asking for the 18-digit number costs the clerk one question; a wrong
 *     identity costs far more.
 *   Until this decision a 15-digit number was refused as "must be 3 letters and
 *   12 digits", which told the clerk nothing useful.
 *
 * Not validated: the address / region code (beyond recognising the HMT permit
 * prefixes and the foreigner '9'), nor the sequence code.
 */

import { chinaDateOf, formatIsoDate, parseCompactDate, parseIsoDate } from './dates';

export type CardType = 'resident' | 'hmt-permit' | 'foreigner-old' | 'foreigner-2023';

/** What kind of document an ID number belongs to; same values as CardType. */
export type IdNumberKind = CardType;

/** A message shown to citizens (zh) and clerks / foreign citizens (en). */
export interface BilingualMessage {
  readonly zh: string;
  readonly en: string;
}

export type IdNumberErrorCode = 'empty' | 'length' | 'characters' | 'birth-date' | 'check-digit' | 'first-generation';

export type IdNumberValid = {
  ok: true;
  /** Normalised number: trimmed, full-width characters folded to ASCII, letters upper-case. */
  number: string;
  kind: IdNumberKind;
  /** 'YYYY-MM-DD'; present for all 18-character numbers, absent for 'foreigner-old'. */
  birthDate?: string;
};

export type IdNumberInvalid = {
  ok: false;
  code: IdNumberErrorCode;
  message: BilingualMessage;
};

export type IdNumberValidation = IdNumberValid | IdNumberInvalid;

/** Earliest accepted birth year in an 18-character number. */
export const MIN_BIRTH_YEAR = 1900;

export const ID_NUMBER_MESSAGES = {
  empty: {
    zh: '请输入证件号码',
    en: 'Please enter the ID number',
  },
  length: {
    zh: '证件号码位数不正确，应为18位（旧版外国人永久居留证为15位）',
    en: 'The ID number must have 18 characters (15 for the old foreigner permanent residence card)',
  },
  characters18: {
    zh: '证件号码格式不正确：前17位应为数字，最后一位为数字或X',
    en: 'The ID number is malformed: the first 17 characters must be digits and the last a digit or X',
  },
  characters15: {
    zh: '证件号码格式不正确：15位号码应为3位英文字母加12位数字',
    en: 'The ID number is malformed: a 15-character number must be 3 letters followed by 12 digits',
  },
  birthDate: {
    zh: '证件号码中的出生日期无效',
    en: 'The birth date contained in the ID number is not valid',
  },
  firstGeneration: {
    zh: '15位第一代居民身份证号码已于2013年1月1日停止使用，请提供第二代居民身份证上的18位号码',
    en: 'A 15-digit first-generation resident ID number has not been valid since 1 January 2013; please give the 18-digit number on the second-generation card',
  },
  checkDigit: {
    zh: '证件号码校验位不正确，请核对后重新输入',
    en: "The ID number's check digit is wrong; please check the number and enter it again",
  },
} as const satisfies Record<string, BilingualMessage>;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432'; // index = sum mod 11 → (12 - index) mod 11, 10 written as X

const RE_FIRST17 = /^\d{17}$/;
const RE_18 = /^\d{17}[\dX]$/;
const RE_15 = /^[A-Z]{3}\d{12}$/;
/** A first-generation resident ID number: 6-digit address, YYMMDD, 3-digit sequence. */
const RE_FIRST_GENERATION = /^\d{15}$/;
const HMT_PREFIXES = ['810000', '820000', '830000'] as const;

/**
 * Normalises a typed or read ID number: trims (including the ideographic
 * space U+3000), folds full-width ASCII (as typed with a Chinese IME in
 * full-width mode, e.g. '１１０…Ｘ') to half-width, and upper-cases letters
 * (so a trailing 'x' becomes 'X'). Does not validate anything.
 */
export function normaliseIdNumber(raw: string): string {
  return raw
    .trim()
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase();
}

/**
 * The ISO 7064 MOD 11-2 check character for the first 17 digits of an
 * 18-character ID number: '0'..'9' or 'X'.
 * @throws RangeError if `first17` is not exactly 17 ASCII digits.
 */
export function checkDigit(first17: string): string {
  if (!RE_FIRST17.test(first17)) {
    throw new RangeError('checkDigit: expected exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  }
  // CHECK_CHARS[m] == (12 - m) mod 11, with 10 written as 'X'.
  return CHECK_CHARS.charAt(sum % 11);
}

/**
 * True if `isoDate` is a real 'YYYY-MM-DD' day, in or after 1900 and not after
 * today — today being the calendar date of `now` in China Standard Time
 * (UTC+8), whatever the host's time zone. Someone born today is plausible.
 */
export function isPlausibleBirthDate(isoDate: string, now: Date = new Date()): boolean {
  const d = parseIsoDate(isoDate);
  // ISO dates of equal length compare correctly as strings.
  return d !== undefined && d.year >= MIN_BIRTH_YEAR && isoDate <= chinaDateOf(now);
}

function fail(code: IdNumberErrorCode, message: BilingualMessage): IdNumberInvalid {
  return { ok: false, code, message: { zh: message.zh, en: message.en } };
}

function kindOf18(n: string): IdNumberKind {
  if (n.startsWith('9')) return 'foreigner-2023';
  if (HMT_PREFIXES.some((p) => n.startsWith(p))) return 'hmt-permit';
  return 'resident';
}

/**
 * Validates an ID number (R19).
 *
 * Checks, in this order, reporting the first failure: empty → length (18, or
 * 15 for the old foreigner card) → first-generation (15 digits: refused, see
 * the DECISION above) → characters → birth date (18-character
 * numbers only: a real calendar day, year ≥ 1900, not after today) → check
 * digit (18-character numbers only).
 *
 * "Today" is the calendar date of `now` in China Standard Time (UTC+8),
 * regardless of the host's time zone; a person born today is accepted.
 *
 * @param now the current instant; defaults to `new Date()`.
 */
export function validateIdNumber(raw: string, now: Date = new Date()): IdNumberValidation {
  const n = normaliseIdNumber(raw);
  if (n === '') return fail('empty', ID_NUMBER_MESSAGES.empty);

  if (n.length === 15) {
    if (RE_FIRST_GENERATION.test(n)) return fail('first-generation', ID_NUMBER_MESSAGES.firstGeneration);
    if (!RE_15.test(n)) return fail('characters', ID_NUMBER_MESSAGES.characters15);
    return { ok: true, number: n, kind: 'foreigner-old' };
  }
  if (n.length !== 18) return fail('length', ID_NUMBER_MESSAGES.length);
  if (!RE_18.test(n)) return fail('characters', ID_NUMBER_MESSAGES.characters18);

  const date = parseCompactDate(n.slice(6, 14));
  const birthDate = date === undefined ? undefined : formatIsoDate(date);
  if (birthDate === undefined || !isPlausibleBirthDate(birthDate, now)) {
    return fail('birth-date', ID_NUMBER_MESSAGES.birthDate);
  }

  if (checkDigit(n.slice(0, 17)) !== n.charAt(17)) {
    return fail('check-digit', ID_NUMBER_MESSAGES.checkDigit);
  }

  return { ok: true, number: n, kind: kindOf18(n), birthDate };
}

/**
 * The birth date ('YYYY-MM-DD') embedded in a valid 18-character ID number.
 * Returns undefined if the number does not pass validateIdNumber (so a
 * mistyped number never yields a plausible-looking date) and for the old
 * 15-character foreigner card, whose embedded date is not relied on.
 */
export function birthDateFromIdNumber(n: string, now: Date = new Date()): string | undefined {
  const v = validateIdNumber(n, now);
  return v.ok ? v.birthDate : undefined;
}
