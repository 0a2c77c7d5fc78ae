/**
 * Issue 17: "Printer faults never reach the manager." Against the web hall with simulated
 * devices (real pseudo-terminals behind the device host): paper out at the kiosk, paper nearly
 * used up, the printer's cable pulled, the ID card reader's SAM failing, and the device host
 * itself going away reach the admin's live view (alert + the terminal's device column) within
 * 5 s, in plain words, and clear when fixed. The citizen at the kiosk reads plain words only:
 * never "device host", "connection", "socket", "HTTP" or an error code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { startDeviceHost, type DeviceHost } from '../../electron/device-host/server';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';

/** What no citizen screen may say (the technical cause goes to the log and the admin's details). */
const JARGON = /device host|connection|socket|http|error code|timeout|exception|econn|enoent|dle eot|设备服务|套接字|错误码|错误代码|超时/i;

let hall: WebHall;
let browser: Browser;
let kiosk: OpenedPage;
let admin: OpenedPage;
let evaluator: OpenedPage;
let restartedHost: DeviceHost | undefined;

const alert = (key: string) => admin.page.locator(`[data-alert="${key}"]`);
const deviceCell = (terminal: string, device: string) => admin.page.locator(`[data-testid="terminals"] tr[data-terminal="${terminal}"] [data-device="${device}"]`);
const tid = (id: string) => kiosk.page.locator(`[data-testid="${id}"]`);

/** Milliseconds until the admin shows `key` as an alert of `severity` and in the device column. */
async function adminSees(key: string, terminal: string, device: string, severity: 'fault' | 'warning', from: number): Promise<number> {
  await admin.page.locator(`[data-alert="${key}"].alert-${severity === 'fault' ? 'critical' : 'warning'}`).waitFor({ timeout: 15_000 });
  await admin.page.locator(`[data-testid="terminals"] tr[data-terminal="${terminal}"] [data-device="${device}"][data-severity="${severity}"]`).waitFor({ timeout: 15_000 });
  const ms = Date.now() - from;
  console.info(`admin shows ${key} (${severity}) after ${ms} ms`);
  return ms;
}

async function adminCleared(key: string, terminal: string, device: string): Promise<void> {
  await alert(key).waitFor({ state: 'detached', timeout: 30_000 });
  await deviceCell(terminal, device).waitFor({ state: 'detached', timeout: 30_000 });
}

async function setLang(page: Page, lang: 'zh' | 'en'): Promise<void> {
  if (page === admin.page) {
    if ((await page.evaluate(() => document.documentElement.lang)) !== (lang === 'zh' ? 'zh-CN' : 'en')) await page.click('[data-action="lang"]');
    await page.waitForFunction((l) => document.documentElement.lang === l, lang === 'zh' ? 'zh-CN' : 'en');
    return;
  }
  if ((await page.getAttribute('.kiosk', 'data-lang')) !== lang) await page.click('[data-testid="lang-toggle"]');
  await page.waitForSelector(`.kiosk[data-lang="${lang}"]`);
}

async function kioskHome(): Promise<void> {
  await kiosk.page.waitForFunction(() => document.querySelector('.kiosk')?.getAttribute('data-screen') !== 'printing', null, { timeout: 20_000 });
  const screen = await kiosk.page.getAttribute('.kiosk', 'data-screen');
  if (screen === 'ticket' || screen === 'eticket') await tid('done').click();
  else if (screen !== 'attract') await tid('home').click();
  await kiosk.page.waitForSelector('.kiosk[data-screen="attract"]');
}

/** A citizen takes a housing ticket; answers the screen it ended on. */
async function takeTicket(): Promise<string> {
  await tid('start').click();
  await tid('service-housing').click();
  await tid('take-ticket').click();
  await kiosk.page.waitForSelector('.kiosk[data-screen="ticket"], .kiosk[data-screen="eticket"]', { timeout: 20_000 });
  return (await kiosk.page.getAttribute('.kiosk', 'data-screen'))!;
}

async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

beforeAll(async () => {
  hall = await startWebHall({ devices: true });
  browser = await launchBrowser();
  [kiosk, evaluator] = await Promise.all([
    openTerminalPage(browser, hall.pages.get('kiosk-1')!, { width: 1080, height: 1920 }),
    openTerminalPage(browser, hall.pages.get('evaluator-1')!, { width: 1280, height: 800 }),
  ]);
  await kiosk.page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.services.size ?? 0) >= 9);
  admin = await openTerminalPage(browser, hall.pages.get('admin-1')!, { width: 1440, height: 900 });
  await admin.page.waitForSelector('[data-testid="terminals"] tr[data-terminal="kiosk-1"]', { timeout: 30_000 });
  // The devices are up and the kiosk has said so (nothing in fault to start with).
  await kiosk.page.waitForFunction(async () => (await window.__hallq!.devices.health()).some((h) => h.kind === 'printer' && h.state === 'ok'), null, { timeout: 20_000 });
  // A web hall with devices starts in well under a minute; a busy machine takes longer.
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await restartedHost?.close();
  await hall?.close();
});

// Ten device events in about half a minute: the kiosk's whole budget of visible device events
// for a minute (renderer/devices/healthLog.ts); none of them waits. Each condition is written once
// it has held 1.5 s, within the 5 s.

