/**
 * The read answer of the ID card reader (DEVICES.md): length fields, a 256-byte UCS-2LE text
 * block laid out per card type (flag at byte 248), a 1024-byte WLT photo, optionally a
 * fingerprint. The result, FullCardData, is personal data (R21): it goes only to the counter's
 * identity check, is never logged and never written anywhere; JSON.stringify / util.inspect of
 * it show a placeholder. Errors never carry the name, number or address, not even as hex.
 */
import type { Bilingual } from '../../../shared/config/text';
import {
  CARD_READ_MESSAGES,
  VALID_TO_LONG_TERM,
  isIsoDate,
  toCardRead,
  validateIdNumber,
  type CardRead,
  type CardSex,
  type CardType,
  type RawCardData,
} from '../../../shared/identity';
import { DeviceError, toHex } from '../common/errors';
import { CMD, type SamResponse } from './frames';
import { nationName } from './nations';

export const TEXT_BYTES = 256;
/** The WLT photo the card holds: always 1024 bytes (text+photo answer LEN 0x0508). */
export const PHOTO_BYTES = 1024;
/**
 * The first bytes of every WLT photo as published captures show them (tests/fixtures/devices/
 * cardReader/README.md): 'W' 'L', then the decoded image's width and height as 16-bit
 * little-endian numbers, 102 x 126 (the size of the BMP a vendor decoder makes of it).
 */
export const WLT_MAGIC = [0x57, 0x4c] as const;
export const PHOTO_WIDTH = 102;
export const PHOTO_HEIGHT = 126;
/** Fingerprint data after 0x30 0x10: 1024 (two fingers), 512 (one) or 0 bytes (none enrolled). */
export const MAX_FINGERPRINT_BYTES = 1024;
/** The new-address page (0x30 0x03): one 70-byte UCS-2LE field, like the card's address. */
export const NEW_ADDRESS_BYTES = 70;
/** Byte offset of the card-type flag inside the text block. */
export const FLAG_OFFSET = 248;

/** [byte offset, byte length] inside the 256-byte text block. */
export type FieldSpan = readonly [number, number];

export const TEXT_LAYOUTS = {
  resident: {
    name: [0, 30],
    sex: [30, 2],
    nation: [32, 4],
    birth: [36, 16],
    address: [52, 70],
    idNumber: [122, 36],
    authority: [158, 30],
    validFrom: [188, 16],
    validTo: [204, 16],
  },
  'hmt-permit': {
    name: [0, 30],
    sex: [30, 2],
    birth: [36, 16],
    address: [52, 70],
    idNumber: [122, 36],
    authority: [158, 30],
    validFrom: [188, 16],
    validTo: [204, 16],
    passNumber: [220, 18],
    issueCount: [238, 4],
    flag: [248, 2],
  },
  'foreigner-old': {
    englishName: [0, 120],
    sex: [120, 2],
    idNumber: [122, 30],
    nationality: [152, 6],
    chineseName: [158, 30],
    validFrom: [188, 16],
    validTo: [204, 16],
    birth: [220, 16],
    version: [236, 4],
    authorityCode: [240, 8],
    flag: [248, 2],
  },
  'foreigner-2023': {
    chineseName: [0, 30],
    sex: [30, 2],
    renewalCount: [32, 4],
    birth: [36, 16],
    englishName1: [52, 70],
    idNumber: [122, 36],
    validFrom: [188, 16],
    validTo: [204, 16],
    englishName2: [220, 22],
    nationality: [242, 6],
    flag: [248, 2],
  },
} as const satisfies Record<CardType, Record<string, FieldSpan>>;

/** The flag character at byte 248 for each card type (the resident card has none there). */
export const CARD_FLAGS: Record<CardType, string> = { resident: ' ', 'hmt-permit': 'J', 'foreigner-old': 'I', 'foreigner-2023': 'Y' };

/** Fields whose bytes are personal: never shown in an error's raw hex. */
const PERSONAL = new Set(['name', 'englishName', 'chineseName', 'englishName1', 'englishName2', 'idNumber', 'address', 'passNumber']);

