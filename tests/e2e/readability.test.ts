/**
 * Readable for everyone, measured (issue 17), the evaluator and the board: every visible text is
 * at least 18 px (Chinese and English alike) at 4.5:1 contrast (axe-core's color-contrast rule,
 * plus the labels of disabled buttons, which axe exempts), and every target at least 60 px;
 * measured on the rendered pages (tests/support/readability.ts). The evaluator in both languages
 * through every step (closed, the clerk's card, called, in service, rating, the reasons prompt
 * with nothing chosen, thanks, paused); the board at 1920x1080 from its starting screen on. The
 * counter is a staff screen: its text, English included, is at least 14 px at 4.5:1. The kiosk:
 * readability-kiosk.test.ts. Screenshots: tests/screenshots/readability-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openTerminalPage } from '../support/browser';
import { checkPage as check, expectNoProblems as noProblems, type ReadabilityOptions } from '../support/readability';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { DEMO_PIN, DEMO_TERMINALS } from '../../scripts/web/demoHall';

let hall: WebHall;
let browser: Browser;

const LANDSCAPE = { width: 1920, height: 1080 };
const tid = (id: string) => `[data-testid="${id}"]`;

/** A fresh address for a demo terminal (a new one-time code: each page here is a new browser profile). */
function address(id: string): Promise<string> {
  const t = DEMO_TERMINALS.find((x) => x.id === id);
  if (!t) throw new Error(`no demo terminal ${id}`);
  return hall.enroll(t);
}