describe('device faults reach the admin within seconds, and clear when fixed (issue 17)', () => {
  it('the device host going away: the citizen still gets an e-ticket in plain words, the admin sees the printer missing; back, it clears', async () => {
    const page = new URL(hall.pages.get('kiosk-1')!);
    const port = Number(new URL(page.searchParams.get('devices')!).port);
    const from = Date.now();
    await hall.deviceHost!.close();
    expect(await adminSees('device-fault:kiosk-1/printer', 'kiosk-1', 'printer', 'fault', from)).toBeLessThan(5_000);
    expect(await takeTicket()).toBe('eticket');
    const citizen = await visibleText(kiosk.page);
    expect(citizen).toContain('电子号票');
    expect(citizen).not.toMatch(JARGON);
    // The evaluator lost its keypad's host too: its citizen says nothing technical either.
    expect(await visibleText(evaluator.page)).not.toMatch(JARGON);
    await screenshot(evaluator.page, 'device-faults-evaluator-no-device-host-zh');
    await screenshot(kiosk.page, 'device-faults-kiosk-no-device-host-zh');
    await kioskHome();

    restartedHost = await startDeviceHost({ api: hall.deviceManager!, allowedOrigins: [hall.url], token: page.searchParams.get('dt')!, port });
    await adminCleared('device-fault:kiosk-1/printer', 'kiosk-1', 'printer');
  });

  it('paper out at the kiosk: the citizen gets an e-ticket in plain words; the admin sees the fault and an alert within 5 s; paper back clears it', async () => {
    hall.sims!.printer.state.paper = 'out';
    const from = Date.now();
    expect(await takeTicket()).toBe('eticket');
    const ms = await adminSees('device-fault:kiosk-1/printer', 'kiosk-1', 'printer', 'fault', from);
    expect(ms).toBeLessThan(5_000);
    expect(await alert('device-fault:kiosk-1/printer').textContent()).toContain('打印纸用完了，请更换纸卷');
    expect(await deviceCell('kiosk-1', 'printer').getAttribute('data-code')).toBe('paper-out');
    // The technical detail is there for support, not in the headline.
    expect(await deviceCell('kiosk-1', 'printer').getAttribute('title')).toMatch(/paper-out/);

    const citizen = await visibleText(kiosk.page);
    expect(citizen).toContain('取号机的打印纸用完了');
    expect(citizen).not.toMatch(JARGON);
    await screenshot(kiosk.page, 'device-faults-kiosk-paper-out-zh');
    await setLang(kiosk.page, 'en');
    expect(await visibleText(kiosk.page)).not.toMatch(JARGON);
    await screenshot(kiosk.page, 'device-faults-kiosk-paper-out-en');
    await setLang(kiosk.page, 'zh');
    await screenshot(admin.page, 'device-faults-admin-paper-out-zh');
    await setLang(admin.page, 'en');
    await screenshot(admin.page, 'device-faults-admin-paper-out-en');
    await setLang(admin.page, 'zh');
    await admin.page.locator('[data-testid="terminals"]').scrollIntoViewIfNeeded();
    await screenshot(admin.page, 'device-faults-admin-device-column-zh');
    await setLang(admin.page, 'en');
    await screenshot(admin.page, 'device-faults-admin-device-column-en');
    await setLang(admin.page, 'zh');
    await admin.page.evaluate(() => window.scrollTo(0, 0));
    await kioskHome();

    hall.sims!.printer.state.paper = 'ok';
    await adminCleared('device-fault:kiosk-1/printer', 'kiosk-1', 'printer');
  });

  it('paper nearly used up is a warning for the admin (tickets still print), cleared with a new roll', async () => {
    hall.sims!.printer.state.paper = 'near-end';
    const from = Date.now();
    expect(await takeTicket()).toBe('ticket');
    expect(await adminSees('device-fault:kiosk-1/printer', 'kiosk-1', 'printer', 'warning', from)).toBeLessThan(5_000);
    expect(await alert('device-fault:kiosk-1/printer').textContent()).toContain('打印纸快用完了');
    await kioskHome();
    hall.sims!.printer.state.paper = 'ok';
    await adminCleared('device-fault:kiosk-1/printer', 'kiosk-1', 'printer');
  });

  it('the printer unplugged is "not connected" at the admin within 5 s; plugged back in, it clears', async () => {
    const from = Date.now();
    await hall.sims!.unplug('printer');
    expect(await adminSees('device-fault:kiosk-1/printer', 'kiosk-1', 'printer', 'fault', from)).toBeLessThan(5_000);
    expect(await deviceCell('kiosk-1', 'printer').getAttribute('data-code')).toBe('missing');
    expect(await alert('device-fault:kiosk-1/printer').textContent()).toContain('打印机未连接或没有响应');
    await hall.sims!.plugIn('printer');
    await adminCleared('device-fault:kiosk-1/printer', 'kiosk-1', 'printer');
  });

  it('an ID card reader fault (SAM self-test failed) reaches the admin within 5 s, and clears when the reader answers again', async () => {
    const from = Date.now();
    hall.sims!.card.setSamFault(0x60);
    expect(await adminSees('device-fault:kiosk-1/card-reader', 'kiosk-1', 'card-reader', 'fault', from)).toBeLessThan(5_000);
    expect(await alert('device-fault:kiosk-1/card-reader').textContent()).toContain('身份证读卡器');
    hall.sims!.card.setSamFault(undefined);
    await adminCleared('device-fault:kiosk-1/card-reader', 'kiosk-1', 'card-reader');
  });
});
