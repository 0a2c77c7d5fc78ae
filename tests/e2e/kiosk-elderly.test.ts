/**
 * The kiosk for elderly citizens (issue 17), on a landscape kiosk (1920x1080) against the web
 * hall with simulated devices: 大字版 fills the screen (six large tiles a page, not four with
 * half the screen empty); the ID card of a 76-year-old turns it on by itself (a hall setting),
 * and the next citizen starts in normal text; the appointment-only dialog gives the hall's
 * booking phone and web address. Screenshots: tests/screenshots/kiosk-elderly-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { DEMO_POLICY } from '../../scripts/web/demoHall';
import { SAMPLE_CARDS, type SimCard } from '../../electron/devices/sim/cardReaderSim';

let hall: WebHall;
let browser: Browser;
let opened: OpenedPage;
let page: Page;
const LANDSCAPE = { width: 1920, height: 1080 };
const tid = (id: string) => page.getByTestId(id);

beforeAll(async () => {
  hall = await startWebHall({ devices: true });
  browser = await launchBrowser();
  opened = await openTerminalPage(browser, hall.pages.get('kiosk-1')!, LANDSCAPE);
  page = opened.page;
  await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.services.size ?? 0) >= 9);
  await page.waitForSelector('[data-testid="attract"]');
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

async function setLang(lang: 'zh' | 'en'): Promise<void> {
  if ((await page.getAttribute('.kiosk', 'data-lang')) !== lang) await tid('lang-toggle').click();
  await page.waitForSelector(`.kiosk[data-lang="${lang}"]`);
}
async function shots(name: string): Promise<void> {
  await setLang('en');
  await screenshot(page, `${name}-en`);
  await setLang('zh');
  await screenshot(page, `${name}-zh`);
}
/** Put a card on the reader; the card strip shows it was read. */
async function swipe(card: SimCard): Promise<void> {
  hall.sims!.card.placeCard(card);
  await tid('card-strip').first().waitFor();
}
/** Take the card away and wait until the reader noticed. */
async function removeCard(): Promise<void> {
  const removed = new Promise<void>((resolve) => {
    const timer = setTimeout(done, 3_000);
    const stop = hall.deviceManager!.subscribe((e) => {
      if (e.type === 'card-removed') done();
    });
    function done() {
      clearTimeout(timer);
      stop();
      resolve();
    }
  });
  hall.sims!.card.removeCard();
  await removed;
}
async function home(): Promise<void> {
  const screen = await page.getAttribute('.kiosk', 'data-screen');
  if (screen !== 'attract') await tid('home').click();
  await page.waitForSelector('.kiosk[data-screen="attract"]');
}

