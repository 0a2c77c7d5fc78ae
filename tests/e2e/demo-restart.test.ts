/**
 * The demo survives a restart (issue 17). Web mode keeps its hall in a data dir: after a
 * restart the kiosk already open keeps its enrollment, the ticket it issued offline reaches the
 * hall, and its printer is back (the device host keeps its port and token, in a 0600 file).
 * And a hall server that came back without its database (in memory) still gets the offline
 * ticket: the kiosk opened with its new address continues its origin there and resends it.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { DEVICE_HOST_FILE, readDeviceHostState } from '../../scripts/web/keptState';

let browser: Browser;
const halls: WebHall[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  for (const h of halls) await h.close().catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(o: Parameters<typeof startWebHall>[0]): Promise<WebHall> {
  const h = await startWebHall(o);
  halls.push(h);
  return h;
}
async function stop(h: WebHall): Promise<void> {
  await h.close();
  halls.splice(halls.indexOf(h), 1);
}
const portOf = (h: WebHall) => Number(new URL(h.url).port);

/** A ticket of 户籍 taken at the kiosk as a citizen does; its number. */
async function takeTicket(page: Page): Promise<string> {
  await page.getByTestId('start').click();
  await page.getByTestId('service-hukou').click();
  await page.getByTestId('take-ticket').click();
  await page.waitForSelector('.kiosk[data-screen="ticket"], .kiosk[data-screen="eticket"]', { timeout: 20_000 });
  const n = (await page.getByTestId('ticket-number').textContent())!.trim();
  return n;
}
async function done(page: Page): Promise<void> {
  await page.getByTestId('done').click();
  await page.waitForSelector('.kiosk[data-screen="attract"]');
}
/** Offline while `fn` runs: the hall server does not answer this page. */
async function offline<T>(opened: OpenedPage, url: string, fn: () => Promise<T>): Promise<T> {
  await opened.page.route(`${url}/api/**`, (r) => r.abort('connectionrefused'));
  try {
    return await fn();
  } finally {
    await opened.page.unroute(`${url}/api/**`);
  }
}
async function serverHasTicket(h: WebHall, number: string): Promise<boolean> {
  const r = await h.db.query(`SELECT 1 FROM events WHERE hall = $1 AND type = 'ticket.issued' AND body->'payload'->>'number' = $2`, [h.hall, number]);
  return r.rows.length > 0;
}
/** The network is back (the browser's `online` event): the terminal syncs now. */
const networkBack = (page: Page) => page.evaluate(() => dispatchEvent(new Event('online')));

describe('the demo survives a restart', () => {
  it('with a data dir: the open kiosk keeps working, its offline ticket arrives and the printer reconnects', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallq-web-'));
    dirs.push(dataDir);
    const first = await start({ dataDir, devices: true });
    expect(first.kept).toBe(false);
    const kept = readDeviceHostState(dataDir)!;
    expect(kept.port).toBe(first.deviceHost!.port);
    // The device host's token is the operator's alone.
    expect(statSync(join(dataDir, DEVICE_HOST_FILE)).mode & 0o777).toBe(0o600);

    const opened = await openTerminalPage(browser, first.pages.get('kiosk-1')!, { width: 1080, height: 1920 });
    const { page } = opened;
    await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.services.size ?? 0) >= 9);
    await page.waitForSelector('[data-testid="attract"]');

    // The hall server is away: the kiosk issues from its own series and prints.
    const offlineNumber = await offline(opened, first.url, () => takeTicket(page));
    expect(offlineNumber).toMatch(/^AK\d+$/);
    await expect.poll(() => first.sims!.printer.text, { timeout: 10_000 }).toContain(offlineNumber);
    await done(page);
    expect(await serverHasTicket(first, offlineNumber)).toBe(false);

    // `npm run web` again: same data dir, same port.
    const port = portOf(first);
    await stop(first);
    const second = await start({ dataDir, devices: true, port });
    expect(second.kept).toBe(true);
    expect(second.deviceHost!.port).toBe(kept.port);
    expect(readDeviceHostState(dataDir)).toEqual(kept);

    await networkBack(page);
    await expect.poll(() => serverHasTicket(second, offlineNumber), { timeout: 30_000 }).toBe(true);
    await page.waitForFunction(() => {
      const s = window.__hallq!.terminal.engine.status;
      return s.state === 'online' && s.pending === 0 && !s.authError;
    }, null, { timeout: 30_000 });
    // The next citizen's ticket is a server number, printed by the printer behind the same host.
    const next = await takeTicket(page);
    expect(next).toMatch(/^A\d+$/);
    await expect.poll(() => second.sims!.printer.text, { timeout: 20_000 }).toContain(next);
    expect(await page.getAttribute('.kiosk', 'data-screen')).toBe('ticket');
    await screenshot(page, 'demo-restart-kiosk-after-restart-zh');
    await done(page);
    expect(opened.errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED') && !e.includes('WebSocket'))).toEqual([]);
    await opened.context.close();
    await stop(second);
  }, 180_000);

  it('a server back without its database: the kiosk opened with its new address resends its offline ticket', async () => {
    const first = await start({});
    const opened = await openTerminalPage(browser, first.pages.get('kiosk-1')!, { width: 1080, height: 1920 });
    const { page } = opened;
    await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.services.size ?? 0) >= 9);
    await page.waitForSelector('[data-testid="attract"]');
    const epoch = await page.evaluate(() => window.__hallq!.identity.epoch);
    const offlineNumber = await offline(opened, first.url, () => takeTicket(page));
    await done(page);

    const port = portOf(first);
    await stop(first);
    const second = await start({ port });
    // The old token means nothing to the new server: the page says so...
    await networkBack(page);
    await page.waitForFunction(() => window.__hallq!.terminal.engine.status.authError !== null && window.__hallq!.terminal.engine.status.authError !== undefined, null, { timeout: 30_000 });
    // ...and the new address (a new code) brings the kiosk back with what it held.
    await page.goto(second.pages.get('kiosk-1')!);
    await page.waitForSelector('html[data-ready="1"]', { timeout: 30_000 });
    expect(await page.evaluate(() => window.__hallq!.identity.epoch)).toBe(epoch);
    await expect.poll(() => serverHasTicket(second, offlineNumber), { timeout: 30_000 }).toBe(true);
    await page.waitForFunction(() => window.__hallq!.terminal.engine.status.pending === 0, null, { timeout: 30_000 });
    await opened.context.close();
    await stop(second);
  }, 180_000);
});
