/** Every role's page enrolls with its one-time code, opens its terminal and syncs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openTerminalPage } from '../support/browser';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';

let hall: WebHall;
let browser: Browser;

beforeAll(async () => {
  hall = await startWebHall();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('boot', () => {
  for (const id of ['kiosk-1', 'counter-1', 'evaluator-1', 'display-1', 'admin-1']) {
    it(`${id} enrolls with its code and opens`, async () => {
      const { page, context, errors } = await openTerminalPage(browser, hall.pages.get(id)!);
      // The spent code leaves the address.
      expect(page.url()).not.toContain('code=');
      const role = await page.evaluate(() => window.__hallq?.identity.role);
      expect(role).toBe(id.split('-')[0]);
      // The configuration arrives through sync.
      await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.services.size ?? 0) > 0);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('a new code from the admin re-enrolls a terminal that has nothing left to send, with a new epoch', async () => {
    const first = await openTerminalPage(browser, hall.pages.get('kiosk-2')!);
    const epoch1 = await first.page.evaluate(() => window.__hallq!.identity.epoch);
    await first.page.waitForFunction(() => window.__hallq!.terminal.engine.status.pending === 0);
    const again = await hall.enroll({ id: 'kiosk-2', role: 'kiosk' });
    await first.page.goto(again);
    await first.page.waitForSelector('html[data-ready="1"]');
    const epoch2 = await first.page.evaluate(() => window.__hallq!.identity.epoch);
    expect(epoch2).toBeGreaterThan(epoch1);
    await first.context.close();
  });

  it('a page opened with a code of another role refuses to start', async () => {
    const url = (await hall.enroll({ id: 'display-9', role: 'display' })).replace('/display/', '/kiosk/');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('[data-boot="failed"]');
    expect(await page.textContent('[data-boot="failed"]')).toContain('不能用于取号机');
    await context.close();
  });

  it('a code that was already used is refused with a clear message', async () => {
    const url = hall.pages.get('kiosk-1')!;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('[data-boot="failed"]');
    expect(await page.textContent('[data-boot="failed"]')).toContain('注册失败');
    await context.close();
  });
});
