import { describe, expect, it } from 'vitest';
import {
  CardReadSchema,
  ageOn,
  birthDateFromIdNumber,
  checkDigit,
  idHash,
  isElderly,
  maskIdNumber,
  maskName,
  toCardRead,
  validateIdNumber,
} from '../../shared/identity';
import type { CardRead, CardReadError } from '../../shared/identity';

/** A fixed "now": 2025-06-15 12:00 in China (UTC+8). */
const NOW = new Date('2025-06-15T04:00:00Z');
const KEY = 'hall-secret-key-0123456789abcdef';
const OTHER_KEY = 'another-hall-key-fedcba9876543210';

/** Completes 17 digits with the correct check character. */
function withCheck(first17: string): string {
  return first17 + checkDigit(first17);
}

/** Same 17 digits with a wrong check character. */
function withWrongCheck(first17: string): string {
  const good = checkDigit(first17);
  return first17 + (good === '0' ? '1' : '0');
}

const SAMPLE = '11010519491231002X';

describe('identity: ID number validation (R19)', () => {
  it('R19: the well-known sample 11010519491231002X is valid', () => {
    expect(checkDigit('11010519491231002')).toBe('X');
    const v = validateIdNumber(SAMPLE, NOW);
    expect(v).toEqual({ ok: true, number: SAMPLE, kind: 'resident', birthDate: '1949-12-31' });
  });

  it('R19: a resident ID number with a correct check digit is accepted', () => {
    for (const first17 of ['44030419900307123', '31010120000229456', '65010219610101001', '11010120250615000']) {
      const n = withCheck(first17);
      const v = validateIdNumber(n, NOW);
      expect(v.ok, n).toBe(true);
      if (v.ok) expect(v.kind).toBe('resident');
    }
  });

  it('R19: check digits cover every value 0-9 and X', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < 11; i++) {
      seen.add(checkDigit(`440304199003${String(i).padStart(5, '0')}`));
    }
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']);
  });

  it('R19: checkDigit refuses input that is not 17 digits', () => {
    expect(() => checkDigit('1101051949123100')).toThrow(RangeError);
    expect(() => checkDigit('1101051949123100X')).toThrow(RangeError);
  });

  it('R19: a wrong check digit is refused with a bilingual message', () => {
    const v = validateIdNumber('110105194912310021', NOW);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.code).toBe('check-digit');
      expect(v.message.zh).toContain('校验位');
      expect(v.message.en).toMatch(/check digit/i);
    }
    const w = validateIdNumber(withWrongCheck('44030419900307123'), NOW);
    expect(w.ok ? undefined : w.code).toBe('check-digit');
  });

  it('R19: a lowercase x is accepted and normalised to X; surrounding spaces are trimmed', () => {
    const v = validateIdNumber('  11010519491231002x\u3000', NOW);
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.number).toBe(SAMPLE);
  });

  it('R19: full-width digits typed with a Chinese IME are normalised', () => {
    const v = validateIdNumber('１１０１０５１９４９１２３１００２Ｘ', NOW);
    expect(v.ok && v.number).toBe(SAMPLE);
  });

  it('R19: an empty number is refused as empty', () => {
    for (const raw of ['', '   ']) {
      const v = validateIdNumber(raw, NOW);
      expect(v.ok ? undefined : v.code).toBe('empty');
    }
  });

  it('R19: a number of the wrong length is refused as length', () => {
    for (const raw of ['1101051949123100', '11010519491231002X1', '123']) {
      const v = validateIdNumber(raw, NOW);
      expect(v.ok ? undefined : v.code, raw).toBe('length');
      if (!v.ok) expect(v.message.zh.length).toBeGreaterThan(0);
    }
  });

  it('R19: letters inside an 18-character number are refused as characters', () => {
    for (const raw of ['1101051949123100XX', 'A1010519491231002X', '110105 949123100 X']) {
      const v = validateIdNumber(raw, NOW);
      expect(v.ok ? undefined : v.code, raw).toBe('characters');
    }
  });

  it('R19: an impossible birth date is refused even with a matching check digit', () => {
    for (const first17 of [
      '11010519990230001', // 30 February
      '11010519991301001', // month 13
      '11010520230229001', // 29 February in a non-leap year
      '11010518991231001', // before 1900
      '11010519990000001',
    ]) {
      const v = validateIdNumber(withCheck(first17), NOW);
      expect(v.ok ? undefined : v.code, first17).toBe('birth-date');
      if (!v.ok) {
        expect(v.message.zh).toContain('出生日期');
        expect(v.message.en).toMatch(/birth date/i);
      }
    }
  });

  it('R19: 29 February in a leap year is a real birth date', () => {
    const v = validateIdNumber(withCheck('31010120000229456'), NOW);
    expect(v.ok && v.birthDate).toBe('2000-02-29');
  });

  it('R19: a birth date in the future is refused; "today" is the date in China (UTC+8)', () => {
    const bornJune15 = withCheck('11010120250615000');
    // 2025-06-14 23:59 in China: 15 June is still tomorrow.
    const before = validateIdNumber(bornJune15, new Date('2025-06-14T15:59:00Z'));
    expect(before.ok ? undefined : before.code).toBe('birth-date');
    // 2025-06-15 00:30 in China, while it is still 14 June in UTC: born today is fine.
    const after = validateIdNumber(bornJune15, new Date('2025-06-14T16:30:00Z'));
    expect(after.ok).toBe(true);
  });

  it('R19: a Hong Kong / Macau / Taiwan residence permit (810000/820000/830000) is recognised', () => {
    for (const prefix of ['810000', '820000', '830000']) {
      const n = withCheck(`${prefix}19900101001`);
      const v = validateIdNumber(n, NOW);
      expect(v).toEqual({ ok: true, number: n, kind: 'hmt-permit', birthDate: '1990-01-01' });
    }
    // A wrong check digit is still refused for permits.
    const bad = validateIdNumber(withWrongCheck('81000019900101001'), NOW);
    expect(bad.ok ? undefined : bad.code).toBe('check-digit');
  });

  it('R19: a 2023 foreigner permanent residence card (starts with 9) is recognised', () => {
    const n = withCheck('91184019850704001');
    const v = validateIdNumber(n, NOW);
    expect(v).toEqual({ ok: true, number: n, kind: 'foreigner-2023', birthDate: '1985-07-04' });
    const bad = validateIdNumber(withWrongCheck('91184019850704001'), NOW);
    expect(bad.ok ? undefined : bad.code).toBe('check-digit');
  });

  it('R19: the old 15-character foreigner card is validated by shape only (3 letters + 12 digits)', () => {
    const v = validateIdNumber('usa110085071201', NOW);
    expect(v).toEqual({ ok: true, number: 'USA110085071201', kind: 'foreigner-old' });
    for (const raw of ['US1110085071201', 'USA11008507120A']) {
      const w = validateIdNumber(raw, NOW);
      expect(w.ok ? undefined : w.code, raw).toBe('characters');
    }
  });

  it('R19: birthDateFromIdNumber returns the date of valid 18-character numbers only', () => {
    expect(birthDateFromIdNumber(SAMPLE, NOW)).toBe('1949-12-31');
    expect(birthDateFromIdNumber('11010519491231002x', NOW)).toBe('1949-12-31');
    expect(birthDateFromIdNumber('110105194912310021', NOW)).toBeUndefined();
    expect(birthDateFromIdNumber('USA110085071201', NOW)).toBeUndefined();
    expect(birthDateFromIdNumber('', NOW)).toBeUndefined();
  });
});

