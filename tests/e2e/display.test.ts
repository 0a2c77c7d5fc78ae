/**
 * The calling board (R2 silent calling): a call made at a counter appears on the board at once,
 * highlighted with its window; every window shows its number or 暂停服务 (R10); waiting counts,
 * notices, the hotline (R20), both languages (R14), numbers only (R21); and it says when it is
 * not live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SAMPLE_CARDS } from '../../electron/devices/sim/cardReaderSim';
import { idHash } from '../../shared/identity/keyedHash';
import { maskIdNumber, maskName } from '../../shared/identity/mask';
import { DEMO_HALL_KEY, startWebHall, type WebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';

let hall: WebHall;
let browser: Browser;
let board: OpenedPage;
let kiosk: OpenedPage;
let counter1: OpenedPage;
let counter2: OpenedPage;

const FULL_HD = { width: 1920, height: 1080 };

/** Issue a ticket at the kiosk page through its coordinator (the server numbers it), and let it reach the server. */
async function issue(page: Page, serviceId: string, card?: unknown): Promise<string> {
  const number = await page.evaluate(
    async ({ serviceId, card }) => {
      const r = await window.__hallq!.terminal.coordinator.issueTicket({ serviceId, channel: card ? 'idcard' : 'kiosk', ...(card ? { card: card as never } : {}) });
      if (!r.ok) throw new Error(`${r.code}: ${r.message.en}`);
      return r.ticket.number;
    },
    { serviceId, card },
  );
  // The outbox row is written with the event: it is gone once the server has the ticket.
  await page.waitForFunction(async () => (await window.__hallq!.terminal.db.outbox.count()) === 0);
  return number;
}

async function callNext(page: Page, windowId: string): Promise<string> {
  return page.evaluate(async (windowId) => {
    const r = await window.__hallq!.terminal.coordinator.callNext(windowId);
    if (!r.ok) throw new Error(`${r.code}: ${r.message.en}`);
    return r.number;
  }, windowId);
}

/** The counter's terminal waits until it knows the configuration (it signs in against it). */
async function synced(page: Page): Promise<void> {
  await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.windows.size ?? 0) > 0 && window.__hallq!.terminal.engine.status.state === 'online');
}

/** Let the new call's entrance animation finish before a screenshot (the flash goes on). */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => (a as CSSAnimation).animationName === 'call-in').map((a) => a.finished)));
}

const tile = (windowId: string) => board.page.locator(`[data-testid="window-${windowId}"]`);
const latest = () => board.page.locator('[data-testid="latest-call"]');
const waiting = (serviceId: string) => board.page.locator(`[data-testid="waiting-${serviceId}"]`);

