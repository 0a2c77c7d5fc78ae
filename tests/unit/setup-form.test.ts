/** The setup page's form → SetupInput (renderer/setup/form): bilingual errors next to each field. */
import { describe, expect, it } from 'vitest';
import { EMPTY_FIELDS, fieldOf, parseSetupForm, serverLines, type SetupFields } from '../../renderer/setup/form';
import { SetupInputSchema } from '../../shared/shell/contract';

const valid: SetupFields = {
  terminalId: 'kiosk-1',
  role: 'kiosk',
  windowId: '',
  servers: 'http://hub.hall.local:8080\nhttps://central.example.gov.cn',
  enrollCode: 'ABCDEFGHJK',
  adminPassword: 'hall-it-2025',
  adminPassword2: 'hall-it-2025',
  evaluatorId: '',
  evaluatorCode: '',
};
const errorsOf = (f: Partial<SetupFields>) => {
  const r = parseSetupForm({ ...valid, ...f });
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};
const hasZh = (s: string) => /[\u4e00-\u9fff]/.test(s);

describe('parseSetupForm', () => {
  it('turns a valid form into SetupInput the shared schema accepts', () => {
    const r = parseSetupForm(valid);
    expect(r).toEqual({
      ok: true,
      input: { terminalId: 'kiosk-1', role: 'kiosk', servers: ['http://hub.hall.local:8080', 'https://central.example.gov.cn'], enrollCode: 'ABCDEFGHJK', adminPassword: 'hall-it-2025' },
    });
    if (r.ok) expect(SetupInputSchema.safeParse(r.input).success).toBe(true);
  });

  it('an empty form: an error for every field, in Chinese and English', () => {
    const r = parseSetupForm(EMPTY_FIELDS);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['adminPassword', 'enrollCode', 'role', 'servers', 'terminalId']);
    for (const e of Object.values(r.errors)) {
      expect(hasZh(e.zh)).toBe(true);
      expect(hasZh(e.en)).toBe(false);
      expect(e.en.length).toBeGreaterThan(5);
    }
  });

  it('terminal id: trimmed and lower-cased; bad characters refused', () => {
    const r = parseSetupForm({ ...valid, terminalId: '  Kiosk-1 ' });
    expect(r.ok && r.input.terminalId).toBe('kiosk-1');
    const e = errorsOf({ terminalId: 'kiosk 1' });
    expect(e.terminalId?.zh).toContain('终端编号');
    expect(e.terminalId?.en).toMatch(/lowercase letters/);
    expect(errorsOf({ terminalId: '-kiosk' }).terminalId).toBeDefined();
    expect(errorsOf({ terminalId: 'k'.repeat(41) }).terminalId).toBeDefined();
  });

  it('a counter or an evaluator without its window is refused; the window is kept for them only', () => {
    for (const role of ['counter', 'evaluator']) {
      const e = errorsOf({ role, windowId: '  ' });
      expect(e.windowId?.zh).toContain('窗口');
      expect(e.windowId?.en).toMatch(/window/);
      expect(Object.keys(e)).toEqual(['windowId']);
      const r = parseSetupForm({ ...valid, role, windowId: ' w1 ' });
      expect(r.ok && r.input.windowId).toBe('w1');
    }
    expect(errorsOf({ role: 'counter', windowId: 'w 1' }).windowId?.en).toMatch(/such as w1/);
    // A kiosk ignores a leftover window id (the field is hidden for it).
    const kiosk = parseSetupForm({ ...valid, role: 'kiosk', windowId: 'w1' });
    expect(kiosk.ok && 'windowId' in kiosk.input).toBe(false);
  });

  it('an unknown role is refused', () => {
    expect(errorsOf({ role: 'hub' }).role?.zh).toContain('用途');
    expect(errorsOf({ role: '' }).role).toBeDefined();
  });

  it('servers: trimmed, empty lines dropped, order kept (hub first)', () => {
    const r = parseSetupForm({ ...valid, servers: '\n   http://hub.hall.local:8080   \r\n\n\t\n  https://central.example.gov.cn/ \n' });
    expect(r.ok && r.input.servers).toEqual(['http://hub.hall.local:8080', 'https://central.example.gov.cn/']);
    expect(serverLines(' a \n\n b ')).toEqual([
      { line: 1, url: 'a' },
      { line: 3, url: 'b' },
    ]);
  });

  it('servers: the bad line is named (by its line in the box), in both languages', () => {
    const e = errorsOf({ servers: 'http://hub.hall.local:8080\n\nhub2.local' });
    expect(e.servers?.zh).toContain('第 3 行');
    expect(e.servers?.zh).toContain('hub2.local');
    expect(e.servers?.en).toContain('Line 3');
    expect(errorsOf({ servers: 'http://hub.hall.local:8080/api' }).servers?.en).toMatch(/no path/);
    expect(errorsOf({ servers: 'ftp://hub.hall.local' }).servers).toBeDefined();
  });

  it('servers: none, more than four, or the same twice are refused', () => {
    expect(errorsOf({ servers: ' \n \n' }).servers?.zh).toContain('至少');
    const five = Array.from({ length: 5 }, (_, i) => `http://hub${i}.local`).join('\n');
    expect(errorsOf({ servers: five }).servers?.en).toMatch(/At most 4/);
    expect(errorsOf({ servers: 'http://a.local\nhttp://a.local' }).servers?.zh).toContain('重复');
  });

  it('the code: spaces removed; too short refused', () => {
    const r = parseSetupForm({ ...valid, enrollCode: ' ABCD EFGH JK ' });
    expect(r.ok && r.input.enrollCode).toBe('ABCDEFGHJK');
    expect(errorsOf({ enrollCode: 'ABC' }).enrollCode?.en).toMatch(/6 to 64/);
    expect(errorsOf({ enrollCode: '' }).enrollCode?.zh).toContain('注册码');
  });

  it('the password: at least 8 characters, typed the same twice, never trimmed', () => {
    const short = errorsOf({ adminPassword: 'short', adminPassword2: 'short' });
    expect(short.adminPassword).toEqual({ zh: '管理密码至少 8 个字符', en: 'The admin password needs at least 8 characters' });
    const mismatch = errorsOf({ adminPassword2: 'hall-it-2026' });
    expect(Object.keys(mismatch)).toEqual(['adminPassword2']);
    expect(mismatch.adminPassword2).toEqual({ zh: '两次输入的密码不一致', en: 'The two passwords do not match' });
    const spaced = parseSetupForm({ ...valid, adminPassword: ' padded pw ', adminPassword2: ' padded pw ' });
    expect(spaced.ok && spaced.input.adminPassword).toBe(' padded pw ');
    expect(errorsOf({ adminPassword: 'x'.repeat(129), adminPassword2: 'x'.repeat(129) }).adminPassword?.en).toMatch(/at most 128/);
  });
});

