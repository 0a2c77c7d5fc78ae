/**
 * Issue 17, end to end on the demo hall with simulated devices:
 *  - honest waits: tax is served only at window 4, which is closed; the kiosk, the printed
 *    ticket and the phone page say no window is open and promise no minutes;
 *  - the conflict rule that follows the citizen: windows 1 and 3 both call one ticket offline,
 *    window 3 starts serving; after sync window 3 keeps it on every screen, and window 1's clerk
 *    is told plainly;
 *  - no-show (过号) only after the policy's grace, with a confirmation.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';
import { DEMO_PIN, DEMO_POLICY } from '../../scripts/web/demoHall';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';

let hall: WebHall;
let browser: Browser;
let kiosk: OpenedPage;
let c1: OpenedPage;
let c3: OpenedPage;
let board: OpenedPage;

const PORTRAIT = { width: 1080, height: 1920 };
const DESK = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
/** The policy of this hall: a short no-show grace, so the test waits it out in real time. */
const GRACE_S = 4;

const tid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();
const text = (page: Page, id: string) => tid(page, id).innerText();

/** The language the screen leads with (renderer/i18n/Bi.tsx marks each text's language). */
const leading = (page: Page) => page.evaluate(() => (document.querySelector('.bi-main')?.getAttribute('lang')?.startsWith('zh') ? 'zh' : 'en'));

async function lang(page: Page, to: 'zh' | 'en', toggle: string) {
  if ((await leading(page)) === to) return;
  await tid(page, toggle).click();
  await expect.poll(() => leading(page)).toBe(to);
}

async function shots(page: Page, name: string, toggle: string) {
  await lang(page, 'zh', toggle);
  await screenshot(page, `${name}-zh`);
  await lang(page, 'en', toggle);
  await screenshot(page, `${name}-en`);
  await lang(page, 'zh', toggle);
}

interface TicketView {
  id: string;
  number: string;
  status: string;
  windowId?: string;
  token?: string;
}

function ticketOf(page: Page, number: string): Promise<TicketView | null> {
  return page.evaluate((n) => {
    for (const t of window.__hallq!.terminal.local.state.tickets.values()) {
      if (t.number === n) return { id: t.id, number: t.number, status: t.status, windowId: t.windowId, token: t.token };
    }
    return null;
  }, number);
}

async function seen(page: Page, number: string) {
  await page.waitForFunction((n) => [...window.__hallq!.terminal.local.state.tickets.values()].some((t) => t.number === n), number, { timeout: 20_000 });
}

/** A hukou ticket issued at the kiosk through its coordinator, with its progress-page token, as the kiosk screen does. */
async function issue(serviceId = 'hukou'): Promise<{ number: string; token: string }> {
  const token = randomBytes(16).toString('base64url');
  const r = await kiosk.page.evaluate(([s, t]) => window.__hallq!.terminal.coordinator.issueTicket({ serviceId: s, channel: 'kiosk', token: t }).then((o) => (o.ok ? o.ticket.number : `refused: ${o.code}`)), [serviceId, token] as const);
  expect(r).toMatch(/^[A-Z]\d{3}$/);
  return { number: r, token };
}

async function signIn(page: Page, staff: string) {
  await tid(page, 'staff-id').fill(staff);
  await tid(page, 'pin').fill(DEMO_PIN);
  await tid(page, 'sign-in').click();
  await tid(page, 'call-next').waitFor({ timeout: 20_000 });
}

