import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DeviceError, toHex } from '../../electron/devices/common/errors';
import { SW, SamFramer, encodeResponse, toResponse, type SamResponse } from '../../electron/devices/cardReader/frames';
import { NATIONS, nationName } from '../../electron/devices/cardReader/nations';
import { PHOTO_HEIGHT, PHOTO_WIDTH, TEXT_LAYOUTS, cardReadOf, decodeUcs2, parseNewAddress, parseReadAnswer, wltImageSize, type FullCardData } from '../../electron/devices/cardReader/parse';
import { SAMPLE_CARDS, buildReadAnswer, encodeCardText, encodeNewAddress, fakePhoto, type SimCard } from '../../electron/devices/sim/cardReaderSim';
import { CardReadSchema, checkDigit, idHash } from '../../shared/identity';

const NOW = new Date('2025-06-15T04:00:00Z');
const KEY = 'hall-secret-key-0123456789abcdef';

function answerOf(frame: Uint8Array): SamResponse {
  const frames = new SamFramer().push(frame);
  expect(frames).toHaveLength(1);
  return toResponse(frames[0]!);
}

const read = (card: SimCard, fingerprint = false) => parseReadAnswer(answerOf(buildReadAnswer(card, { fingerprint })), { fingerprint, now: NOW });

function refused(card: SimCard): DeviceError {
  try {
    read(card);
  } catch (e) {
    expect(e).toBeInstanceOf(DeviceError);
    return e as DeviceError;
  }
  throw new Error('expected the card to be refused');
}

/** The name and number as they could leak: plain, and as the UCS-2LE hex on the wire. */
function secretsOf(card: SimCard): string[] {
  const ucs = (s: string) => toHex(Buffer.from(s, 'utf16le'), 1000);
  return [card.name, card.chineseName, card.englishName, card.idNumber].filter((s): s is string => !!s).flatMap((s) => [s, ucs(s)]);
}