describe("the evaluator on a counter's second screen", () => {
  const counter = { role: 'counter', terminalId: 'counter-1', windowId: 'w1' };

  it('R8: is a terminal of its own, with its own id and code', () => {
    const r = parseSetupForm({ ...valid, ...counter, evaluatorId: ' Evaluator-1 ', evaluatorCode: 'EVAL 5678' });
    expect(r.ok && r.input.evaluator).toEqual({ terminalId: 'evaluator-1', enrollCode: 'EVAL5678' });
    if (r.ok) expect(SetupInputSchema.safeParse(r.input).success).toBe(true);
  });

  it('is optional: a counter without one has none', () => {
    const r = parseSetupForm({ ...valid, ...counter });
    expect(r.ok && r.input.evaluator).toBeUndefined();
  });

  it('needs both the id and the code, and an id other than the counter', () => {
    expect(errorsOf({ ...counter, evaluatorId: 'evaluator-1' }).evaluatorCode?.zh).toContain('一起填写');
    expect(errorsOf({ ...counter, evaluatorCode: 'EVAL5678' }).evaluatorId?.en).toContain('together');
    expect(errorsOf({ ...counter, evaluatorId: 'counter-1', evaluatorCode: 'EVAL5678' }).evaluatorId?.en).toContain('of its own');
  });

  it('is ignored for other roles (only a counter drives an evaluator screen)', () => {
    const r = parseSetupForm({ ...valid, evaluatorId: 'evaluator-1', evaluatorCode: 'EVAL5678' });
    expect(r.ok && r.input.evaluator).toBeUndefined();
    expect(SetupInputSchema.safeParse({ terminalId: 'kiosk-1', role: 'kiosk', servers: ['http://hub:8080'], enrollCode: 'ABCDEFGH', adminPassword: 'hall-it-2025', evaluator: { terminalId: 'e-1', enrollCode: 'ABCDEFGH' } }).success).toBe(false);
  });

  it("maps main's refusal of the evaluator fields to them", () => {
    expect(fieldOf('evaluator.terminalId')).toBe('evaluatorId');
    expect(fieldOf('evaluator.enrollCode')).toBe('evaluatorCode');
  });
});

describe('fieldOf', () => {
  it("maps main's refusal field to a form field", () => {
    expect(fieldOf('servers.1')).toBe('servers');
    expect(fieldOf('enrollCode')).toBe('enrollCode');
    expect(fieldOf('config')).toBeUndefined();
    expect(fieldOf(undefined)).toBeUndefined();
  });
});
