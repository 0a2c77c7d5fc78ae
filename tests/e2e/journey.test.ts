/**
 * The whole journey through the real screens in headless Chromium, against the web-mode hall
 * (server on PGlite, simulated devices on real pseudo-terminals): a citizen takes a ticket at
 * the kiosk, a clerk calls it, the board and the LED strip show it, the clerk finishes, the
 * citizen rates it, the admin view counts it. Then the same with the kiosk cut off: the ticket
 * taken offline is synced later and called in its fair place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openTerminalPage, type OpenedPage } from '../support/browser';
import { DEMO_PIN } from '../../scripts/web/demoHall';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';

let hall: WebHall;
let browser: Browser;
let kiosk: OpenedPage;
let kiosk2: OpenedPage;
let counter: OpenedPage;
let evaluator: OpenedPage;
let board: OpenedPage;
let admin: OpenedPage;

const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

async function takeTicket(page: Page, serviceId: string): Promise<string> {
  if (await tid(page, 'done').count()) await tid(page, 'done').click();
  await tid(page, 'start').click();
  await tid(page, `service-${serviceId}`).click();
  await tid(page, 'take-ticket').click();
  const number = tid(page, 'ticket-number');
  await number.waitFor();
  return (await number.textContent())!.trim();
}

async function ticketSeen(page: Page, number: string) {
  await page.waitForFunction((n) => [...window.__hallq!.terminal.local.state.tickets.values()].some((t) => t.number === n), number, { timeout: 20_000 });
}

beforeAll(async () => {
  hall = await startWebHall({ devices: true });
  browser = await launchBrowser();
  [kiosk, kiosk2, counter, evaluator, board, admin] = await Promise.all([
    openTerminalPage(browser, hall.pages.get('kiosk-1')!, { width: 1080, height: 1920 }),
    openTerminalPage(browser, hall.pages.get('kiosk-2')!, { width: 1080, height: 1920 }),
    openTerminalPage(browser, hall.pages.get('counter-1')!, { width: 1366, height: 768 }),
    openTerminalPage(browser, hall.pages.get('evaluator-1')!, { width: 1280, height: 800 }),
    openTerminalPage(browser, hall.pages.get('display-1')!, { width: 1920, height: 1080 }),
    openTerminalPage(browser, hall.pages.get('admin-1')!, { width: 1440, height: 900 }),
  ]);
  for (const p of [kiosk, kiosk2, counter]) {
    await p.page.waitForFunction(() => window.__hallq!.terminal.local.caughtUpAt !== null && window.__hallq!.terminal.local.state.config.services.size > 0, undefined, { timeout: 20_000 });
  }
  // The clerk signs in at window 1.
  await tid(counter.page, 'staff-id').fill('s1');
  await tid(counter.page, 'pin').fill(DEMO_PIN);
  await tid(counter.page, 'sign-in').click();
  await tid(counter.page, 'call-next').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('the journey', () => {
  it('a ticket taken at the kiosk is called, shown, served, rated and counted', async () => {
    const number = await takeTicket(kiosk.page, 'hukou');
    expect(number).toMatch(/^A\d{3}$/);
    // The paper came out of the printer with the number on it.
    await expect.poll(() => hall.sims!.printer.text, { timeout: 10_000 }).toContain(number);

    await ticketSeen(counter.page, number);
    await tid(counter.page, 'call-next').click();
    await expect.poll(() => tid(counter.page, 'current-number').textContent()).toContain(number);
    // The board highlights the call; the window's LED strip shows it (R2, R3).
    await expect.poll(() => tid(board.page, 'latest-call').getAttribute('data-number'), { timeout: 10_000 }).toBe(number);
    await expect.poll(() => hall.sims!.led.shows(1), { timeout: 10_000 }).toContain(number);

    await tid(counter.page, 'start').click();
    await tid(evaluator.page, 'serving-number').filter({ hasText: number }).waitFor({ timeout: 10_000 });
    await tid(counter.page, 'finish-done').click();

    // R8: the citizen rates the service once.
    await tid(evaluator.page, 'rate-5').click({ timeout: 10_000 });
    await tid(evaluator.page, 'thanks').waitFor();
    await admin.page.waitForFunction(
      (n) => {
        const s = window.__hallq!.terminal.local.state;
        const t = [...s.tickets.values()].find((x) => x.number === n);
        return t?.status === 'finished' && t.rating?.level === 5;
      },
      number,
      { timeout: 20_000 },
    );
    // The admin's live view counts the served ticket.
    await expect.poll(() => admin.page.locator('[data-testid="totals"] [data-kpi="served"]').getAttribute('data-value'), { timeout: 10_000 }).toBe('1');
    await expect.poll(() => admin.page.locator('[data-testid="totals"] [data-kpi="rated"]').getAttribute('data-value'), { timeout: 10_000 }).toBe('1');
    expect([kiosk, counter, evaluator, board, admin].flatMap((p) => p.errors)).toEqual([]);
  });

  it('a ticket taken while the kiosk is offline is synced later and called in its fair place', async () => {
    const first = await takeTicket(kiosk2.page, 'hukou');
    await kiosk.context.setOffline(true);
    await kiosk.page.waitForFunction(() => window.__hallq!.terminal.engine.status.state === 'offline', undefined, { timeout: 30_000 });
    await kiosk.page.locator('[data-status="offline"]').waitFor();
    const offline = await takeTicket(kiosk.page, 'hukou');
    // The kiosk's own offline series (K): never collides with the server's numbers.
    expect(offline).toMatch(/^AK\d{3}$/);
    const after = await takeTicket(kiosk2.page, 'hukou');

    await kiosk.context.setOffline(false);
    await ticketSeen(counter.page, offline);
    await ticketSeen(counter.page, after);
    const called: string[] = [];
    for (let i = 0; i < 3; i++) {
      await tid(counter.page, 'call-next').click();
      const current = async () => (await tid(counter.page, 'current-number').textContent())?.match(/[A-Z]{1,2}\d{3}/)?.[0] ?? null;
      await expect.poll(current, { timeout: 10_000 }).not.toBe(called[called.length - 1] ?? null);
      called.push((await current())!);
      await tid(counter.page, 'finish-done').click();
    }
    expect(called).toEqual([first, offline, after]);
  });
});
