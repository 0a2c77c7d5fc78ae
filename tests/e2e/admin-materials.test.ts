/**
 * The admin's materials tab (issue 8), in Chromium against a web hall: the clerk at counter 1
 * captures a two-page household register (fake camera fed from the page photograph) and
 * attaches it while its uploads cannot get through; the admin sees the ticket with "2 页" and
 * the files still to come, then, once they are uploaded, the page thumbnails, a page large,
 * and the material's PDF (2 pages). The server unreachable: said plainly, the last list kept.
 * Nothing of the documents is left in localStorage, and the images' URLs die with the ticket.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PIN } from '../../scripts/web/demoHall';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/capture');

let hall: WebHall;
let browser: Browser;
let kiosk: OpenedPage;
let counter: OpenedPage;
let admin: OpenedPage;
let ticketNumber: string;

const on = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();
const row = () => admin.page.locator(`tr.mx-row[data-number="${ticketNumber}"]`);
const blobCount = async () => Number((await hall.db.query<{ n: string }>('SELECT count(*) AS n FROM material_blobs')).rows[0]!.n);

async function shoot(expectPages: number): Promise<void> {
  await on(counter.page, 'capture-shoot').click();
  await counter.page.locator(`[data-testid="capture"][data-pages="${expectPages}"]`).waitFor({ timeout: 20_000 });
}

/** Every thumbnail of the open ticket: its state and the decoded image's width. */
const thumbs = () =>
  admin.page.locator('[data-testid="material-thumb"]').evaluateAll((els) =>
    els.map((e) => {
      const img = e.querySelector('img');
      return { page: e.getAttribute('data-page'), state: e.getAttribute('data-state'), width: img?.naturalWidth ?? 0, src: img?.getAttribute('src') ?? '', text: (e.textContent ?? '').trim() };
    }),
  );

/** The page images decoded (and so painted) before a screenshot: they are decoded off the main thread. */
const decoded = () => admin.page.evaluate(() => Promise.all([...document.querySelectorAll<HTMLImageElement>('.mx-view img')].map((i) => i.decode())));

