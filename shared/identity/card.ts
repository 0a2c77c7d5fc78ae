/**
 * What an ID card reader delivers to the screens (R19, R21).
 *
 * The reader adapter obtains the raw card data (number, name, birth date, …);
 * toCardRead turns it into a CardRead, which carries only the keyed hash and
 * the masked forms — never the full number, the full name or the photo.
 */

import { z } from 'zod';
import { formatIsoDate, isIsoDate, parseCompactDate, parseIsoDate } from './dates';
import { idHash } from './keyedHash';
import { ID_NUMBER_MESSAGES, isPlausibleBirthDate, validateIdNumber } from './idNumber';
import type { BilingualMessage, CardType, IdNumberErrorCode } from './idNumber';
import { maskIdNumber, maskName } from './mask';

export const CARD_TYPES = ['resident', 'hmt-permit', 'foreigner-old', 'foreigner-2023'] as const satisfies readonly CardType[];

export const CardTypeSchema = z.enum(CARD_TYPES);

/** 'YYYY-MM-DD' naming a real calendar day. */
export const IsoDateSchema = z.string().refine(isIsoDate, { message: "expected a real date 'YYYY-MM-DD'" });

/** Long-term validity as printed on the card. */
export const VALID_TO_LONG_TERM = '长期';

/**
 * A card read as the screens see it. Strict: unknown keys are refused, so a
 * raw `idNumber` / `name` / photo can never ride along.
 */
export const CardReadSchema = z.strictObject({
  cardType: CardTypeSchema,
  /** HMAC-SHA256 of the normalised ID number under the hall key, 64 lower-case hex. */
  idHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** maskIdNumber output: 18 chars (3 + 11 '*' + 4) or 15 chars (3 letters + 8 '*' + 4). */
  idMasked: z.string().regex(/^(?:\d{3}\*{11}\d{3}[\dX]|[A-Z]{3}\*{8}\d{4})$/),
  /** maskName output; always contains at least one '*'. */
  nameMasked: z
    .string()
    .min(2)
    .refine((s) => s.includes('*'), { message: 'name must be masked' }),
  birthDate: IsoDateSchema,
  sex: z.enum(['male', 'female']).optional(),
  validTo: z.union([IsoDateSchema, z.literal(VALID_TO_LONG_TERM)]).optional(),
});

export type CardRead = z.infer<typeof CardReadSchema>;

export type CardSex = 'male' | 'female';

/** Raw data from the card reader adapter. Never stored, never sent to screens. */
export interface RawCardData {
  idNumber: string;
  name: string;
  /** 'YYYY-MM-DD' or 'YYYYMMDD' (the reader's native format). Required for 'foreigner-old'. */
  birthDate?: string;
  cardType: CardType;
  sex?: CardSex;
  /** 'YYYY-MM-DD', 'YYYYMMDD' or '长期'. */
  validTo?: string;
}

export type CardReadErrorCode =
  | IdNumberErrorCode
  | 'card-type-mismatch'
  | 'birth-date-mismatch'
  | 'name'
  | 'sex'
  | 'valid-to';

export interface CardReadError {
  code: CardReadErrorCode;
  message: BilingualMessage;
}

export const CARD_READ_MESSAGES = {
  cardTypeMismatch: {
    zh: '证件类型与证件号码不符，请重新读卡或人工核验',
    en: 'The card type does not match the ID number; please read the card again or verify it manually',
  },
  birthDateMismatch: {
    zh: '证件上的出生日期与证件号码不符，请人工核验',
    en: 'The birth date on the card does not match the ID number; please verify manually',
  },
  birthDateMissing: {
    zh: '未能读取出生日期，请重新读卡',
    en: 'The birth date could not be read; please read the card again',
  },
  name: {
    zh: '未能读取姓名，请重新读卡',
    en: 'The name could not be read; please read the card again',
  },
  sex: {
    zh: '性别信息无法识别，请重新读卡',
    en: 'The sex field could not be recognised; please read the card again',
  },
  validTo: {
    zh: '证件有效期限无法识别，请重新读卡',
    en: 'The card validity date could not be recognised; please read the card again',
  },
} as const satisfies Record<string, BilingualMessage>;