async function phonePage(token: string): Promise<string> {
  const res = await fetch(`${hall.url}/p/${token}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The simulated printer is up (startWebHall may leave the device manager unstarted; see counter.test.ts). */
async function ensurePrinter(h: WebHall) {
  const state = async () => (await h.deviceManager!.health()).find((d) => d.kind === 'printer')?.state;
  for (let i = 0; i < 10 && (await state()) !== 'ok'; i++) await new Promise((r) => setTimeout(r, 100));
  if ((await state()) !== 'ok') h.deviceManager!.start();
  for (let i = 0; i < 100 && (await state()) !== 'ok'; i++) await new Promise((r) => setTimeout(r, 100));
  if ((await state()) !== 'ok') throw new Error('the simulated printer did not come up');
}

beforeAll(async () => {
  hall = await startWebHall({ devices: true });
  await ensurePrinter(hall);
  await hall.admin('PUT', '/api/admin/config', { kind: 'policy', id: 'hall', value: { ...DEMO_POLICY, noShowGraceSeconds: GRACE_S, noShowGracePrioritySeconds: GRACE_S * 2 } });
  browser = await launchBrowser();
  [kiosk, c1, c3, board] = await Promise.all([
    openTerminalPage(browser, hall.pages.get('kiosk-1')!, PORTRAIT),
    openTerminalPage(browser, hall.pages.get('counter-1')!, DESK),
    openTerminalPage(browser, hall.pages.get('counter-3')!, DESK),
    openTerminalPage(browser, hall.pages.get('display-1')!, { width: 1920, height: 1080 }),
  ]);
  for (const p of [kiosk, c1, c3, board]) {
    await p.page.waitForFunction((g) => window.__hallq?.terminal.local.state.config.policy.noShowGraceSeconds === g && window.__hallq.terminal.local.state.config.services.size >= 9, GRACE_S, { timeout: 60_000 });
  }
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('issue 17: honest waits, the conflict rule, no-show after grace', () => {
  it('no window open for tax: the kiosk, the printed ticket and the phone page say so, and promise no minutes', async () => {
    const page = kiosk.page;
    expect(await page.evaluate(() => window.__hallq!.terminal.local.state.windows.get('w4')?.state ?? 'closed')).not.toBe('open');
    await page.waitForSelector('[data-testid="attract"]');
    await tid(page, 'start').click();
    await tid(page, 'service-tax').click();
    const wait = tid(page, 'wait');
    await wait.waitFor();
    expect(await wait.getAttribute('data-wait')).toBe('no-window');
    expect(await wait.innerText()).toContain('暂无窗口开放，无法估计等候时间');
    expect(await wait.innerText()).not.toMatch(/分钟|\bmin\b/);
    await shots(page, 'kiosk-confirm-no-window', 'lang-toggle');

    await tid(page, 'take-ticket').click();
    await page.waitForSelector('.kiosk[data-screen="ticket"], .kiosk[data-screen="eticket"]', { timeout: 20_000 });
    const number = (await text(page, 'ticket-number')).trim();
    const line = tid(page, 'ticket-wait');
    expect(await line.getAttribute('data-wait')).toBe('no-window');
    expect(await line.innerText()).toContain('暂无窗口开放');
    expect(await line.innerText()).not.toMatch(/分钟|\bmin\b/);
    await shots(page, 'kiosk-ticket-no-window', 'lang-toggle');
    // The printed ticket in the same words.
    await expect.poll(() => hall.sims!.printer.text, { timeout: 15_000 }).toContain(number);
    const printed = hall.sims!.printer.text.slice(hall.sims!.printer.text.lastIndexOf(number));
    expect(printed).toContain('暂无窗口开放，无法估计等候时间');
    expect(printed).not.toContain('预计等候 0 分钟');
    // The phone page too.
    const t = (await ticketOf(page, number))!;
    const html = await phonePage(t.token!);
    expect(html).toContain('暂无窗口开放，无法估计等候时间');
    expect(html).not.toContain('分钟');
    const phone = await browser.newPage({ viewport: PHONE });
    try {
      await phone.goto(`${hall.url}/p/${t.token}`);
      await screenshot(phone, 'phone-progress-no-window');
    } finally {
      await phone.close();
    }
    // The ticket screen may have timed out to the attract screen already on a slow machine.
    if (await tid(page, 'done').isVisible()) await tid(page, 'done').click();
  });

  it('two windows call one ticket offline, window 3 starts serving: window 3 keeps the citizen on the board, the phone and both counters', async () => {
    await signIn(c1.page, 's1');
    await signIn(c3.page, 's3');
    const { number: n, token } = await issue();
    await seen(c1.page, n);
    await seen(c3.page, n);

    // Both cut off. Window 1 calls first; window 3 a moment later, and the citizen sits down there.
    await c1.context.setOffline(true);
    await c3.context.setOffline(true);
    await tid(c1.page, 'call-next').click();
    await c1.page.locator('[data-testid="current-number"]', { hasText: n }).waitFor({ timeout: 15_000 });
    await c3.page.waitForTimeout(200);
    await tid(c3.page, 'call-next').click();
    await c3.page.locator('[data-testid="current-number"]', { hasText: n }).waitFor({ timeout: 15_000 });
    await tid(c3.page, 'start').click();
    await c3.page.locator('[data-testid="current-ticket"][data-status="serving"]').waitFor();

    // Back online: the window that started service wins, whatever order the events arrive in.
    await c3.context.setOffline(false);
    await c1.context.setOffline(false);
    await tid(c1.page, 'conflict').waitFor({ timeout: 45_000 });
    const msg = await text(c1.page, 'conflict');
    expect(msg).toContain(`${n} 已在 3 号窗口办理`);
    expect(msg).toContain(`${n} is being served at window 3`);
    await c1.page.locator('[data-testid="current-ticket"][data-status="none"]').waitFor();
    await screenshot(c1.page, 'counter-conflict-started-elsewhere-zh');
    // Window 3 keeps serving the citizen.
    await c3.page.waitForTimeout(500);
    expect(await c3.page.locator('[data-testid="current-ticket"]').getAttribute('data-status')).toBe('serving');
    expect((await text(c3.page, 'current-number')).trim()).toBe(n);
    expect(await c3.page.locator('[data-testid="conflict"]').count()).toBe(0);
    // The board sends the citizen to window 3.
    await expect.poll(() => ticketOf(board.page, n), { timeout: 20_000 }).toMatchObject({ status: 'serving', windowId: 'w3' });
    await board.page.locator(`[data-testid="window-w3"][data-number="${n}"]`).waitFor({ timeout: 10_000 });
    expect(await board.page.locator('[data-testid="window-w1"]').getAttribute('data-number')).not.toBe(n);
    await screenshot(board.page, 'display-conflict-followed');
    // And the phone.
    await expect.poll(async () => (await fetch(`${hall.url}/p/${token}`)).text(), { timeout: 20_000, interval: 2_000 }).toContain('正在 3 号窗口办理');
    // Window 3 finishes; window 1 calls on.
    await tid(c3.page, 'finish-done').click();
    await expect.poll(() => ticketOf(c1.page, n), { timeout: 20_000 }).toMatchObject({ status: 'finished', windowId: 'w3' });
  });

  it('过号 only after the grace, with a confirmation; before it the button counts down and pressing says how long is left', async () => {
    const page = c1.page;
    const { number: n } = await issue();
    await seen(page, n);
    if (await tid(page, 'conflict-call-next').isVisible()) await tid(page, 'conflict-call-next').click();
    else await tid(page, 'call-next').click();
    await page.locator('[data-testid="current-number"]', { hasText: n }).waitFor({ timeout: 15_000 });

    // Right after the call: F6 records nothing and says how long to wait; the button counts down.
    await page.keyboard.press('F6');
    await page.locator('[data-testid="flash"][data-kind="error"]', { hasText: '才能过号' }).waitFor();
    expect(await text(page, 'flash')).toContain('可先重呼');
    expect(await tid(page, 'skip-slot').getAttribute('data-ready')).toBe('no');
    expect(await text(page, 'skip')).toMatch(/过号 0:0\d/);
    expect(await page.locator('[data-testid="no-show-dialog"]').count()).toBe(0);
    expect((await ticketOf(page, n))?.status).toBe('called');
    await screenshot(page, 'counter-no-show-countdown-zh');

    // After the grace: F6 asks for confirmation; Escape leaves the ticket called.
    await page.locator('[data-testid="skip-slot"][data-ready="yes"]').waitFor({ timeout: (GRACE_S + 5) * 1000 });
    expect((await text(page, 'skip')).trim()).toMatch(/^过号/);
    // The "wait N s" message is no longer true, so it is gone.
    await expect.poll(() => page.locator('[data-testid="flash"][data-kind="error"]').count()).toBe(0);
    for (const l of ['en', 'zh'] as const) {
      await lang(page, l, 'lang');
      await page.keyboard.press('F6');
      await tid(page, 'no-show-dialog').waitFor();
      expect(await text(page, 'no-show-dialog')).toContain(l === 'zh' ? `确认 ${n} 过号？` : `Mark ${n} as a no-show?`);
      await screenshot(page, `counter-no-show-confirm-${l}`);
      await page.keyboard.press('Escape');
      await page.locator('[data-testid="no-show-dialog"]').waitFor({ state: 'detached' });
      expect((await ticketOf(page, n))?.status).toBe('called');
    }

    await page.keyboard.press('F6');
    await tid(page, 'no-show-confirm').click();
    await expect.poll(async () => (await ticketOf(page, n))?.status).toBe('skipped');
    await page.locator('[data-testid="flash"][data-kind="ok"]', { hasText: `${n} 已过号` }).waitFor();
  });
});
