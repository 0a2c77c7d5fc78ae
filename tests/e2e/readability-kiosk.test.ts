/**
 * Readable for everyone, measured (issue 17), the kiosk: in every layout, every visible text is
 * at least 18 px (Chinese and English alike) at 4.5:1 contrast (axe-core's color-contrast rule,
 * plus the labels of disabled buttons, which axe exempts), and everything a citizen touches is
 * at least 60 px both ways; measured on the rendered pages (tests/support/readability.ts). At
 * 1080x1920 portrait and 1920x1080 landscape, in Chinese, in English and in 大字版, through
 * attract, services, the on-screen letters, the appointment-only dialog, confirm, the guide and
 * the ticket. Screenshots: tests/screenshots/readability-kiosk-*.png. The evaluator, the board
 * and the counter: readability.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openTerminalPage } from '../support/browser';
import { checkPage as check, expectNoProblems as noProblems } from '../support/readability';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { DEMO_TERMINALS } from '../../scripts/web/demoHall';

let hall: WebHall;
let browser: Browser;

const PORTRAIT = { width: 1080, height: 1920 };
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

describe('readable for everyone (issue 17): the kiosk', () => {
  for (const [layout, viewport] of [
    ['portrait', PORTRAIT],
    ['landscape', LANDSCAPE],
  ] as const) {
    it(`kiosk ${layout} ${viewport.width}x${viewport.height}: every text >= 18 px at 4.5:1 and every target >= 60 px, in zh, en and 大字版, on every screen and dialog`, async () => {
      const kiosk = await openTerminalPage(browser, await address(layout === 'portrait' ? 'kiosk-1' : 'kiosk-2'), viewport);
      const page = kiosk.page;
      const problems: string[] = [];
      try {
        await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.services.size ?? 0) >= 9);
        await page.waitForSelector(tid('attract'));
        // 大字版 in one language per layout (the other language shows alongside it at 18 px too).
        for (const mode of [
          { lang: 'zh', elderly: false },
          { lang: 'en', elderly: false },
          { lang: layout === 'portrait' ? 'en' : 'zh', elderly: true },
        ] as const) {
          const name = `kiosk-${layout}-${mode.lang}${mode.elderly ? '-elderly' : ''}`;
          if ((await page.getAttribute('.kiosk', 'data-lang')) !== mode.lang) await page.click(tid('lang-toggle'));
          await page.waitForSelector(`.kiosk[data-lang="${mode.lang}"]`);
          if ((await page.getAttribute('.kiosk', 'data-elderly')) !== (mode.elderly ? '1' : '0')) await page.click(tid('elderly-toggle'));
          await page.waitForSelector(`.kiosk[data-elderly="${mode.elderly ? '1' : '0'}"]`);
          await check(page, `${name}-attract`, problems);

          await page.click(tid('start'));
          await page.waitForSelector(tid('service-hukou'));
          await check(page, `${name}-services`, problems);
          await page.click(tid('search'));
          if (await page.locator(tid('key-B')).isVisible()) await check(page, `${name}-letters`, problems);
          if (await page.locator(tid('keypad-toggle')).isVisible()) await page.click(tid('keypad-toggle'));

          // 出入境 is appointment-only: the dialog a walk-in gets.
          await page.waitForSelector(tid('service-entry'));
          await page.click(tid('service-entry'));
          await page.waitForSelector(tid('refusal'));
          await check(page, `${name}-appointment-only`, problems);
          await page.click(tid('refusal-ok'));

          await page.click(tid('service-hukou'));
          await page.waitForSelector(tid('confirm'));
          await check(page, `${name}-confirm`, problems);
          await page.click(tid('confirm-guide'));
          await page.waitForSelector(tid('guide'));
          await check(page, `${name}-guide`, problems);
          await page.click(tid('guide-close'));

          await page.click(tid('take-ticket'));
          await page.waitForSelector('.kiosk[data-screen="ticket"], .kiosk[data-screen="eticket"]', { timeout: 20_000 });
          await page.waitForSelector(tid('ticket-number'));
          await check(page, `${name}-ticket`, problems);
          await page.click(tid('done'));
          await page.waitForSelector('.kiosk[data-screen="attract"]');
        }
        // The printer out of paper: the e-ticket screen and its plain-words note, in the other language.
        hall.sims!.printer.state.paper = 'out';
        try {
          const lang = layout === 'portrait' ? 'zh' : 'en';
          if ((await page.getAttribute('.kiosk', 'data-lang')) !== lang) await page.click(tid('lang-toggle'));
          if ((await page.getAttribute('.kiosk', 'data-elderly')) === '1') await page.click(tid('elderly-toggle'));
          await page.waitForSelector(`.kiosk[data-lang="${lang}"][data-elderly="0"]`);
          await page.click(tid('start'));
          await page.click(tid('service-housing'));
          await page.click(tid('take-ticket'));
          await page.waitForSelector(tid('eticket'), { timeout: 20_000 });
          await check(page, `kiosk-${layout}-${lang}-eticket`, problems);
        } finally {
          hall.sims!.printer.state.paper = 'ok';
        }
        noProblems(problems);
        expect(kiosk.errors).toEqual([]);
      } finally {
        await kiosk.context.close();
      }
    }, 240_000);
  }

});