beforeAll(async () => {
  hall = await startWebHall({ devices: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('readable for everyone (issue 17): evaluator, board, counter', () => {
  it('evaluator: every step in zh and en, the reasons prompt with nothing chosen included, >= 18 px at 4.5:1, targets >= 60 px', async () => {
    const kiosk = await openTerminalPage(browser, await address('kiosk-1'));
    const counter = await openTerminalPage(browser, await address('counter-1'), { width: 1366, height: 768 });
    const pad = await openTerminalPage(browser, await address('evaluator-1'), { width: 1280, height: 800 });
    const page = pad.page;
    const problems: string[] = [];
    const both = async (label: string) => {
      await check(page, `evaluator-${label}-zh`, problems);
      await page.click(tid('lang'));
      await check(page, `evaluator-${label}-en`, problems);
      await page.click(tid('lang'));
    };
    const serve = async () => {
      const n = await kiosk.page.evaluate(() => window.__hallq!.terminal.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' }).then((o) => (o.ok ? o.ticket.number : 'refused')));
      await counter.page.waitForFunction((x) => [...window.__hallq!.terminal.local.state.tickets.values()].some((t) => t.number === x && t.status === 'waiting'), n);
      await counter.page.click(tid('call-next'));
      // The counter calls the longest waiting: the number the pad shows is the one it called.
      const called = (await counter.page.locator(tid('current-number')).innerText()).trim();
      await page.locator(tid('serving-number'), { hasText: called }).waitFor();
      return n;
    };
    try {
      await page.waitForSelector(tid('closed'));
      await both('closed');
      await counter.page.fill(tid('staff-id'), 's1');
      await counter.page.fill(tid('pin'), DEMO_PIN);
      await counter.page.click(tid('sign-in'));
      await page.waitForSelector(tid('staff-card'));
      await both('card');
      // R9 in English: the clerk's post, duties and commitment as the hall wrote them in English;
      // 12345 by the one name it has on every screen.
      await page.click(tid('lang'));
      expect(await page.innerText(tid('staff-post'))).toMatch(/^General intake/);
      expect(await page.innerText(tid('staff-duties'))).toMatch(/^Household registration, exit & entry applications/);
      expect(await page.innerText(tid('staff-commitment'))).toMatch(/^Warm service/);
      expect(await page.innerText('.hotline')).toMatch(/^12345 Government Service Hotline/);
      await page.click(tid('lang'));
      expect(await page.innerText(tid('staff-post'))).toMatch(/^综合受理岗/);
      expect(await page.innerText('.hotline')).toMatch(/^12345 政务服务便民热线/);

      await serve();
      await both('called');
      await counter.page.click(tid('start'));
      await page.locator('.serving-head', { hasText: '正在办理' }).waitFor();
      await both('in-service');
      await counter.page.click(tid('finish-done'));
      await page.waitForSelector(tid('rate-1'));
      await both('rating');
      await page.click(tid('rate-1'));
      await page.waitForSelector(tid('reasons'));
      expect(await page.locator(tid('submit-rating')).isDisabled()).toBe(true);
      await both('reasons-none-chosen');
      await page.click(tid('reason-attitude'));
      await both('reasons-chosen');
      await page.click(tid('submit-rating'));
      await page.waitForSelector(tid('thanks'));
      await both('thanks');
      await page.waitForSelector(tid('thanks'), { state: 'detached', timeout: 15_000 });

      await counter.page.click(tid('pause'));
      await counter.page.click(tid('pause-reason-meeting'));
      await page.waitForSelector(tid('paused'));
      await both('paused');
      await counter.page.click(tid('resume'));
      await page.waitForSelector(tid('staff-card'));

      // The clerk's screen: legible English for staff (>= 14 px, 4.5:1), keyboard-driven.
      const staff: ReadabilityOptions = { minPx: 14, minTarget: 0 };
      await serve();
      await check(counter.page, 'counter-zh', problems, staff);
      await counter.page.click(tid('lang'));
      await check(counter.page, 'counter-en', problems, staff);
      await counter.page.click(tid('lang'));
      noProblems(problems);
      expect(pad.errors).toEqual([]);
    } finally {
      for (const p of [pad, counter, kiosk]) await p.context.close();
    }
  }, 180_000);

  it('board 1920x1080: from its starting screen on, every text >= 18 px at 4.5:1', async () => {
    const context = await browser.newContext({ viewport: LANDSCAPE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const problems: string[] = [];
    try {
      // Hold the enrollment so the starting screen stays up long enough to be measured.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await context.route('**/api/enroll*', async (route) => {
        await held;
        await route.continue();
      });
      const page = await context.newPage();
      await page.goto(await address('display-1'));
      await page.waitForSelector('[data-boot="starting"]');
      await check(page, 'board-starting', problems);
      release();
      await page.waitForSelector('html[data-ready="1"]', { timeout: 30_000 });
      await page.waitForSelector(tid('latest-call'), { state: 'attached' }).catch(() => {});
      await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.windows.size ?? 0) > 0);
      await check(page, 'board-idle', problems);

      const kiosk = await openTerminalPage(browser, await address('kiosk-2'));
      try {
        await kiosk.page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.services.size ?? 0) >= 9);
        const n = await kiosk.page.evaluate(() => window.__hallq!.terminal.coordinator.issueTicket({ serviceId: 'social', channel: 'kiosk' }).then((o) => (o.ok ? o.ticket.number : `refused: ${o.code}`)));
        expect(n).toMatch(/^B\d{3}$/);
        await kiosk.page.waitForFunction(async () => (await window.__hallq!.terminal.db.outbox.count()) === 0);
        const counter = await openTerminalPage(browser, await address('counter-2'), { width: 1366, height: 768 });
        try {
          await counter.page.fill(tid('staff-id'), 's2');
          await counter.page.fill(tid('pin'), DEMO_PIN);
          await counter.page.click(tid('sign-in'));
          await counter.page.waitForSelector(tid('call-next'));
          await counter.page.click(tid('call-next'));
          const called = (await counter.page.locator(tid('current-number')).innerText()).trim();
          await page.locator(tid('latest-call'), { hasText: called }).waitFor({ timeout: 15_000 });
          await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => (a as CSSAnimation).animationName === 'call-in').map((a) => a.finished)).then(() => {}));
          await check(page, 'board-calling', problems);
        } finally {
          await counter.context.close();
        }
      } finally {
        await kiosk.context.close();
      }
      noProblems(problems);
    } finally {
      await context.close();
    }
  }, 120_000);
});