describe('kiosk for elderly citizens, landscape 1920x1080', () => {
  it('大字版 in landscape shows six large tiles a page and fills the screen', async () => {
    await tid('elderly-toggle').click();
    await page.waitForSelector('.kiosk[data-elderly="1"]');
    await tid('start').click();
    await tid('services').waitFor();
    const tiles = page.locator('.tiles .tile');
    expect(await tiles.count()).toBe(6);
    // Two rows that reach down the screen: no half-empty page.
    const last = (await tiles.nth(5).boundingBox())!;
    const main = (await page.locator('.k-main').boundingBox())!;
    expect(last.y + last.height).toBeGreaterThan(main.y + main.height * 0.75);
    for (let i = 0; i < 6; i++) {
      const b = (await tiles.nth(i).boundingBox())!;
      expect(b.height).toBeGreaterThanOrEqual(160);
      expect(b.y + b.height).toBeLessThanOrEqual(LANDSCAPE.height);
    }
    await shots('kiosk-elderly-landscape-services');
    // The other three services are on the next page.
    await tid('page-next').click();
    expect(await tiles.count()).toBe(3);
    // Home is the next citizen: standard text again.
    await home();
    await page.waitForSelector('.kiosk[data-elderly="0"]');
  });

  it('the search reads pinyin initials with pinyin-pro in the browser: BDC finds 不动产登记', async () => {
    await tid('start').click();
    await tid('search').click();
    for (const k of ['B', 'D', 'C']) await tid(`key-${k}`).click();
    await expect.poll(() => page.locator('.tile').count()).toBe(1);
    await tid('service-estate').waitFor();
    await home();
  });

  it('the ID card of a 76-year-old turns 大字版 on by itself; the next citizen starts in normal text', async () => {
    await tid('start').click();
    await page.waitForSelector('.kiosk[data-screen="services"][data-elderly="0"]');
    await swipe(SAMPLE_CARDS.residentLongTerm);
    await page.waitForSelector('.kiosk[data-elderly="1"]', { timeout: 10_000 });
    await shots('kiosk-elderly-by-card');
    await removeCard();
    await home();
    // The session is over: the next citizen gets the standard kiosk.
    await page.waitForSelector('.kiosk[data-elderly="0"]', { timeout: 10_000 });

    // A younger holder: nothing changes.
    await tid('start').click();
    await swipe(SAMPLE_CARDS.resident);
    expect(await page.getAttribute('.kiosk', 'data-elderly')).toBe('0');
    await removeCard();
    await home();
    await page.waitForSelector('.kiosk[data-elderly="0"]');
  });

  it('a hall that turns the setting off: an elderly card holder keeps the standard text', async () => {
    await hall.admin('PUT', '/api/admin/config', { kind: 'policy', id: 'hall', value: { ...DEMO_POLICY, elderlyModeByCard: false } });
    await page.waitForFunction(() => window.__hallq!.terminal.local.state.config.policy.elderlyModeByCard === false);
    try {
      await tid('start').click();
      await swipe(SAMPLE_CARDS.residentLongTerm);
      // Priority still comes from the age (R7); only the text size is the citizen's to choose.
      expect(await page.getAttribute('.kiosk', 'data-elderly')).toBe('0');
      await removeCard();
      await home();
    } finally {
      await hall.admin('PUT', '/api/admin/config', { kind: 'policy', id: 'hall', value: DEMO_POLICY });
    }
  });

  it('the hall manager sets both in 大厅规则: a wrong phone is named at its field, a good one reaches the kiosk', async () => {
    const admin = await openTerminalPage(browser, hall.pages.get('admin-1')!);
    const ed = '[data-testid="policy"]';
    try {
      await admin.page.click('a[data-tab="policy"]');
      await admin.page.waitForSelector(ed);
      expect(await admin.page.inputValue(`${ed} input[name="bookingPhone"]`)).toBe(DEMO_POLICY.bookingPhone);
      await admin.page.fill(`${ed} input[name="bookingPhone"]`, 'call us');
      await admin.page.click(`${ed} [data-action="save"]`);
      const error = admin.page.locator('[data-error-for="bookingPhone"]');
      await error.waitFor();
      // Named in the manager's language, Chinese first.
      expect(await error.textContent()).toContain('只能用数字');
      await admin.page.fill(`${ed} input[name="bookingPhone"]`, '0755-1234 5678');
      await admin.page.uncheck(`${ed} input[name="elderlyModeByCard"]`);
      await screenshot(admin.page, 'kiosk-elderly-admin-policy-zh');
      await admin.page.click(`${ed} [data-action="save"]`);
      await admin.page.waitForSelector('[data-testid="editor-saved"]');
      await page.waitForFunction(() => window.__hallq!.terminal.local.state.config.policy.bookingPhone === '0755-1234 5678');
      expect(await page.evaluate(() => window.__hallq!.terminal.local.state.config.policy.elderlyModeByCard)).toBe(false);
      expect(admin.errors).toEqual([]);
    } finally {
      await admin.context.close();
      await hall.admin('PUT', '/api/admin/config', { kind: 'policy', id: 'hall', value: DEMO_POLICY });
      await page.waitForFunction(() => window.__hallq!.terminal.local.state.config.policy.elderlyModeByCard === true);
    }
  });

  it('the appointment-only dialog gives the booking phone and web address', async () => {
    await tid('start').click();
    await tid('service-entry').click();
    const refusal = tid('refusal');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('appointment-only');
    expect(await tid('booking-phone').textContent()).toContain(DEMO_POLICY.bookingPhone);
    expect(await tid('booking-web').textContent()).toContain(DEMO_POLICY.bookingWeb);
    expect(await tid('booking-contact').locator('.qr').getAttribute('data-qr')).toBe(DEMO_POLICY.bookingWeb);
    await setLang('en');
    expect(await tid('booking-phone').textContent()).toContain('Book by phone');
    await shots('kiosk-elderly-appointment-contact');
    await tid('refusal-ok').click();
    await home();
    expect(opened.errors).toEqual([]);
  });
});
