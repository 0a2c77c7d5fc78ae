/**
 * The Electron shell's setup page (renderer/setup) in headless Chromium, served by the hall
 * server like every screen. `window.hallq.shell` is a fake injected before the page loads (it
 * records calls and answers as main would): field errors in both languages, saveSetup with the
 * parsed SetupInput, main's refusal next to its field, and the exit dialog's throttle message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import type { ShellResult } from '../../shared/shell/contract';

let hall: WebHall;
let browser: Browser;
const contexts: BrowserContext[] = [];

const tid = (id: string) => `[data-testid="${id}"]`;

interface FakeShell {
  /** Answers to saveSetup / exit, in order; when empty: { ok: true }. */
  saveReplies?: ShellResult[];
  exitReplies?: ShellResult[];
}

declare global {
  interface Window {
    __shellCalls?: { op: string; arg?: unknown }[];
  }
}

/** A page with a fake preload shell (or none), ready to use; page errors are collected. */
async function open(path: string, fake: FakeShell | null, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(context);
  if (fake) {
    await context.addInitScript((f: FakeShell) => {
      const calls: { op: string; arg?: unknown }[] = [];
      const save = [...(f.saveReplies ?? [])];
      const exit = [...(f.exitReplies ?? [])];
      window.__shellCalls = calls;
      const shell = {
        info: async () => {
          calls.push({ op: 'info' });
          return { version: '0.1.0', platform: 'linux', configPath: '/etc/hallq/terminal.json' };
        },
        saveSetup: async (arg: unknown) => {
          calls.push({ op: 'saveSetup', arg });
          return save.shift() ?? { ok: true };
        },
        exit: async (arg: unknown) => {
          calls.push({ op: 'exit', arg });
          return exit.shift() ?? { ok: true };
        },
        cancelExit: async () => {
          calls.push({ op: 'cancelExit' });
        },
      };
      Object.defineProperty(window, 'hallq', { value: Object.freeze({ shell: Object.freeze(shell) }), configurable: false });
    }, fake);
  }
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${hall.url}${path}`);
  await page.waitForSelector('html[data-ready="1"]');
  return { page, errors };
}

const calls = (page: Page) => page.evaluate(() => window.__shellCalls ?? []);
const errorText = (page: Page, field: string) => page.locator(tid(`error-${field}`)).innerText();

async function fill(page: Page, f: { terminalId: string; role: string; windowId?: string; servers: string; enrollCode: string; password: string; password2?: string }) {
  await page.locator(tid('field-terminalId')).fill(f.terminalId);
  await page.locator(tid(`role-${f.role}`)).click();
  if (f.windowId !== undefined) await page.locator(tid('field-windowId')).fill(f.windowId);
  await page.locator(tid('field-servers')).fill(f.servers);
  await page.locator(tid('field-enrollCode')).fill(f.enrollCode);
  await page.locator(tid('field-adminPassword')).fill(f.password);
  await page.locator(tid('field-adminPassword2')).fill(f.password2 ?? f.password);
}

beforeAll(async () => {
  hall = await startWebHall({ configure: false, terminals: [] });
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await hall?.close();
});

describe('setup page', () => {
  it('shows the version and the configuration path from main; inputs are big enough to touch', async () => {
    const { page, errors } = await open('/setup/', {});
    await page.locator(tid('info'), { hasText: '/etc/hallq/terminal.json' }).waitFor();
    expect(await page.locator(tid('info')).innerText()).toContain('版本 0.1.0');
    expect((await calls(page)).map((c) => c.op)).toEqual(['info']);
    for (const id of ['field-terminalId', 'field-servers', 'field-enrollCode', 'field-adminPassword', 'field-adminPassword2', 'role-kiosk', 'save', 'lang']) {
      const box = await page.locator(tid(id)).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.height, id).toBeGreaterThanOrEqual(48);
    }
    // The window field is there for counters and evaluators only.
    expect(await page.locator(tid('field-windowId')).count()).toBe(0);
    await page.locator(tid('role-evaluator')).click();
    expect(await page.locator(tid('field-windowId')).count()).toBe(1);
    await page.locator(tid('role-display')).click();
    expect(await page.locator(tid('field-windowId')).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows errors next to their fields in Chinese and English, and sends nothing', async () => {
    const { page, errors } = await open('/setup/', {});
    await fill(page, { terminalId: 'counter-1', role: 'counter', windowId: '', servers: 'http://hub.hall.local:8080\nhub2.hall.local', enrollCode: 'ABCDEFGHJK', password: 'short' });
    await page.locator(tid('save')).click();
    const servers = await errorText(page, 'servers');
    expect(servers).toContain('第 2 行');
    expect(servers).toContain('Line 2');
    expect(await errorText(page, 'adminPassword')).toContain('管理密码至少 8 个字符');
    expect(await errorText(page, 'adminPassword')).toContain('at least 8 characters');
    expect(await errorText(page, 'windowId')).toContain('窗口');
    expect(await errorText(page, 'terminalId')).toBe('');
    expect(await page.locator(tid('field-servers')).getAttribute('aria-invalid')).toBe('true');
    // The first wrong field has the focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('setup-windowId');
    await page.locator(tid('field-windowId')).fill('w1');
    await page.locator(tid('field-windowId')).blur();
    await screenshot(page, 'setup-errors-zh');
    expect((await calls(page)).filter((c) => c.op === 'saveSetup')).toEqual([]);
    // Fixing a field clears its error at once.
    expect(await errorText(page, 'windowId')).toBe('');
    expect(errors).toEqual([]);
  });

  it("saves the parsed input; main's refusal shows next to its field", async () => {
    const refusal: ShellResult = { ok: false, message: { zh: '注册码无效或已过期，请在管理端重新生成', en: 'The code is not valid or has expired: make a new one in the admin screen' }, field: 'enrollCode' };
    const { page, errors } = await open('/setup/', { saveReplies: [refusal, { ok: true }] });
    await fill(page, {
      terminalId: ' Counter-3 ',
      role: 'counter',
      windowId: 'w3',
      servers: '  http://hub.hall.local:8080  \n\n https://central.example.gov.cn \n',
      enrollCode: 'ABCD EFGH JK',
      password: 'hall-it-2025',
    });
    await screenshot(page, 'setup-zh');
    await page.locator(tid('save')).click();
    await page.locator(tid('refusal')).waitFor();
    expect(await page.locator(tid('refusal')).innerText()).toContain('未保存：注册码无效或已过期');
    expect(await errorText(page, 'enrollCode')).toContain('The code is not valid or has expired');
    const expected = {
      terminalId: 'counter-3',
      role: 'counter',
      windowId: 'w3',
      servers: ['http://hub.hall.local:8080', 'https://central.example.gov.cn'],
      enrollCode: 'ABCDEFGHJK',
      adminPassword: 'hall-it-2025',
    };
    expect((await calls(page)).filter((c) => c.op === 'saveSetup')).toEqual([{ op: 'saveSetup', arg: expected }]);

    await page.locator(tid('field-enrollCode')).fill('ZXCVBNMASD');
    expect(await errorText(page, 'enrollCode')).toBe('');
    await page.locator(tid('save')).click();
    await page.locator(tid('saved')).waitFor();
    expect(await page.locator(tid('saved')).innerText()).toContain('已保存');
    const saves = (await calls(page)).filter((c) => c.op === 'saveSetup');
    expect(saves).toHaveLength(2);
    expect(saves[1]!.arg).toEqual({ ...expected, enrollCode: 'ZXCVBNMASD' });
    expect(await page.locator(tid('save')).isDisabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('in English the English text leads', async () => {
    const { page } = await open('/setup/', {});
    await page.locator(tid('lang')).click();
    await page.locator(tid('save')).click();
    const first = await page.locator(`${tid('error-terminalId')} .bi-main`).innerText();
    expect(first).toBe('Enter the terminal ID');
    expect(await page.locator(`${tid('error-terminalId')} .bi-alt`).innerText()).toBe('请填写终端编号');
  });

  it('in a plain browser (no preload) it says so in both languages', async () => {
    const { page, errors } = await open('/setup/', null);
    const text = await page.locator(tid('no-shell')).innerText();
    expect(text).toContain('只能在 hallq 终端程序中使用');
    expect(text).toContain('only inside the hallq terminal app');
    expect(errors).toEqual([]);
  });
});

describe('exit dialog', () => {
  it("sends the password and action; shows main's throttle message; cancel goes back", async () => {
    const throttled: ShellResult = { ok: false, message: { zh: '密码错误次数过多，请等待 30 秒后再试', en: 'Too many wrong passwords: wait 30 seconds and try again' } };
    const wrong: ShellResult = { ok: false, message: { zh: '密码不正确', en: 'Wrong password' } };
    const { page, errors } = await open('/setup/?mode=exit', { exitReplies: [wrong, throttled] });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('exit-password');
    for (const id of ['exit-password', 'exit-quit', 'exit-setup', 'exit-cancel']) expect((await page.locator(tid(id)).boundingBox())!.height, id).toBeGreaterThanOrEqual(48);

    // No password: nothing is sent.
    await page.locator(tid('exit-quit')).click();
    expect(await page.locator(tid('exit-message')).innerText()).toContain('请输入管理密码');
    expect((await calls(page)).filter((c) => c.op === 'exit')).toEqual([]);

    await page.locator(tid('exit-password')).fill('not-it');
    await page.locator(tid('exit-quit')).click();
    await page.locator(tid('exit-message'), { hasText: '密码不正确' }).waitFor();
    expect(await page.locator(tid('exit-password')).inputValue()).toBe('');

    await page.locator(tid('exit-password')).fill('still-not-it');
    await page.locator(tid('exit-setup')).click();
    await page.locator(tid('exit-message'), { hasText: '30 秒' }).waitFor();
    expect(await page.locator(tid('exit-message')).innerText()).toContain('wait 30 seconds');
    await screenshot(page, 'setup-exit-zh');

    expect((await calls(page)).filter((c) => c.op === 'exit')).toEqual([
      { op: 'exit', arg: { password: 'not-it', action: 'quit' } },
      { op: 'exit', arg: { password: 'still-not-it', action: 'setup' } },
    ]);
    await page.locator(tid('exit-cancel')).click();
    await page.waitForFunction(() => window.__shellCalls?.some((c) => c.op === 'cancelExit'));
    // Escape cancels too.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => window.__shellCalls?.filter((c) => c.op === 'cancelExit').length === 2);
    expect((await calls(page)).some((c) => c.op === 'info' || c.op === 'saveSetup')).toBe(false);
    expect(errors).toEqual([]);
  });

  it('the right password: the dialog says what happens next', async () => {
    const { page } = await open('/setup/?mode=exit', {});
    await page.locator(tid('exit-password')).fill('hall-it-2025');
    await page.locator(tid('exit-quit')).click();
    await page.locator(tid('exit-message'), { hasText: '正在退出' }).waitFor();
    expect(await page.locator(tid('exit-quit')).isDisabled()).toBe(true);
  });
});