describe('identity: masking (R21)', () => {
  it('R21: masked ID shows only first 3 and last 4', () => {
    expect(maskIdNumber('110105194912341234')).toBe('110***********1234');
    expect(maskIdNumber(SAMPLE)).toBe('110***********002X');
    expect(maskIdNumber('11010519491231002x')).toBe('110***********002X');
    expect(maskIdNumber(SAMPLE)).toHaveLength(18);
  });

  it('R21: a 15-character number keeps its length with first 3 and last 4 shown', () => {
    const m = maskIdNumber('USA110085071201');
    expect(m).toBe('USA********1201');
    expect(m).toHaveLength(15);
  });

  it('R21: other lengths show at most the last 4', () => {
    expect(maskIdNumber('1234567')).toBe('***4567');
    expect(maskIdNumber('1234')).toBe('****');
    expect(maskIdNumber('12')).toBe('**');
    expect(maskIdNumber('')).toBe('');
  });

  it('R21: masked name keeps only the surname', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('王小明')).toBe('王**');
    expect(maskName(' 李 四 ')).toBe('李*');
    expect(maskName('张三\u3000\u3000')).toBe('张*');
  });

  it('R21: compound surnames are not special-cased: only the first character is shown', () => {
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('诸葛亮')).toBe('诸**');
    expect(maskName('买买提·艾力')).toBe('买*****');
  });

  it('R21: a one-character name is never shown in full', () => {
    expect(maskName('张')).toBe('张*');
  });

  it('R21: Latin names show only the first letter followed by ***', () => {
    expect(maskName('JOHN SMITH')).toBe('J***');
    expect(maskName('  maria   de la cruz ')).toBe('m***');
    expect(maskName('X')).toBe('X***');
  });

  it('R21: an empty name masks to an empty string', () => {
    expect(maskName('')).toBe('');
    expect(maskName('   ')).toBe('');
  });
});