/** Everything the card says. Personal data: identity check only; never logged, never stored. */
export interface FullCardData {
  cardType: CardType;
  /** 18 characters, or 15 for the old foreigner card (its permit number). */
  idNumber: string;
  /** The name to address the holder by: the Chinese name, or the English one when there is none. */
  name: string;
  chineseName?: string;
  englishName?: string;
  sex?: CardSex;
  /** Resident cards: GB 3304 code and name. */
  nationCode?: string;
  nation?: Bilingual;
  /** 'YYYY-MM-DD'. */
  birthDate: string;
  address?: string;
  /** Issuing authority (签发机关). */
  authority?: string;
  /** 'YYYY-MM-DD'. */
  validFrom: string;
  /** 'YYYY-MM-DD' or '长期'. */
  validTo: string;
  /** HK/Macau/Taiwan permit: the travel pass number and issue count. */
  passNumber?: string;
  issueCount?: string;
  /** Foreigner cards: ISO 3166-1 alpha-3 nationality. */
  nationality?: string;
  /** Old foreigner card: card version and issuing authority code. */
  permitVersion?: string;
  authorityCode?: string;
  /** 2023 foreigner card: renewal count. */
  renewalCount?: string;
  /** The new-address page (追加住址, 0x30 0x03) when the card has one; its latest address. */
  newAddress?: string;
  /**
   * WLT-compressed photo, checked: 1024 bytes whose header declares the 102 x 126 image the
   * standard gives (decoding needs a vendor library we do not ship). Handed to the identity
   * check only, never written anywhere (R21); JSON / inspect of this object hide it.
   */
  photoWlt: Uint8Array;
  fingerprint?: Uint8Array;
}

const REDACTED = '[FullCardData withheld (R21)]';

/** Hide the data from JSON.stringify and util.inspect (console.log), so a slip logs nothing. */
function guard<T extends object>(o: T): T {
  Object.defineProperty(o, 'toJSON', { value: () => REDACTED, enumerable: false });
  Object.defineProperty(o, Symbol.for('nodejs.util.inspect.custom'), { value: () => REDACTED, enumerable: false });
  return o;
}

export interface ParseOptions {
  /** The answer to 0x30 0x10 (three length fields) instead of 0x30 0x01. */
  fingerprint?: boolean;
  now?: Date;
}

function fail(code: string, text: Bilingual, raw: string): DeviceError {
  return new DeviceError('protocol', code, text, raw);
}

/** The frame header (preamble, LEN, SW, length fields): safe to show. */
function headerHex(res: SamResponse, lengthFields: number): string {
  return toHex(res.raw.subarray(0, 10 + 2 * lengthFields));
}

