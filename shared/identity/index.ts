/**
 * Real-name identity rules (hall rules R12, R19, R21): ID number validation,
 * masking, keyed hashing, age, and the card-read record sent to screens.
 */

export {
  ID_NUMBER_MESSAGES,
  MIN_BIRTH_YEAR,
  birthDateFromIdNumber,
  checkDigit,
  isPlausibleBirthDate,
  normaliseIdNumber,
  validateIdNumber,
} from './idNumber';
export type {
  BilingualMessage,
  CardType,
  IdNumberErrorCode,
  IdNumberInvalid,
  IdNumberKind,
  IdNumberValid,
  IdNumberValidation,
} from './idNumber';

export { maskIdNumber, maskName } from './mask';

export { MIN_ID_HASH_KEY_BYTES, idHash } from './keyedHash';

export { ELDERLY_AGE_YEARS, ageOn, isElderly } from './age';

export { chinaDateOf, isIsoDate } from './dates';

export {
  CARD_READ_MESSAGES,
  CARD_TYPES,
  CardReadSchema,
  CardTypeSchema,
  IsoDateSchema,
  VALID_TO_LONG_TERM,
  toCardRead,
} from './card';
export type { CardRead, CardReadError, CardReadErrorCode, CardSex, RawCardData } from './card';