beforeAll(async () => {
  hall = await startWebHall();
  browser = await launchBrowser(['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${resolve(FIXTURES, 'page-photo.y4m')}`, '--use-fake-ui-for-media-stream']);
  [kiosk, counter, admin] = await Promise.all([
    openTerminalPage(browser, hall.pages.get('kiosk-1')!),
    openTerminalPage(browser, hall.pages.get('counter-1')!, { width: 1366, height: 768 }),
    openTerminalPage(browser, hall.pages.get('admin-1')!, { width: 1440, height: 900 }),
  ]);
  const page = counter.page;
  await page.locator('[data-testid="staff-id"]').fill('s1');
  await page.locator('[data-testid="pin"]').fill(DEMO_PIN);
  await on(page, 'sign-in').click();
  await on(page, 'call-next').waitFor();
  ticketNumber = await kiosk.page.evaluate(() => window.__hallq!.terminal.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' }).then((o) => (o.ok ? o.ticket.number : `refused: ${o.code}`)));
  expect(ticketNumber).toMatch(/^A\d{3}$/);
  await page.waitForFunction((n) => [...window.__hallq!.terminal.local.state.tickets.values()].some((t) => t.number === n), ticketNumber, { timeout: 15_000 });
  await on(page, 'call-next').click();
  await page.locator('[data-testid="current-number"]', { hasText: ticketNumber }).waitFor();
  await on(page, 'start').click();
  await page.locator('[data-testid="current-status"]').filter({ hasText: '办理中' }).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('the materials tab of the hall admin', () => {
  it('a material attached at the counter whose files have not arrived yet: listed with "2 页" and the files to come', async () => {
    // The counter's uploads do not get through (its events still sync).
    await counter.page.route('**/api/materials/**', (r) => r.abort('internetdisconnected'));
    await on(counter.page, 'capture-open').click();
    await on(counter.page, 'capture').waitFor();
    await counter.page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="capture-video"]');
      return !!v && v.videoWidth > 0 && v.readyState >= 2;
    });
    await counter.page.locator('[data-material="m2"] .material-name').click();
    await shoot(1);
    await shoot(2);
    // The second page turned (a page photographed sideways): two different files.
    const second = await counter.page.locator('[data-testid="capture-page"]').nth(1).evaluate((e) => ({ id: e.getAttribute('data-page')!, size: e.getAttribute('data-size')! }));
    await counter.page.locator(`[data-page="${second.id}"] [data-action="page-turn"]`).click();
    await counter.page.locator(`[data-page="${second.id}"][data-size="${second.size.split('x').reverse().join('x')}"]`).waitFor();
    await on(counter.page, 'capture-attach').click();
    await on(counter.page, 'capture').waitFor({ state: 'detached' });
    await counter.page.locator('[data-testid="current-materials"][data-materials="1"][data-pages="2"]').waitFor();

    await admin.page.click('a[data-tab="materials"]');
    await admin.page.waitForSelector('a[data-tab="materials"][aria-selected="true"]');
    // Two pages and the PDF are still on the counter.
    await row().and(admin.page.locator('[data-missing="3"]')).waitFor({ timeout: 30_000 });
    const text = (await row().textContent()) ?? '';
    expect(text).toContain('户口簿 · 2 页');
    expect(text).toContain('Household register · 2 pages');
    expect(text).toContain('3 个文件待上传');
    expect(text).toContain('户籍办理');
    expect(text).toContain('办理中');
    // The clerk comes from the admin's own fold of the hall's log.
    await expect.poll(async () => (await row().locator('td').nth(3).textContent())?.trim(), { timeout: 15_000 }).toBe('王芳');

    await row().locator('[data-action="open"]').click();
    await on(admin.page, 'material-detail').waitFor();
    const t = await thumbs();
    expect(t.map((x) => x.state)).toEqual(['missing', 'missing']);
    expect(t[0]!.text).toContain('尚未上传');
    expect(t[0]!.text).toContain('not uploaded yet');
    expect(await admin.page.locator('[data-action="download-pdf"]').isDisabled()).toBe(true);
    await screenshot(admin.page, 'admin-materials-pending-zh');
  });

  it('once uploaded: "已上传", thumbnails that load, a page large', async () => {
    await counter.page.unroute('**/api/materials/**');
    await expect.poll(blobCount, { timeout: 90_000, interval: 500 }).toBe(3);
    await admin.page.click('[data-testid="materials"] [data-action="refresh"]');
    await row().and(admin.page.locator('[data-missing="0"]')).waitFor({ timeout: 20_000 });
    expect(await row().textContent()).toContain('已上传');
    // The ticket stays open; its pages are fetched now.
    await expect.poll(async () => (await thumbs()).map((x) => x.state), { timeout: 20_000 }).toEqual(['ready', 'ready']);
    await admin.page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="material-thumb"] img')].every((i) => i.complete && i.naturalWidth > 0));
    const t = await thumbs();
    expect(t.every((x) => x.width > 0 && x.src.startsWith('blob:'))).toBe(true);
    // Page images as captured: A4 in proportion.
    const size = await admin.page.locator('[data-testid="material-thumb"] img').first().evaluate((i: HTMLImageElement) => ({ w: i.naturalWidth, h: i.naturalHeight }));
    expect(size.h / size.w).toBeCloseTo(297 / 210, 1);
    await decoded();
    await screenshot(admin.page, 'admin-materials-zh');

    await admin.page.locator('[data-testid="material-thumb"][data-page="1"] button').click();
    const viewer = on(admin.page, 'material-viewer');
    await viewer.waitFor();
    expect(await viewer.getAttribute('data-page')).toBe('1');
    await admin.page.keyboard.press('ArrowRight');
    await admin.page.locator('[data-testid="material-viewer"][data-page="2"]').waitFor();
    expect(await viewer.locator('img').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
    expect(await viewer.textContent()).toContain('第 2 / 2 页');
    await decoded();
    await screenshot(admin.page, 'admin-materials-viewer-zh');
    await admin.page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('downloads the material\'s PDF, named <number>-<material>.pdf, with its 2 pages', async () => {
    const [download] = await Promise.all([admin.page.waitForEvent('download'), admin.page.locator('[data-action="download-pdf"]').click()]);
    expect(download.suggestedFilename()).toBe(`${ticketNumber}-户口簿.pdf`);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(execFileSync('pdfinfo', [path], { encoding: 'utf8' })).toMatch(/Pages:\s+2\b/);
    await on(admin.page, 'pdf-done').waitFor();
  });

  it('R21: the admin sees who opened the material: the counter and the admin’s own thumbnails, with time and window', async () => {
    await admin.page.locator('[data-testid="material-access-log"]').first().click();
    const table = admin.page.locator('[data-testid="material-access-table"]').first();
    await table.waitFor();
    await expect.poll(async () => table.locator('tr[data-outcome="read"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await table.textContent()).toContain('admin');
    expect(await table.textContent()).toContain('已查看');
    await screenshot(admin.page, 'admin-materials-access-zh');
    await admin.page.locator('[data-testid="material-access-log"]').first().click();
    await table.waitFor({ state: 'detached' });
  });

  it('reads in English too, and fits 1280x800', async () => {
    await admin.page.click('[data-action="lang"]');
    await admin.page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await row().locator('[data-action="close"]').textContent()).toMatch(/^Close/);
    expect(await admin.page.locator('[data-testid="material-thumb"]').first().textContent()).toContain('p. 1');
    await decoded();
    await screenshot(admin.page, 'admin-materials-en');
    await admin.page.click('[data-action="lang"]');
    await admin.page.waitForFunction(() => document.documentElement.lang === 'zh-CN');

    await admin.page.setViewportSize({ width: 1280, height: 800 });
    // Nothing runs off the side.
    expect(await admin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await decoded();
    await screenshot(admin.page, 'admin-materials-1280-zh');
    await admin.page.setViewportSize({ width: 1440, height: 900 });
    expect(admin.errors).toEqual([]);
  });

  it('the server unreachable: said plainly, the last list kept with its time', async () => {
    await admin.page.route('**/api/admin/materials**', (r) => r.abort('internetdisconnected'));
    await admin.page.click('[data-testid="materials"] [data-action="refresh"]');
    const failure = on(admin.page, 'materials-failure');
    await failure.waitFor();
    expect(await failure.getAttribute('data-kind')).toBe('unreachable');
    const text = (await failure.textContent()) ?? '';
    expect(text).toContain('无法连接服务器');
    expect(text).toContain('Cannot reach the server');
    expect(text).toMatch(/下面是 \d\d:\d\d 取得的结果/);
    expect(await on(admin.page, 'materials-status').getAttribute('data-state')).toBe('stale');
    expect(await row().count()).toBe(1);
    await screenshot(admin.page, 'admin-materials-offline-zh');
    await admin.page.unroute('**/api/admin/materials**');
    await admin.page.click('[data-testid="materials"] [data-action="refresh"]');
    await failure.waitFor({ state: 'detached' });
  });

  it('R21: nothing of the documents is kept in localStorage; closing the ticket kills its image URLs', async () => {
    const srcs = (await thumbs()).map((x) => x.src);
    expect(srcs.every((s) => s.startsWith('blob:'))).toBe(true);
    const stored = await admin.page.evaluate(() => JSON.stringify({ ...localStorage }));
    const hashes = await hall.db.query<{ sha256: string }>('SELECT sha256 FROM material_blobs');
    for (const h of hashes.rows) expect(stored).not.toContain(h.sha256);
    expect(stored).not.toContain('户口簿');

    await row().locator('[data-action="close"]').click();
    await on(admin.page, 'material-detail').waitFor({ state: 'detached' });
    const alive = await admin.page.evaluate(async (urls) => Promise.all(urls.map((u) => fetch(u).then(() => true, () => false))), srcs);
    expect(alive).toEqual([false, false]);
  });

  it('R21: the admin deletes the material from the server for good (two clicks): its files are gone from the server', async () => {
    const errorsBefore = admin.errors.length;
    await row().locator('[data-action="open"]').click();
    const del = admin.page.locator('[data-testid="material-delete"]').first();
    await del.click();
    expect(await del.textContent()).toContain('确认');
    await del.click();
    await on(admin.page, 'material-deleted').waitFor({ timeout: 15_000 });
    // Its two pages and its PDF: deleted (a tombstone each), none of them held any more.
    const tombs = await hall.db.query<{ sha256: string; reason: string }>('SELECT sha256, reason FROM material_deletions');
    expect(tombs.rows.length).toBeGreaterThanOrEqual(2);
    expect(tombs.rows.every((r) => r.reason === 'admin')).toBe(true);
    const held = await hall.db.query('SELECT 1 FROM material_blobs WHERE sha256 = ANY($1::text[])', [tombs.rows.map((r) => r.sha256)]);
    expect(held.rows).toEqual([]);
    expect(admin.errors.slice(errorsBefore)).toEqual([]);
  });
});