/** Parse a successful (SW3 = 90) read answer. Throws DeviceError('protocol') on malformed data. */
export function parseReadAnswer(res: SamResponse, opts: ParseOptions = {}): FullCardData {
  const nLen = opts.fingerprint ? 3 : 2;
  const d = res.data;
  const head = headerHex(res, nLen);
  const command = opts.fingerprint ? CMD.readTextFingerprint : CMD.readText;
  const what = `read answer ${command.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
  if (d.length < 2 * nLen) {
    throw fail('answer-length', { zh: '读卡器返回的数据过短', en: `the ${what} is too short (${d.length} data bytes)` }, head);
  }
  const textLen = (d[0]! << 8) | d[1]!;
  const photoLen = (d[2]! << 8) | d[3]!;
  const fpLen = opts.fingerprint ? (d[4]! << 8) | d[5]! : 0;
  if (textLen !== TEXT_BYTES) {
    throw fail('text-length', { zh: '读卡器返回的文字信息长度错误', en: `the ${what} declares ${textLen} text bytes, expected ${TEXT_BYTES}` }, head);
  }
  if (fpLen > MAX_FINGERPRINT_BYTES) {
    throw fail('answer-length', { zh: '读卡器返回的指纹数据长度错误', en: `the ${what} declares ${fpLen} fingerprint bytes, at most ${MAX_FINGERPRINT_BYTES}` }, head);
  }
  const expected = 2 * nLen + textLen + photoLen + fpLen;
  if (d.length !== expected) {
    throw fail('answer-length', { zh: '读卡器返回的数据长度与声明不符', en: `the ${what} has ${d.length} data bytes, its length fields say ${expected}` }, head);
  }
  const t0 = 2 * nLen;
  const text = d.subarray(t0, t0 + textLen);
  const photo = d.slice(t0 + textLen, t0 + textLen + photoLen);
  checkPhoto(photo, `${head} | photo header ${toHex(photo.subarray(0, 6))}`);
  const fingerprint = opts.fingerprint ? d.slice(t0 + textLen + photoLen, expected) : undefined;
  const fields = parseTextBlock(text, { now: opts.now, header: head });
  return guard({ ...fields, photoWlt: photo, ...(fingerprint ? { fingerprint } : {}) });
}

/** The decoded size a WLT photo's header declares, or undefined when it is not a WLT header. */
export function wltImageSize(photo: Uint8Array): { width: number; height: number } | undefined {
  if (photo.length < 6 || photo[0] !== WLT_MAGIC[0] || photo[1] !== WLT_MAGIC[1]) return undefined;
  return { width: photo[2]! | (photo[3]! << 8), height: photo[4]! | (photo[5]! << 8) };
}

/**
 * The photo must be what the standard gives: 1024 bytes of WLT declaring a 102 x 126 image.
 * Anything else is a damaged answer (read the card again), never something to pass on.
 */
function checkPhoto(photo: Uint8Array, raw: string): void {
  const size = wltImageSize(photo);
  if (photo.length !== PHOTO_BYTES || !size || size.width !== PHOTO_WIDTH || size.height !== PHOTO_HEIGHT) {
    const got = size ? `${size.width} x ${size.height}` : 'no WLT header';
    throw fail(
      'photo',
      { zh: '证件照片数据不完整，请重新放置证件', en: `the photo is not a ${PHOTO_BYTES}-byte WLT of ${PHOTO_WIDTH} x ${PHOTO_HEIGHT} (${photo.length} bytes, ${got}); place the card again` },
      raw,
    );
  }
}

/**
 * The answer to "read the new-address page" (0x30 0x03): SW3 90 with the 70-byte UCS-2LE
 * address, or 91 when the card has none. undefined = no new address. Throws DeviceError
 * ('protocol', 'new-address') when the page is not text; the driver then reads the card without it.
 */
export function parseNewAddress(res: SamResponse): string | undefined {
  if (res.sw3 !== 0x90) return undefined;
  const d = res.data;
  if (d.length === 0) return undefined;
  if (d.length % 2 !== 0 || d.length > 4 * NEW_ADDRESS_BYTES) {
    throw fail('new-address', { zh: '证件追加住址无法识别', en: `the new-address page has ${d.length} bytes, not UCS-2 text of at most ${NEW_ADDRESS_BYTES}` }, toHex(res.raw.subarray(0, 10)));
  }
  const s = decodeUcs2(d);
  if (s === undefined) throw fail('new-address', { zh: '证件追加住址无法识别', en: 'the new-address page is not valid UCS-2 text' }, toHex(res.raw.subarray(0, 10)));
  return s === '' ? undefined : s;
}

export type CardText = Omit<FullCardData, 'photoWlt' | 'fingerprint' | 'newAddress'>;

/** Parse the 256-byte text block. `header` (hex) goes into errors' raw for context. */
export function parseTextBlock(text: Uint8Array, o: { now?: Date; header?: string } = {}): CardText {
  const header = o.header ?? '';
  const rawFor = (field: string, span: FieldSpan) => {
    const bytes = PERSONAL.has(field) ? `${span[1]} bytes withheld` : toHex(text.subarray(span[0], span[0] + span[1]));
    return `${header}${header ? ' | ' : ''}text[${span[0]}+${span[1]}] ${field}: ${bytes}`;
  };
  if (text.length !== TEXT_BYTES) {
    throw fail('text-length', { zh: '证件文字信息长度错误', en: `the text block has ${text.length} bytes, expected ${TEXT_BYTES}` }, header);
  }

  const get = (field: string, span: FieldSpan): string => {
    const s = decodeUcs2(text.subarray(span[0], span[0] + span[1]));
    if (s === undefined) {
      throw fail('text-encoding', { zh: '证件文字信息无法解码，请重新读卡', en: `the card's ${field} field is not valid UCS-2 text; read the card again` }, rawFor(field, span));
    }
    return s;
  };

  const flagSpan: FieldSpan = [FLAG_OFFSET, 2];
  const flag = get('flag', flagSpan);
  const cardType = cardTypeOfFlag(flag);
  if (cardType === undefined) {
    throw fail('card-type', { zh: '无法识别的证件类型', en: `unknown card type flag '${flag}' at byte ${FLAG_OFFSET}` }, rawFor('flag', flagSpan));
  }

  const L: Record<string, FieldSpan> = TEXT_LAYOUTS[cardType];
  const field = (name: string) => get(name, L[name]!);
  const date = (name: string, allowLongTerm: boolean): string => {
    const v = field(name);
    if (allowLongTerm && v === VALID_TO_LONG_TERM) return v;
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
    const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
    if (!isIsoDate(iso)) {
      const label = { birth: ['出生日期', 'birth date'], validFrom: ['有效期起始日期', 'validity start'], validTo: ['有效期截止日期', 'validity end'] }[name] ?? [name, name];
      throw fail(`bad-${name}`, { zh: `证件${label[0]}无法识别，请重新读卡`, en: `the card's ${label[1]} is not a date (YYYYMMDD${allowLongTerm ? ' or 长期' : ''}); read the card again` }, rawFor(name, L[name]!));
    }
    return iso;
  };

  const sexCode = field('sex');
  let sex: CardSex | undefined;
  if (sexCode === '1') sex = 'male';
  else if (sexCode === '2') sex = 'female';
  else if (sexCode !== '0' && sexCode !== '9' && sexCode !== '') {
    throw fail('bad-sex', { zh: CARD_READ_MESSAGES.sex.zh, en: `${CARD_READ_MESSAGES.sex.en} (code '${sexCode}')` }, rawFor('sex', L.sex!));
  }

  let name: string;
  const out: Partial<CardText> = { cardType };
  if (cardType === 'resident' || cardType === 'hmt-permit') {
    name = field('name');
    out.address = field('address');
    out.authority = field('authority');
    if (cardType === 'resident') {
      const code = field('nation');
      out.nationCode = code;
      const n = nationName(code);
      if (n) out.nation = n;
    } else {
      out.passNumber = field('passNumber');
      out.issueCount = field('issueCount');
    }
  } else if (cardType === 'foreigner-old') {
    out.englishName = field('englishName');
    const zh = field('chineseName');
    if (zh) out.chineseName = zh;
    name = zh || out.englishName;
    out.nationality = field('nationality');
    out.permitVersion = field('version');
    out.authorityCode = field('authorityCode');
  } else {
    // The English name is cut in two fields; join them before trimming (a word may straddle).
    const p1 = decodeUcs2(text.subarray(L.englishName1![0], L.englishName1![0] + L.englishName1![1]), false);
    const p2 = field('englishName2');
    if (p1 === undefined) throw fail('text-encoding', { zh: '证件文字信息无法解码，请重新读卡', en: 'the English name is not valid UCS-2 text' }, rawFor('englishName1', L.englishName1!));
    out.englishName = trimEnd(p1 + p2);
    const zh = field('chineseName');
    if (zh) out.chineseName = zh;
    name = zh || out.englishName;
    out.nationality = field('nationality');
    out.renewalCount = field('renewalCount');
  }
  if (!name) {
    const nameField = cardType === 'foreigner-old' ? 'englishName' : cardType === 'foreigner-2023' ? 'chineseName' : 'name';
    throw fail('bad-name', CARD_READ_MESSAGES.name, rawFor(nameField, L[nameField]!));
  }

  const idNumber = field('idNumber');
  const v = validateIdNumber(idNumber, o.now);
  if (!v.ok) throw fail(`id-${v.code}`, v.message, rawFor('idNumber', L.idNumber!));
  if (v.kind !== cardType) throw fail('card-type-mismatch', CARD_READ_MESSAGES.cardTypeMismatch, rawFor('flag', flagSpan));

  return {
    ...(out as CardText),
    cardType,
    idNumber: v.number,
    name,
    ...(sex ? { sex } : {}),
    birthDate: date('birth', false),
    validFrom: date('validFrom', false),
    validTo: date('validTo', true),
  };
}

