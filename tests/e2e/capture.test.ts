/**
 * Document capture at the counter (issue 8), in Chromium with a fake camera fed from the page
 * photograph in tests/fixtures/capture: the clerk captures the citizen's materials for the
 * ticket at the window; the page is found within a few pixels of its true corners; pages are
 * turned, reordered, adjusted by hand; an ID card's two sides go on one A4 sheet; the PDF has
 * the right page count; attached while the server is unreachable, the images upload when it is
 * back, and the admin sees which ticket has materials.
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
const truth = JSON.parse(readFileSync(resolve(FIXTURES, 'page-photo.json'), 'utf8')) as { video: { width: number; height: number; corners: Array<{ x: number; y: number }> } };

let hall: WebHall;
let browser: Browser;
let kiosk: OpenedPage;
let counter: OpenedPage;
let page: Page;
let ticketNumber: string;

const tid = (id: string) => page.locator(`[data-testid="${id}"]`).first();

async function shoot(expectPages: number): Promise<void> {
  await tid('capture-shoot').click();
  await page.locator(`[data-testid="capture"][data-pages="${expectPages}"]`).waitFor({ timeout: 20_000 });
}

const pages = () =>
  page.locator('[data-testid="capture-page"]').evaluateAll((els) =>
    els.map((e) => ({ id: e.getAttribute('data-page')!, kind: e.getAttribute('data-kind')!, by: e.getAttribute('data-corners-by')!, size: e.getAttribute('data-size')!, corners: JSON.parse(e.getAttribute('data-corners')!) as Array<{ x: number; y: number }> })),
  );

beforeAll(async () => {
  hall = await startWebHall();
  browser = await launchBrowser(['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${resolve(FIXTURES, 'page-photo.y4m')}`, '--use-fake-ui-for-media-stream']);
  kiosk = await openTerminalPage(browser, hall.pages.get('kiosk-1')!);
  counter = await openTerminalPage(browser, hall.pages.get('counter-1')!, { width: 1366, height: 768 });
  page = counter.page;
  await page.locator('[data-testid="staff-id"]').fill('s1');
  await page.locator('[data-testid="pin"]').fill(DEMO_PIN);
  await tid('sign-in').click();
  await tid('call-next').waitFor();
  ticketNumber = await kiosk.page.evaluate(() => window.__hallq!.terminal.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' }).then((o) => (o.ok ? o.ticket.number : `refused: ${o.code}`)));
  expect(ticketNumber).toMatch(/^A\d{3}$/);
  await page.waitForFunction((n) => [...window.__hallq!.terminal.local.state.tickets.values()].some((t) => t.number === n), ticketNumber, { timeout: 15_000 });
  await tid('call-next').click();
  await page.locator('[data-testid="current-number"]', { hasText: ticketNumber }).waitFor();
  await tid('start').click();
  await page.locator('[data-testid="current-status"]').filter({ hasText: '办理中' }).waitFor();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('capturing materials at the counter', () => {
  it('opens the document camera for the ticket being served, listing the service guide\'s materials', async () => {
    await tid('capture-open').click();
    await tid('capture').waitFor();
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="capture-video"]');
      return !!v && v.videoWidth > 0 && v.readyState >= 2;
    });
    const materials = await page.locator('[data-material] .material-name').allInnerTexts();
    expect(materials.join('|')).toContain('居民身份证');
    expect(materials.join('|')).toContain('户口簿');
  });

  it('auto-crop finds the photographed page within a few pixels of its true corners', async () => {
    // The household register is the second material of the guide.
    await page.locator('[data-material="m2"] .material-name').click();
    await shoot(1);
    const [p] = await pages();
    expect(p!.by).toBe('auto');
    const errors = p!.corners.map((c, i) => Math.hypot(c.x - truth.video.corners[i]!.x, c.y - truth.video.corners[i]!.y));
    expect(Math.max(...errors)).toBeLessThan(4);
    // An A4 page comes out with A4's proportions.
    const [w, h] = p!.size.split('x').map(Number);
    expect(h! / w!).toBeCloseTo(297 / 210, 2);
    expect(await page.locator('[data-material="m2"]').getAttribute('data-pages')).toBe('1');
    await screenshot(page, 'counter-capture-zh');
  });

  it('turns, reorders, and re-crops a page from corners set by hand', async () => {
    await shoot(2);
    const before = await pages();
    await page.locator(`[data-page="${before[1]!.id}"] [data-action="page-turn"]`).click();
    await page.locator(`[data-page="${before[1]!.id}"][data-size="${before[1]!.size.split('x').reverse().join('x')}"]`).waitFor();
    await page.locator(`[data-page="${before[1]!.id}"] [data-action="page-up"]`).click();
    expect((await pages()).map((x) => x.id)).toEqual([before[1]!.id, before[0]!.id]);

    await page.locator(`[data-page="${before[0]!.id}"] [data-action="page-adjust"]`).click();
    await tid('adjust').waitFor();
    await screenshot(page, 'counter-capture-adjust-zh');
    // Drag the top-left corner 40 px (in the picture) towards the middle.
    const stage = await tid('adjust-stage').boundingBox();
    const handle = await page.locator('[data-corner="0"]').boundingBox();
    const scale = stage!.width / truth.video.width > stage!.height / truth.video.height ? stage!.height / truth.video.height : stage!.width / truth.video.width;
    await page.mouse.move(handle!.x + handle!.width / 2, handle!.y + handle!.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle!.x + handle!.width / 2 + 40 * scale, handle!.y + handle!.height / 2 + 40 * scale, { steps: 5 });
    await page.mouse.up();
    await page.locator('[data-action="adjust-apply"]').click();
    await page.locator(`[data-page="${before[0]!.id}"][data-corners-by="hand"]`).waitFor();
    const adjusted = (await pages()).find((x) => x.id === before[0]!.id)!;
    expect(adjusted.corners[0]!.x).toBeGreaterThan(before[0]!.corners[0]!.x + 20);
    expect(adjusted.corners[1]).toEqual(before[0]!.corners[1]);
  });

  it('an ID card\'s front and back go on one A4 page under the ID card material', async () => {
    await tid('mode-id').click();
    await tid('capture-shoot').click();
    await tid('capture-note').filter({ hasText: '请翻面' }).waitFor();
    await shoot(3);
    const sheet = (await pages()).find((x) => x.kind === 'id-sheet')!;
    expect(sheet.size).toBe('2480x3508');
    expect(await page.locator('[data-material="m1"]').getAttribute('data-pages')).toBe('1');
    await tid('mode-page').click();
  });

  it('exports the captured pages as one PDF with a page for each', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), tid('capture-export-pdf').click()]);
    const path = await download.path();
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(download.suggestedFilename()).toBe(`${ticketNumber}-材料.pdf`);
    const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+3/);
  });

  it('attached while the server is unreachable, the pages upload once it is back; the ticket shows its materials', async () => {
    // The terminal loses the server: every request fails (as when the hall's network is down).
    await page.route('**/api/**', (r) => r.abort('internetdisconnected'));
    await page.waitForFunction(() => window.__hallq!.terminal.engine.status.state === 'offline', undefined, { timeout: 30_000 });
    await tid('capture-attach').click();
    await tid('capture').waitFor({ state: 'detached' });
    await page.locator('[data-testid="current-materials"][data-materials="2"][data-pages="3"]').waitFor();
    const local = await page.evaluate(async () => {
      const rows = await window.__hallq!.terminal.db.materialBlobs.toArray();
      return rows.map((r) => ({ sha256: r.sha256, state: r.state, mime: r.mime }));
    });
    // Three pages and two PDFs, all waiting.
    expect(local.filter((r) => r.mime === 'image/jpeg')).toHaveLength(3);
    expect(local.filter((r) => r.mime === 'application/pdf')).toHaveLength(2);
    expect(local.every((r) => r.state === 'queued')).toBe(true);
    const stored = await hall.db.query<{ n: string }>('SELECT count(*) AS n FROM material_blobs');
    expect(Number(stored.rows[0]!.n)).toBe(0);

    await page.unroute('**/api/**');
    await expect
      .poll(async () => Number((await hall.db.query<{ n: string }>('SELECT count(*) AS n FROM material_blobs')).rows[0]!.n), { timeout: 60_000, interval: 500 })
      .toBe(5);
    // The hall's retention is 0 days: once the server holds them, the terminal lets them go.
    await expect.poll(() => page.evaluate(() => window.__hallq!.terminal.db.materialBlobs.count()), { timeout: 90_000, interval: 1000 }).toBe(0);
    // The server has the event too: the ticket has its two materials.
    const state = (await hall.server.ctx.cache.get(hall.db, hall.hall, Date.now())).state;
    const t = [...state.tickets.values()].find((x) => x.number === ticketNumber)!;
    expect(t.materials?.map((m) => m.pages)).toEqual([1, 2]);
    await screenshot(page, 'counter-capture-attached-zh');
  });

  it('the clerk\'s own keys do not leak through: Space in the capture screen does not call the next citizen', async () => {
    await tid('capture-open').click();
    await tid('capture').waitFor();
    const before = await page.evaluate(() => window.__hallq!.terminal.local.state.windows.get('w1')?.currentTicketId);
    await page.keyboard.press('Space');
    await page.keyboard.press('Escape');
    await tid('capture').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => window.__hallq!.terminal.local.state.windows.get('w1')?.currentTicketId)).toBe(before);
  });
});