describe('card reader: the read answer, per card type', () => {
  it('resident card: every field, nation name, sex, dates; photo bytes kept as they came', () => {
    const full = read(SAMPLE_CARDS.resident);
    expect(full).toMatchObject({
      cardType: 'resident',
      name: '王小明',
      sex: 'male',
      nationCode: '01',
      nation: { zh: '汉', en: 'Han' },
      birthDate: '1990-03-07',
      address: '北京市朝阳区建国路88号院3号楼1单元502室',
      idNumber: SAMPLE_CARDS.resident.idNumber,
      authority: '北京市公安局朝阳分局',
      validFrom: '2015-01-01',
      validTo: '2035-01-01',
    });
    expect(full.photoWlt.length).toBe(1024);
    expect(Buffer.from(full.photoWlt).equals(Buffer.from(buildReadAnswer(SAMPLE_CARDS.resident).subarray(270, 1294)))).toBe(true);
    expect(full.fingerprint).toBeUndefined();
  });

  it('resident card valid for the long term (长期), female, Hui nation', () => {
    const full = read(SAMPLE_CARDS.residentLongTerm);
    expect(full).toMatchObject({ sex: 'female', nation: { zh: '回', en: 'Hui' }, validTo: '长期', validFrom: '2010-06-01', birthDate: '1950-04-12' });
    const card = cardReadOf(full, KEY, NOW);
    expect(card.validTo).toBe('长期');
  });

  it("HK/Macau/Taiwan residence permit (flag 'J'): pass number and issue count", () => {
    const full = read(SAMPLE_CARDS.hmt);
    expect(full).toMatchObject({ cardType: 'hmt-permit', name: '陈大文', passNumber: 'H12345678', issueCount: '01', birthDate: '1985-06-15', authority: '深圳市公安局' });
    expect(full.nationCode).toBeUndefined();
    expect(full.idNumber.startsWith('810000')).toBe(true);
  });

  it("old foreigner permanent residence card (flag 'I'): English name, permit number, nationality, birth at 220", () => {
    const full = read(SAMPLE_CARDS.foreignerOld);
    expect(full).toMatchObject({
      cardType: 'foreigner-old',
      englishName: 'SMITH, JOHN WILLIAM',
      chineseName: '史约翰',
      name: '史约翰',
      idNumber: 'CAN110078041502',
      nationality: 'CAN',
      birthDate: '1978-04-15',
      permitVersion: '01',
      authorityCode: '1100',
      validTo: '2026-03-01',
    });
    const card = cardReadOf(full, KEY, NOW);
    expect(card).toMatchObject({ cardType: 'foreigner-old', idMasked: 'CAN********1502', nameMasked: '史**', birthDate: '1978-04-15' });
  });

  it('old foreigner card without a Chinese name goes by the English name', () => {
    const full = read({ ...SAMPLE_CARDS.foreignerOld, chineseName: '' });
    expect(full.name).toBe('SMITH, JOHN WILLIAM');
    expect(full.chineseName).toBeUndefined();
    expect(cardReadOf(full, KEY, NOW).nameMasked).toBe('S***');
  });

  it("2023 foreigner card (flag 'Y'): the English name joined across its two fields, a word straddling the cut", () => {
    const en = SAMPLE_CARDS.foreigner2023.englishName;
    expect(en.length).toBeGreaterThan(35);
    expect(en[34]).not.toBe(' ');
    const full = read(SAMPLE_CARDS.foreigner2023);
    expect(full).toMatchObject({ cardType: 'foreigner-2023', chineseName: '马丁', englishName: en, nationality: 'ESP', renewalCount: '00', birthDate: '1988-09-21', sex: 'male' });
    expect(cardReadOf(full, KEY, NOW)).toMatchObject({ cardType: 'foreigner-2023', nameMasked: '马*' });
  });

  it('the fingerprint variant (0x30 0x10): three length fields, text at 16', () => {
    const frame = buildReadAnswer(SAMPLE_CARDS.resident, { fingerprint: true });
    expect(frame.length).toBe(1295 + 2 + 1024);
    const full = read(SAMPLE_CARDS.resident, true);
    expect(full.name).toBe('王小明');
    expect(full.fingerprint?.length).toBe(1024);
    expect(Buffer.from(full.photoWlt).equals(Buffer.from(fakePhoto(SAMPLE_CARDS.resident.idNumber.length + '19900307'.charCodeAt(7))))).toBe(true);
  });

  it('the screens get a CardRead: masked, keyed hash under the hall key, nothing else', () => {
    const full = read(SAMPLE_CARDS.resident);
    const card = cardReadOf(full, KEY, NOW);
    expect(CardReadSchema.parse(card)).toEqual(card);
    expect(card).toEqual({
      cardType: 'resident',
      idHash: idHash(KEY, SAMPLE_CARDS.resident.idNumber),
      idMasked: `110***********${SAMPLE_CARDS.resident.idNumber.slice(-4)}`,
      nameMasked: '王**',
      birthDate: '1990-03-07',
      sex: 'male',
      validTo: '2035-01-01',
    });
    const json = JSON.stringify(card);
    for (const s of secretsOf(SAMPLE_CARDS.resident)) expect(json).not.toContain(s);
  });

  it('the full data shows nothing when logged by mistake (JSON.stringify, console.log)', () => {
    const full: FullCardData = read(SAMPLE_CARDS.resident);
    expect(JSON.stringify({ full })).toBe('{"full":"[FullCardData withheld (R21)]"}');
    expect(inspect(full)).not.toContain('王小明');
    expect(inspect({ nested: full })).not.toContain(SAMPLE_CARDS.resident.idNumber);
    // Plain property access still works for the identity check.
    expect(full.name).toBe('王小明');
  });
});

describe('card reader: nation codes (GB 3304)', () => {
  it('the full table: 01..56, 97, 98', () => {
    const codes = Object.keys(NATIONS);
    expect(codes).toHaveLength(58);
    for (let i = 1; i <= 56; i++) expect(nationName(String(i).padStart(2, '0'))).toBeDefined();
    expect(nationName('01')).toEqual({ zh: '汉', en: 'Han' });
    expect(nationName('05')?.zh).toBe('维吾尔');
    expect(nationName('29')?.zh).toBe('柯尔克孜');
    expect(nationName('56')).toEqual({ zh: '基诺', en: 'Jino' });
    expect(nationName('97')?.zh).toBe('其他');
    expect(nationName('98')?.zh).toBe('外国血统中国籍人士');
    expect(nationName('57')).toBeUndefined();
    expect(nationName('toString')).toBeUndefined();
    expect(new Set(Object.values(NATIONS).map((n) => n.zh)).size).toBe(58);
  });

  it('each code reads back from a card', () => {
    for (const code of ['02', '04', '08', '56', '97', '98']) {
      expect(read({ ...SAMPLE_CARDS.resident, nationCode: code }).nation).toEqual(NATIONS[code]);
    }
    // An unknown code is kept, without a name (the card is still valid).
    expect(read({ ...SAMPLE_CARDS.resident, nationCode: '77' })).toMatchObject({ nationCode: '77' });
  });
});