/** Drop trailing padding: spaces, NUL, U+3000. */
function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === ' ' || s[end - 1] === '\u3000' || s.charCodeAt(end - 1) === 0)) end -= 1;
  return s.slice(0, end);
}

function cardTypeOfFlag(flag: string): CardType | undefined {
  if (flag === '') return 'resident';
  if (flag === 'J') return 'hmt-permit';
  if (flag === 'I') return 'foreigner-old';
  if (flag === 'Y') return 'foreigner-2023';
  return undefined;
}

/**
 * UCS-2LE → string, padding (spaces, NUL, U+3000) trimmed at the end (and, when `trim`, at the
 * start). undefined when the bytes are not text: control characters or unpaired surrogates.
 */
export function decodeUcs2(bytes: Uint8Array, trim = true): string | undefined {
  let s = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode(bytes[i]! | (bytes[i + 1]! << 8));
  s = trimEnd(s);
  if (trim) s = s.replace(/^[ \u3000]+/u, '');
  // Control characters (other than trailing NUL padding, already gone) are not card text.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return undefined;
  }
  // Unpaired surrogates (in /u mode a proper pair is one code point and does not match).
  if (/[\ud800-\udfff]/u.test(s)) return undefined;
  return s;
}

/** What shared/identity's toCardRead needs. */
export function rawCardData(full: FullCardData): RawCardData {
  return {
    cardType: full.cardType,
    idNumber: full.idNumber,
    name: full.name,
    birthDate: full.birthDate,
    validTo: full.validTo,
    ...(full.sex ? { sex: full.sex } : {}),
  };
}

/** The masked, hashed record for every screen; a refusal becomes DeviceError('protocol'). */
export function cardReadOf(full: FullCardData, hallKey: string | Uint8Array, now: Date = new Date()): CardRead {
  const r = toCardRead(rawCardData(full), hallKey, now);
  if ('error' in r) throw new DeviceError('protocol', `card-${r.error.code}`, r.error.message, `card type ${full.cardType}`);
  return r;
}