beforeAll(async () => {
  hall = await startWebHall();
  browser = await launchBrowser();
  [board, kiosk, counter1, counter2] = await Promise.all([
    openTerminalPage(browser, hall.pages.get('display-1')!, FULL_HD),
    openTerminalPage(browser, hall.pages.get('kiosk-1')!),
    openTerminalPage(browser, hall.pages.get('counter-1')!),
    openTerminalPage(browser, hall.pages.get('counter-2')!),
  ]);
  await Promise.all([synced(kiosk.page), synced(counter1.page), synced(counter2.page), synced(board.page)]);
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('the calling board', () => {
  it('R14/R20: shows the hall name, the supervision hotline, date and time, notices and every window, in Chinese and English at once', async () => {
    const p = board.page;
    await expect.poll(() => p.locator('[data-testid^="window-"]').count()).toBe(6);
    const text = (await p.textContent('body')) ?? '';
    for (const s of ['朝阳区政务服务中心', 'Chaoyang District Government Service Center', '政务服务便民热线', 'Government Service Hotline', '12345', '正在叫号', 'Now calling', '等候人数', 'Waiting', '户籍办理', 'Household registration']) {
      expect(text).toContain(s);
    }
    // The demo notices scroll along the bottom, both languages.
    const notices = (await p.textContent('[data-testid="notices"]')) ?? '';
    expect(notices).toContain('请保管好您的号票');
    expect(notices).toContain('Keep your ticket');
    expect(await p.textContent('[data-testid="clock"]')).toMatch(/\d{2}:\d{2}/);
    // Nobody signed in yet: every window is closed.
    expect(await tile('w1').getAttribute('data-state')).toBe('closed');
    expect(await tile('w1').textContent()).toContain('未开放');
    expect(board.errors).toEqual([]);
    await screenshot(p, 'display-zh');
  });

  it('waiting counts per service follow the tickets issued at the kiosk', async () => {
    const before = Number(await waiting('hukou').getAttribute('data-count'));
    await issue(kiosk.page, 'hukou');
    await issue(kiosk.page, 'hukou');
    await issue(kiosk.page, 'social');
    await expect.poll(() => waiting('hukou').getAttribute('data-count')).toBe(String(before + 2));
    await expect.poll(() => waiting('social').getAttribute('data-count')).toBe('1');
  });

  it('R2/R3: a call made at a counter appears on the board highlighted, with its window, and the window tile shows the number', async () => {
    await counter1.page.evaluate(() => window.__hallq!.terminal.local.author('staff.signedIn', { windowId: 'w1', staffId: 's1' }));
    await expect.poll(() => tile('w1').getAttribute('data-state')).toBe('open');
    const waitingBefore = Number(await waiting('hukou').getAttribute('data-count'));
    const number = await callNext(counter1.page, 'w1');

    await expect.poll(() => latest().getAttribute('data-number')).toBe(number);
    expect(await latest().getAttribute('data-window')).toBe('w1');
    expect(await latest().getAttribute('data-fresh')).toBe('1');
    const said = (await latest().textContent()) ?? '';
    expect(said).toContain(`请 ${number} 到 1 号窗口`);
    expect(said).toContain(`Ticket ${number} please go to window 1`);
    await expect.poll(() => tile('w1').getAttribute('data-number')).toBe(number);
    await expect.poll(() => waiting('hukou').getAttribute('data-count')).toBe(String(waitingBefore - 1));
    await settled(board.page);
    await screenshot(board.page, 'display-call');
  });

  it('a newer call takes the highlight and the earlier one moves to the recent calls', async () => {
    const first = await latest().getAttribute('data-number');
    await counter2.page.evaluate(() => window.__hallq!.terminal.local.author('staff.signedIn', { windowId: 'w2', staffId: 's2' }));
    const number = await callNext(counter2.page, 'w2');
    await expect.poll(() => latest().getAttribute('data-number')).toBe(number);
    expect(await latest().getAttribute('data-window')).toBe('w2');
    await expect(board.page.locator(`[data-testid="recent-${first}"]`).count()).resolves.toBe(1);
    await expect.poll(() => tile('w2').getAttribute('data-number')).toBe(number);
  });

  it('R10: a paused window shows 暂停服务 / Paused on its tile', async () => {
    await counter2.page.evaluate(() => window.__hallq!.terminal.local.author('window.paused', { windowId: 'w2', reason: '系统维护' }));
    await expect.poll(() => tile('w2').getAttribute('data-state')).toBe('paused');
    const text = (await tile('w2').textContent()) ?? '';
    expect(text).toContain('暂停服务');
    expect(text).toContain('Paused');
    // The clerk's reason is not for the public board.
    expect(text).not.toContain('系统维护');
    await settled(board.page);
    await screenshot(board.page, 'display-paused');
  });

  it('R21: a ticket taken with an ID card is called by its number only: no name, no ID number on the board', async () => {
    const c = SAMPLE_CARDS.resident;
    const card = { idHash: idHash(DEMO_HALL_KEY, c.idNumber), idMasked: maskIdNumber(c.idNumber), nameMasked: maskName(c.name) };
    const number = await issue(kiosk.page, 'hukou', card);
    // Two earlier hukou tickets are ahead of it at window 1.
    let called = '';
    for (let i = 0; i < 3 && called !== number; i++) called = await callNext(counter1.page, 'w1');
    expect(called).toBe(number);
    await expect.poll(() => latest().getAttribute('data-number')).toBe(number);
    const text = (await board.page.textContent('body')) ?? '';
    for (const secret of [c.name, c.idNumber, card.idMasked, card.nameMasked, c.address]) expect(text).not.toContain(secret);
  });

  it('R2: silent by default; with sound=1 in its address the board speaks each new call', async () => {
    const p = board.page;
    const stub = () => {
      const spoken: string[] = [];
      Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: { speak: (u: SpeechSynthesisUtterance) => spoken.push(u.text), cancel: () => {} } });
      (window as unknown as { __spoken: string[] }).__spoken = spoken;
    };
    const spoken = () => p.evaluate(() => (window as unknown as { __spoken: string[] }).__spoken);
    await p.evaluate(stub);
    await issue(kiosk.page, 'hukou');
    const quiet = await callNext(counter1.page, 'w1');
    await expect.poll(() => latest().getAttribute('data-number')).toBe(quiet);
    expect(await spoken()).toEqual([]);

    await p.addInitScript(stub);
    const url = new URL(p.url());
    url.searchParams.set('sound', '1');
    await p.goto(url.toString());
    await p.waitForSelector('html[data-ready="1"]');
    await expect.poll(() => latest().getAttribute('data-number')).toBe(quiet);
    // What was on the board when it started is not announced again.
    expect(await spoken()).toEqual([]);
    await issue(kiosk.page, 'hukou');
    const loud = await callNext(counter1.page, 'w1');
    await expect.poll(spoken, { timeout: 5_000 }).toContain(`请${loud}号到1号窗口`);
  });

  it('when the board is cut off from the server it says its data may be out of date, and dims the latest call', async () => {
    await board.context.setOffline(true);
    // The engine notices on its next attempt; ask for one now rather than waiting for the heartbeat.
    await board.page.evaluate(() => void window.__hallq!.terminal.engine.syncNow());
    await board.page.waitForSelector('.display[data-sync="offline"], .display[data-sync="stale"]', { timeout: 30_000 });
    await board.page.waitForSelector('[data-testid="stale-note"]');
    expect(await board.page.textContent('[data-testid="stale-note"]')).toContain('数据可能不是最新');
    expect(await latest().getAttribute('class')).toContain('latest-stale');
    expect(await board.page.locator('.status-banner').count()).toBe(1);
    await screenshot(board.page, 'display-stale');
    await board.context.setOffline(false);
  });
});