describe('card reader: refusals', () => {
  it('a bad check digit is refused with the bilingual message of validateIdNumber', () => {
    const good = SAMPLE_CARDS.resident.idNumber;
    const wrong = good.slice(0, 17) + (checkDigit(good.slice(0, 17)) === '0' ? '1' : '0');
    const err = refused({ ...SAMPLE_CARDS.resident, idNumber: wrong });
    expect(err).toMatchObject({ kind: 'protocol', code: 'id-check-digit' });
    expect(err.text.zh).toMatch(/校验位/);
    expect(err.text.en).toMatch(/check digit/);
    expect(err.raw).toContain('idNumber: 36 bytes withheld');
    for (const s of [wrong, toHex(Buffer.from(wrong, 'utf16le'), 1000)]) expect(`${err.message} ${err.raw}`).not.toContain(s);
  });

  it('a card type that does not match the number is refused', () => {
    const err = refused({ ...SAMPLE_CARDS.hmt, idNumber: SAMPLE_CARDS.resident.idNumber });
    expect(err).toMatchObject({ kind: 'protocol', code: 'card-type-mismatch' });
    expect(err.text.zh).toMatch(/证件类型/);
  });

  it('a birth date that differs from the number is refused by toCardRead (as a DeviceError)', () => {
    const full = read({ ...SAMPLE_CARDS.resident, birth: '19900308' });
    expect(() => cardReadOf(full, KEY, NOW)).toThrow(DeviceError);
    try {
      cardReadOf(full, KEY, NOW);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'protocol', code: 'card-birth-date-mismatch' });
    }
  });

  it.each<[string, SimCard, string, RegExp]>([
    ['an unknown card flag', { ...SAMPLE_CARDS.resident, rawText: withChar(encodeCardText(SAMPLE_CARDS.resident), 248, 'Q') }, 'card-type', /text\[248\+2\] flag: 51 00$/],
    ['a birth date that is not a date', { ...SAMPLE_CARDS.resident, birth: '19901332' }, 'bad-birth', /text\[36\+16\] birth: 31 00 39 00/],
    ['a validity end that is neither a date nor 长期', { ...SAMPLE_CARDS.resident, validTo: '永久' }, 'bad-validTo', /text\[204\+16\] validTo/],
    ['a sex code outside 0/1/2/9', { ...SAMPLE_CARDS.resident, sex: '7' }, 'bad-sex', /text\[30\+2\] sex: 37 00/],
    ['an empty name', { ...SAMPLE_CARDS.resident, name: '' }, 'bad-name', /name: 30 bytes withheld/],
    ['control characters in a field', { ...SAMPLE_CARDS.resident, address: 'abc\u0001def' }, 'text-encoding', /address: 70 bytes withheld/],
    ['an unpaired surrogate', { ...SAMPLE_CARDS.resident, authority: 'x\ud800y' }, 'text-encoding', /authority: /],
  ])('%s: a protocol DeviceError with the raw hex (personal fields withheld)', (_n, card, code, raw) => {
    const err = refused(card);
    expect(err).toMatchObject({ kind: 'protocol', code });
    expect(err.text.zh.length).toBeGreaterThan(0);
    expect(err.text.en.length).toBeGreaterThan(0);
    expect(err.raw).toMatch(/^aa aa aa 96 69 05 08 00 00 90 01 00 04 00 \| text\[/);
    expect(err.raw).toMatch(raw);
    for (const s of secretsOf(SAMPLE_CARDS.resident)) expect(`${err.message} ${err.raw}`).not.toContain(s);
  });

  it('wrong length fields or a short answer: a protocol DeviceError with the header hex', () => {
    const frame = buildReadAnswer(SAMPLE_CARDS.resident);
    const res = answerOf(frame);
    const badLen = { ...res, data: res.data.slice() };
    badLen.data[1] = 0x80; // text length 0x0180
    expect(() => parseReadAnswer(badLen)).toThrow(expect.objectContaining({ kind: 'protocol', code: 'text-length' }));
    const short = { ...res, data: res.data.subarray(0, 600) };
    expect(() => parseReadAnswer(short)).toThrow(expect.objectContaining({ kind: 'protocol', code: 'answer-length', raw: 'aa aa aa 96 69 05 08 00 00 90 01 00 04 00' }));
    const tiny = answerOf(encodeResponse(SW.ok, [1]));
    expect(() => parseReadAnswer(tiny)).toThrow(expect.objectContaining({ code: 'answer-length' }));
    // A 0x30 0x01 answer read as the fingerprint variant does not fit either.
    expect(() => parseReadAnswer(res, { fingerprint: true })).toThrow(DeviceError);
  });
});