function error(code: CardReadErrorCode, message: BilingualMessage): { error: CardReadError } {
  return { error: { code, message: { zh: message.zh, en: message.en } } };
}

/** Accepts 'YYYY-MM-DD' or 'YYYYMMDD' (trimmed); returns 'YYYY-MM-DD' or undefined. */
function readerDate(s: string): string | undefined {
  const t = s.trim();
  const d = parseIsoDate(t) ?? parseCompactDate(t);
  return d === undefined ? undefined : formatIsoDate(d);
}

/**
 * Validates a raw card read and reduces it to a CardRead: keyed hash + masked
 * number + masked name + birth date (+ sex, validity). The raw number and name
 * are not part of the result.
 *
 * Refused (returned as `{ error }`, with a bilingual message):
 * - an ID number failing validateIdNumber (same codes: 'empty', 'length', …);
 * - 'card-type-mismatch': the number's kind differs from the reader's card type;
 * - 'birth-date-mismatch': the reader's birth date differs from the one in the number;
 * - 'birth-date': no usable birth date (old foreigner card without / with a bad
 *   reader birth date, or a reader birth date in the future);
 * - 'name': blank name; 'sex' / 'valid-to': unrecognisable values.
 *
 * @throws Error if the key is shorter than 16 bytes (a configuration error, see idHash).
 */
export function toCardRead(
  raw: RawCardData,
  key: string | Uint8Array,
  now: Date = new Date(),
): CardRead | { error: CardReadError } {
  const v = validateIdNumber(raw.idNumber, now);
  if (!v.ok) return error(v.code, v.message);
  if (v.kind !== raw.cardType) return error('card-type-mismatch', CARD_READ_MESSAGES.cardTypeMismatch);

  let readerBirthDate: string | undefined;
  if (raw.birthDate !== undefined && raw.birthDate.trim() !== '') {
    readerBirthDate = readerDate(raw.birthDate);
    if (readerBirthDate === undefined) return error('birth-date', ID_NUMBER_MESSAGES.birthDate);
  }

  let birthDate: string;
  if (v.birthDate !== undefined) {
    if (readerBirthDate !== undefined && readerBirthDate !== v.birthDate) {
      return error('birth-date-mismatch', CARD_READ_MESSAGES.birthDateMismatch);
    }
    birthDate = v.birthDate;
  } else {
    // Old 15-character foreigner card: the number's date is not relied on.
    if (readerBirthDate === undefined) return error('birth-date', CARD_READ_MESSAGES.birthDateMissing);
    // Same plausibility rule as for 18-character numbers: 1900 … today (UTC+8).
    if (!isPlausibleBirthDate(readerBirthDate, now)) return error('birth-date', ID_NUMBER_MESSAGES.birthDate);
    birthDate = readerBirthDate;
  }

  const nameMasked = maskName(raw.name);
  if (nameMasked === '') return error('name', CARD_READ_MESSAGES.name);

  if (raw.sex !== undefined && raw.sex !== 'male' && raw.sex !== 'female') {
    return error('sex', CARD_READ_MESSAGES.sex);
  }

  let validTo: string | undefined;
  if (raw.validTo !== undefined && raw.validTo.trim() !== '') {
    const t = raw.validTo.trim();
    validTo = t === VALID_TO_LONG_TERM ? VALID_TO_LONG_TERM : readerDate(t);
    if (validTo === undefined) return error('valid-to', CARD_READ_MESSAGES.validTo);
  }

  const out: CardRead = {
    cardType: raw.cardType,
    idHash: idHash(key, v.number),
    idMasked: maskIdNumber(v.number),
    nameMasked,
    birthDate,
    ...(raw.sex !== undefined ? { sex: raw.sex } : {}),
    ...(validTo !== undefined ? { validTo } : {}),
  };
  // Belt and braces: the result must satisfy the schema the screens check.
  return CardReadSchema.parse(out);
}
