import { describe, expect, it } from 'vitest';
import { admitConfigValue, badText, checkAtDoor, isMaskedId, isMaskedName, storable, tooDeep } from '../../shared/events/door';
import { maskIdNumber, maskName } from '../../shared/identity/mask';

describe('input at the door (shared by terminals and the server)', () => {
  it('refuses NUL, lone surrogates, control characters and bidi overrides; newline and tab only in free text', () => {
    expect(badText('王芳 A001', false)).toBeUndefined();
    expect(badText('😀 emoji pairs are fine', false)).toBeUndefined();
    expect(badText('a\u0000b', true)).toMatch(/NUL/);
    expect(badText('\ud800', false)).toMatch(/surrogate/);
    expect(badText('\udc00x', false)).toMatch(/surrogate/);
    expect(badText('\u001b[2J', false)).toMatch(/U\+001B/);
    expect(badText('\u0085', false)).toMatch(/U\+0085/);
    expect(badText('abc\u202Eevil', false)).toMatch(/U\+202E/);
    expect(badText('line one\nline two\ttab', false)).toMatch(/U\+000A/);
    expect(badText('line one\nline two\ttab', true)).toBeUndefined();
  });

  it('names the field, and allows lines only where a person writes them', () => {
    expect(checkAtDoor('ticket.finished', { ticketId: 't~1:1', windowId: 'w1', outcome: 'not-done', note: 'a\nb' })).toBeUndefined();
    expect(checkAtDoor('window.paused', { windowId: 'w1', reason: 'a\nb' })).toMatchObject({ code: 'bad-text', field: 'payload.reason' });
    expect(checkAtDoor('notice.published', { noticeId: 'n', text: { zh: '一\n二', en: 'one\ntwo' } })).toBeUndefined();
    expect(checkAtDoor('config.changed', { kind: 'staff', id: 's', value: { id: 's', name: 'x', ['k\u0000']: 1 } })).toMatchObject({ code: 'bad-text' });
  });

  it('a masked form is a fixpoint of the device side\'s masking: full numbers and names are refused', () => {
    for (const id of ['110101199003071234', '11010119900307123X', '110101900307123', 'USA850712201']) {
      expect(isMaskedId(id)).toBe(false);
      expect(isMaskedId(maskIdNumber(id))).toBe(true);
    }
    for (const name of ['王芳', '欧阳娜娜', '买买提·艾力', 'JOHN SMITH', '张']) {
      expect(isMaskedName(name)).toBe(false);
      expect(isMaskedName(maskName(name))).toBe(true);
    }
    expect(isMaskedName('')).toBe(true);
    expect(checkAtDoor('ticket.issued', { person: { idHash: 'a'.repeat(64), idMasked: '110***********1234', nameMasked: '王芳' } })).toMatchObject({ code: 'not-masked', field: 'payload.person.nameMasked' });
  });

  it('a day must be a real date', () => {
    expect(checkAtDoor('ticket.issued', { day: '2026-02-29' })).toMatchObject({ code: 'bad-date', field: 'payload.day' });
    expect(checkAtDoor('ticket.issued', { day: '2028-02-29' })).toBeUndefined();
    expect(checkAtDoor('rectification.recorded', { deadline: '9999-99-99' })).toMatchObject({ code: 'bad-date', field: 'payload.deadline' });
  });

  it('depth is bounded without recursing into the whole value', () => {
    let v: unknown = 'x';
    for (let i = 0; i < 50_000; i++) v = { d: v };
    expect(tooDeep(v)).toBe(true);
    expect(tooDeep({ a: [{ b: 1 }] })).toBe(false);
  });

  it('configuration is admitted as parsed: unknown keys dropped, defaults filled, guide links http(s) only', () => {
    const r = admitConfigValue('service', 'hukou', { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' }, onclick: 'x' });
    expect(r).toMatchObject({ ok: true, value: { id: 'hukou', kind: 'normal', realNameRequired: false } });
    expect((r as { value: object }).value).not.toHaveProperty('onclick');
    expect(admitConfigValue('service', 'hukou', { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' }, guide: { url: 'javascript:alert(1)' } })).toMatchObject({ ok: false, refusal: { code: 'bad-config' } });
    expect(admitConfigValue('service', 'hukou', { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' }, guide: { url: 'https://zwfw.example.gov.cn/hukou' } }).ok).toBe(true);
    expect(admitConfigValue('service', 'other', { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' } })).toMatchObject({ ok: false });
    expect(admitConfigValue('service', 'gone', null)).toEqual({ ok: true, value: null });
  });

  it('a refused event is kept for the record in a form PostgreSQL can store', () => {
    expect(storable({ a: 'x\u0000y', ['k\ud800']: ['\u0007', 'ok\n'] })).toEqual({ a: 'x\uFFFDy', ['k\uFFFD']: ['\uFFFD', 'ok\n'] });
  });
});