describe('card reader: text decoding', () => {
  it('UCS-2LE, trailing spaces / NUL / U+3000 padding trimmed, surrogate pairs kept', () => {
    const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf16le'));
    expect(decodeUcs2(enc('张三    '))).toBe('张三');
    expect(decodeUcs2(enc('张三\u3000\u0000\u0000'))).toBe('张三');
    expect(decodeUcs2(enc('𠀀明  '))).toBe('𠀀明');
    expect(decodeUcs2(enc('a\u0007b'))).toBeUndefined();
  });

  it('layouts stay inside the 256-byte block and do not overlap', () => {
    for (const [type, layout] of Object.entries(TEXT_LAYOUTS)) {
      const spans = Object.values(layout as Record<string, readonly [number, number]>).sort((a, b) => a[0] - b[0]);
      for (let i = 0; i < spans.length; i++) {
        expect(spans[i]![0] + spans[i]![1], type).toBeLessThanOrEqual(256);
        if (i > 0) expect(spans[i]![0], type).toBeGreaterThanOrEqual(spans[i - 1]![0] + spans[i - 1]![1]);
      }
    }
  });
});

function withChar(block: Uint8Array, offset: number, ch: string): Uint8Array {
  const out = block.slice();
  out[offset] = ch.charCodeAt(0) & 0xff;
  out[offset + 1] = ch.charCodeAt(0) >> 8;
  return out;
}

describe('card reader: the photo (checked, never passed on damaged)', () => {
  it('the WLT header declares the decoded size: 102 x 126, as the standard gives', () => {
    const full = read(SAMPLE_CARDS.resident);
    expect(wltImageSize(full.photoWlt)).toEqual({ width: PHOTO_WIDTH, height: PHOTO_HEIGHT });
    expect([PHOTO_WIDTH, PHOTO_HEIGHT]).toEqual([102, 126]);
    // The published header bytes (tests/fixtures/devices/cardReader/README.md, S7 and S9).
    expect(wltImageSize(Uint8Array.from([0x57, 0x4c, 0x66, 0x00, 0x7e, 0x00, 0x32, 0x00, 0x00, 0xff]))).toEqual({ width: 102, height: 126 });
    expect(wltImageSize(new Uint8Array(1024))).toBeUndefined();
  });

  it.each([
    ['no WLT header', () => new Uint8Array(1024)],
    ['another image size', () => Uint8Array.from(fakePhoto(3).fill(0x40, 2, 3))],
    ['short photo (512 bytes)', () => fakePhoto(3).slice(0, 512)],
  ])('a photo with %s refuses the answer (code photo), the header hex only in raw', (_what, photo) => {
    const p = photo();
    const text = encodeCardText(SAMPLE_CARDS.resident);
    const data = Uint8Array.from([0x01, 0x00, p.length >> 8, p.length & 0xff, ...text, ...p]);
    const err = (() => {
      try {
        parseReadAnswer(answerOf(encodeResponse(SW.ok, data)), { now: NOW });
      } catch (e) {
        return e as DeviceError;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toMatchObject({ kind: 'protocol', code: 'photo' });
    expect(err.text.zh).toMatch(/照片/);
    for (const s of secretsOf(SAMPLE_CARDS.resident)) expect(`${err.message} ${err.raw}`).not.toContain(s);
  });
});

describe('card reader: the new-address page (0x30 0x03)', () => {
  it('90 + 70 bytes of UCS-2LE is the address; 91 or no data is none; bytes that are not text are refused', () => {
    expect(parseNewAddress(answerOf(encodeResponse(SW.ok, encodeNewAddress('北京市西城区示例街4号'))))).toBe('北京市西城区示例街4号');
    expect(parseNewAddress(answerOf(encodeResponse(SW.noContent)))).toBeUndefined();
    expect(parseNewAddress(answerOf(encodeResponse(SW.ok)))).toBeUndefined();
    expect(() => parseNewAddress(answerOf(encodeResponse(SW.ok, [0x01, 0x00])))).toThrow(expect.objectContaining({ code: 'new-address' }));
    expect(() => parseNewAddress(answerOf(encodeResponse(SW.ok, [0x41, 0x00, 0x42])))).toThrow(expect.objectContaining({ code: 'new-address' }));
  });
});
