/**
 * Staff PINs at the counter screen, against the web-mode hall (issue 15, finding 3): the hall
 * server checks PINs online under one lockout for every counter, and a PIN set before 6 digits
 * were required is changed on the spot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hashPin, verifyPin } from '../../shared/identity/pin';
import { MAX_TRIES } from '../../shared/identity/pinLockout';
import { DEMO_PIN } from '../../scripts/web/demoHall';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';

let hall: WebHall;
let browser: Browser;
let c1: OpenedPage;
let c2: OpenedPage;

const DESK = { width: 1366, height: 768 };
/** The hall server's refusals (401 wrong PIN, 429 locked) show in the console as failed loads; nothing else may. */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of (401|429) /.test(e));
const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();

async function signIn(page: Page, staff: string, pin: string) {
  await tid(page, 'staff-id').fill(staff);
  await tid(page, 'pin').fill(pin);
  await tid(page, 'sign-in').click();
}

async function online(page: Page) {
  await page.waitForFunction(() => window.__hallq!.terminal.engine.status.state === 'online', undefined, { timeout: 15_000 });
}

beforeAll(async () => {
  hall = await startWebHall();
  browser = await launchBrowser();
  c1 = await openTerminalPage(browser, hall.pages.get('counter-1')!, DESK);
  c2 = await openTerminalPage(browser, hall.pages.get('counter-2')!, DESK);
  for (const c of [c1, c2]) {
    await c.page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.staff.size ?? 0) > 0);
    await online(c.page);
  }
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('counter PINs', () => {
  it(`guessing a clerk's PIN at one counter locks that clerk at every counter after ${MAX_TRIES} wrong PINs`, async () => {
    for (let i = 1; i <= MAX_TRIES; i++) {
      await signIn(c1.page, 's2', String(100000 + i));
      // Each answer before the next guess: tries left, then the lock.
      const want = i < MAX_TRIES ? `还可尝试 ${MAX_TRIES - i} 次` : '锁定';
      await c1.page.locator('[data-testid="sign-in-error"]', { hasText: want }).waitFor({ timeout: 10_000 });
    }
    // Another counter, the right PIN: the hall server says the clerk is locked.
    await signIn(c2.page, 's2', DEMO_PIN);
    await c2.page.locator('[data-testid="sign-in-error"]', { hasText: '锁定' }).waitFor({ timeout: 10_000 });
    expect(await tid(c2.page, 'sign-in-error').innerText()).toMatch(/too many wrong PINs/i);
    expect(await c2.page.evaluate(() => window.__hallq!.terminal.local.state.windows.get('w2')?.state ?? 'closed')).toBe('closed');
    // The counter that guessed says so too.
    expect(await tid(c1.page, 'sign-in-error').innerText()).toContain('锁定');
    expect(unexpected(c1.errors)).toEqual([]);
    expect(unexpected(c2.errors)).toEqual([]);
  });

  it('a clerk whose 4-digit PIN predates 6 digits signs in once with it and must choose a new one', async () => {
    const old = await hashPin('1234', new Uint8Array(16).fill(4), 20_000);
    await hall.admin('PUT', '/api/admin/config', { kind: 'staff', id: 's4', value: { id: 's4', name: '赵敏', post: '综合受理岗', pinHash: old } });
    await c2.page.waitForFunction(() => window.__hallq!.terminal.local.state.config.staff.get('s4')?.pinHash?.includes('$20000$') === true);
    await signIn(c2.page, 's4', '1234');
    await tid(c2.page, 'change-pin-form').waitFor();
    await screenshot(c2.page, 'counter-change-pin-zh');
    // Too short again, then two that differ: both refused on the spot.
    await tid(c2.page, 'new-pin').fill('5678');
    await tid(c2.page, 'new-pin-again').fill('5678');
    await tid(c2.page, 'change-pin').click();
    expect(await tid(c2.page, 'change-pin-error').innerText()).toContain('6 至 12 位数字');
    await tid(c2.page, 'new-pin').fill('567890');
    await tid(c2.page, 'new-pin-again').fill('567891');
    await tid(c2.page, 'change-pin').click();
    expect(await tid(c2.page, 'change-pin-error').innerText()).toContain('The two new PINs differ');
    await tid(c2.page, 'new-pin-again').fill('567890');
    await tid(c2.page, 'change-pin').click();
    await tid(c2.page, 'call-next').waitFor();
    expect(await c2.page.evaluate(() => window.__hallq!.terminal.local.state.windows.get('w2'))).toMatchObject({ state: 'open', staffId: 's4' });
    // Every counter gets the new PIN's hash, at the current cost; the old PIN is gone.
    await c1.page.waitForFunction(() => window.__hallq!.terminal.local.state.config.staff.get('s4')?.pinHash?.includes('$600000$') === true, undefined, { timeout: 15_000 });
    const hash = await c1.page.evaluate(() => window.__hallq!.terminal.local.state.config.staff.get('s4')?.pinHash);
    expect(await verifyPin('567890', hash)).toBe(true);
    expect(await verifyPin('1234', hash)).toBe(false);
    expect(unexpected(c2.errors)).toEqual([]);
  });
});