describe('identity: keyed hash of ID numbers (R21)', () => {
  it('R21: the keyed hash is 64 lower-case hex characters', () => {
    expect(idHash(KEY, SAMPLE)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('R21: the keyed hash is stable for the same key', () => {
    expect(idHash(KEY, SAMPLE)).toBe(idHash(KEY, SAMPLE));
    const keyBytes = new TextEncoder().encode(KEY);
    expect(idHash(keyBytes, SAMPLE)).toBe(idHash(KEY, SAMPLE));
  });

  it('R21: the keyed hash is HMAC-SHA256 (RFC 4231 style check against node:crypto)', async () => {
    const { createHmac } = await import('node:crypto');
    expect(idHash(KEY, SAMPLE)).toBe(createHmac('sha256', KEY).update(SAMPLE).digest('hex'));
  });

  it('R21: the keyed hash differs across keys and across numbers', () => {
    expect(idHash(KEY, SAMPLE)).not.toBe(idHash(OTHER_KEY, SAMPLE));
    expect(idHash(KEY, SAMPLE)).not.toBe(idHash(KEY, withCheck('44030419900307123')));
  });

  it("R21: the keyed hash is equal for '...x' and '...X' (and ignores surrounding spaces)", () => {
    expect(idHash(KEY, '11010519491231002x')).toBe(idHash(KEY, SAMPLE));
    expect(idHash(KEY, ` ${SAMPLE} `)).toBe(idHash(KEY, SAMPLE));
  });

  it('R21: the keyed hash refuses a key shorter than 16 bytes', () => {
    expect(() => idHash('short-key', SAMPLE)).toThrow(/at least 16 bytes/);
    expect(() => idHash(new Uint8Array(15), SAMPLE)).toThrow(/at least 16 bytes/);
    expect(() => idHash(new Uint8Array(16), SAMPLE)).not.toThrow();
    // Multi-byte characters count as their UTF-8 bytes: 6 × 3 = 18 bytes.
    expect(() => idHash('政务服务中心', SAMPLE)).not.toThrow();
  });

  it('R21: the keyed hash refuses an empty ID number', () => {
    expect(() => idHash(KEY, '  ')).toThrow(/empty/);
  });
});

describe('identity: age and elderly priority (R12)', () => {
  it('R12: age counts completed years and increases on the birthday', () => {
    expect(ageOn('1965-06-15', '2025-06-14')).toBe(59);
    expect(ageOn('1965-06-15', '2025-06-15')).toBe(60);
    expect(ageOn('1965-06-15', '2025-06-16')).toBe(60);
    expect(ageOn('1965-12-31', '2026-01-01')).toBe(60);
    expect(ageOn('2025-06-15', '2025-06-15')).toBe(0);
  });

  it('R12: a 29 February birthday is reached on 1 March in non-leap years', () => {
    expect(ageOn('1964-02-29', '2024-02-29')).toBe(60); // leap year: on the day
    expect(ageOn('1965-02-28', '2025-02-28')).toBe(60);
    expect(ageOn('1964-02-29', '2023-02-28')).toBe(58);
    expect(ageOn('1964-02-29', '2023-03-01')).toBe(59);
  });

  it('R12: elderly from the 60th birthday by default, with a configurable threshold', () => {
    expect(isElderly('1965-06-15', '2025-06-14')).toBe(false);
    expect(isElderly('1965-06-15', '2025-06-15')).toBe(true);
    expect(isElderly('1955-06-16', '2025-06-15', 70)).toBe(false);
    expect(isElderly('1955-06-15', '2025-06-15', 70)).toBe(true);
  });

  it('R12: invalid dates are refused', () => {
    expect(() => ageOn('1965-02-30', '2025-06-15')).toThrow(RangeError);
    expect(() => ageOn('19650615', '2025-06-15')).toThrow(RangeError);
    expect(() => isElderly('1965-06-15', 'today')).toThrow(RangeError);
  });
});

describe('identity: card read for the screens (R19, R21)', () => {
  const residentNumber = withCheck('44030419620307123');
  const raw = {
    idNumber: residentNumber,
    name: '欧阳娜娜',
    birthDate: '19620307',
    cardType: 'resident' as const,
    sex: 'female' as const,
    validTo: '长期',
  };

  function expectOk(r: CardRead | { error: CardReadError }): CardRead {
    if ('error' in r) throw new Error(`unexpected error ${r.error.code}`);
    return r;
  }

  function expectError(r: CardRead | { error: CardReadError }): CardReadError {
    if (!('error' in r)) throw new Error('expected an error');
    return r.error;
  }

  it('R21: a card read carries hash and masked forms, never the full number or name', () => {
    const c = expectOk(toCardRead(raw, KEY, NOW));
    expect(c).toEqual({
      cardType: 'resident',
      idHash: idHash(KEY, residentNumber),
      idMasked: maskIdNumber(residentNumber),
      nameMasked: '欧***',
      birthDate: '1962-03-07',
      sex: 'female',
      validTo: '长期',
    });
    const json = JSON.stringify(c);
    expect(json).not.toContain(residentNumber);
    expect(json).not.toContain(residentNumber.slice(0, 17));
    expect(json).not.toContain('欧阳娜娜');
    expect(json).not.toContain('娜');
    expect(CardReadSchema.safeParse(c).success).toBe(true);
  });

  it('R21: a two-character name and an X-ending number do not leak either', () => {
    const c = expectOk(
      toCardRead({ idNumber: '11010519491231002x', name: '张三', cardType: 'resident' }, KEY, NOW),
    );
    const json = JSON.stringify(c);
    expect(json).not.toContain(SAMPLE);
    expect(json.toUpperCase()).not.toContain(SAMPLE);
    expect(json).not.toContain('张三');
    expect(c.birthDate).toBe('1949-12-31');
    expect(c.idHash).toBe(idHash(KEY, SAMPLE));
    expect('sex' in c).toBe(false);
    expect('validTo' in c).toBe(false);
  });

  it('R19: a card read with an invalid number is refused with the validation code', () => {
    const e = expectError(toCardRead({ ...raw, idNumber: withWrongCheck('44030419620307123') }, KEY, NOW));
    expect(e.code).toBe('check-digit');
    expect(e.message.zh).toContain('校验位');
  });

  it('R19: a card type that does not match the number is refused', () => {
    const e = expectError(toCardRead({ ...raw, cardType: 'hmt-permit' }, KEY, NOW));
    expect(e.code).toBe('card-type-mismatch');
    const permit = withCheck('82000019900101001');
    expect(expectOk(toCardRead({ ...raw, idNumber: permit, birthDate: '1990-01-01', cardType: 'hmt-permit' }, KEY, NOW)).cardType).toBe('hmt-permit');
  });

  it("R19: a reader birth date that disagrees with the number's is refused", () => {
    const e = expectError(toCardRead({ ...raw, birthDate: '1962-03-08' }, KEY, NOW));
    expect(e.code).toBe('birth-date-mismatch');
  });

  it('R19: the old foreigner card takes its birth date from the reader, which is required', () => {
    const old = { idNumber: 'USA110085071201', name: 'JOHN SMITH', cardType: 'foreigner-old' as const };
    const c = expectOk(toCardRead({ ...old, birthDate: '19850712', validTo: '20300101' }, KEY, NOW));
    expect(c).toMatchObject({ idMasked: 'USA********1201', nameMasked: 'J***', birthDate: '1985-07-12', validTo: '2030-01-01' });
    expect(JSON.stringify(c)).not.toContain('USA110085071201');
    expect(JSON.stringify(c)).not.toContain('SMITH');
    expect(expectError(toCardRead(old, KEY, NOW)).code).toBe('birth-date');
    expect(expectError(toCardRead({ ...old, birthDate: '2030-01-01' }, KEY, NOW)).code).toBe('birth-date');
    expect(expectError(toCardRead({ ...old, birthDate: '1985-02-30' }, KEY, NOW)).code).toBe('birth-date');
  });

  it('R19: blank names and unrecognisable validity dates are refused', () => {
    expect(expectError(toCardRead({ ...raw, name: '  ' }, KEY, NOW)).code).toBe('name');
    expect(expectError(toCardRead({ ...raw, validTo: '2030-13-01' }, KEY, NOW)).code).toBe('valid-to');
  });

  it('R21: CardReadSchema refuses a full ID number, an unmasked name or extra fields', () => {
    const c = expectOk(toCardRead(raw, KEY, NOW));
    expect(CardReadSchema.safeParse({ ...c, idMasked: residentNumber }).success).toBe(false);
    expect(CardReadSchema.safeParse({ ...c, nameMasked: '欧阳娜娜' }).success).toBe(false);
    expect(CardReadSchema.safeParse({ ...c, idNumber: residentNumber }).success).toBe(false);
    expect(CardReadSchema.safeParse({ ...c, photo: 'base64…' }).success).toBe(false);
    expect(CardReadSchema.safeParse({ ...c, idHash: c.idHash.toUpperCase() }).success).toBe(false);
    expect(CardReadSchema.safeParse({ ...c, birthDate: '1962-02-30' }).success).toBe(false);
  });

  it('R21: a card read with a short key fails loudly (configuration error)', () => {
    expect(() => toCardRead(raw, 'short', NOW)).toThrow(/at least 16 bytes/);
  });
});
