/**
 * 15-digit first-generation resident ID numbers: refused on purpose, with their own code and a
 * message that asks for the 18-digit number (the DECISION in shared/identity/idNumber.ts).
 */
import { describe, expect, it } from 'vitest';
import { ID_NUMBER_MESSAGES, birthDateFromIdNumber, toCardRead, validateIdNumber } from '../../shared/identity';

const NOW = new Date('2025-06-15T04:00:00Z');
const KEY = 'hall-secret-key-0123456789abcdef';
/** A first-generation number: 110105 (address), 491231 (YYMMDD), 002 (sequence). */
const FIRST_GEN = '110105491231002';

describe('identity: first-generation (15-digit) resident ID numbers', () => {
  it('R19: a typed 15-digit first-generation number is refused as such, asking for the 18-digit one', () => {
    const v = validateIdNumber(FIRST_GEN, NOW);
    expect(v).toEqual({ ok: false, code: 'first-generation', message: ID_NUMBER_MESSAGES.firstGeneration });
    if (v.ok) return;
    expect(v.message.zh).toContain('2013年1月1日');
    expect(v.message.zh).toContain('18位');
    expect(v.message.en).toMatch(/18-digit/);
  });

  it('R19: typed with full-width digits or spaces around it, it is still recognised and refused the same way', () => {
    const v = validateIdNumber(' １１０１０５４９１２３１００２ ', NOW);
    expect(v.ok ? undefined : v.code).toBe('first-generation');
  });

  it('R19: it is not silently converted to an 18-digit number (no birth date, no hash of a guessed number)', () => {
    expect(birthDateFromIdNumber(FIRST_GEN, NOW)).toBeUndefined();
    const r = toCardRead({ cardType: 'resident', idNumber: FIRST_GEN, name: '张三', birthDate: '1949-12-31' }, KEY, NOW);
    expect('error' in r && r.error.code).toBe('first-generation');
  });

  it('the old foreigner card (3 letters + 12 digits), also 15 characters, is still accepted', () => {
    expect(validateIdNumber('USA110085071201', NOW)).toMatchObject({ ok: true, kind: 'foreigner-old' });
    // 15 characters that are neither kind keep the shape message.
    expect(validateIdNumber('11010549123100A', NOW)).toMatchObject({ ok: false, code: 'characters' });
  });
});
