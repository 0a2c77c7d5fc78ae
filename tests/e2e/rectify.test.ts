/**
 * Bad-rating rectification (R8) and the "can't get it done" ledger (R18) in the admin screen,
 * against a hall with two weeks of history: an overdue bad rating stands out, is assigned,
 * verified, rectified and closed with the citizen's feedback, and the server holds every step;
 * a refused step (closing without a note) says why in both languages and appends nothing; a
 * not-done ticket's ledger fields are filled in and the ledger exports as CSV.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import type { HallEvent } from '../../shared/events';
import { HallFold } from '../../shared/fold';
import { addDays, localDate } from '../../shared/schedule/zone';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';

const TZ = 'Asia/Shanghai';

let hall: WebHall;
let browser: Browser;
let admin: OpenedPage;
let page: Page;
let today: string;
/** The bad rating from more than 7 days back that the test rectifies. */
let overdue: { itemId: string; number: string; day: string };
let notDone: { itemId: string; number: string; day: string };

const row = (id: string) => page.locator(`tr[data-item="${id}"]`);
const detail = () => page.locator('[data-testid="rectify-detail"]');
const history = (root: ReturnType<typeof detail>) => root.locator('[data-testid="rectify-history"] li[data-step]');

/** Events this terminal wrote itself and its unsent outbox (others' events keep arriving by sync). */
const written = () =>
  page.evaluate(async () => {
    const t = window.__hallq!.terminal;
    const own = t.local.origin;
    return { events: await t.db.events.where('[origin+seq]').between([own, 0], [own, Infinity]).count(), outbox: await t.db.outbox.count() };
  });

async function tab(id: string): Promise<void> {
  await page.click(`a[data-tab="${id}"]`);
  await page.waitForSelector(`a[data-tab="${id}"][aria-selected="true"]`);
}

async function lang(to: 'zh' | 'en'): Promise<void> {
  if ((await page.evaluate(() => document.documentElement.lang)) === (to === 'zh' ? 'zh-CN' : 'en')) return;
  await page.click('[data-action="lang"]');
  await page.waitForFunction((l) => document.documentElement.lang === l, to === 'zh' ? 'zh-CN' : 'en');
}

/** The hall's log as the server holds it, folded: what any other terminal will see. */
async function serverFold(): Promise<HallFold> {
  const fold = new HallFold(hall.hall);
  let after = 0;
  for (;;) {
    const r = (await hall.admin('GET', `/api/sync/pull?after=${after}&limit=1000`)) as { events: Array<{ s: number; e: HallEvent }>; last: number; more: boolean };
    fold.addMany(r.events.map((x) => x.e));
    after = r.last;
    if (!r.more) return fold;
  }
}

beforeAll(async () => {
  hall = await startWebHall({ history: { days: 14, perDay: 40 } });
  const h = hall.history!;
  today = localDate(Date.now(), TZ);
  // More than 7 days back: its 7 days are up whatever the time of day.
  const old = h.badRatings.filter((b) => b.day <= addDays(today, -8));
  expect(old.length, 'the seeded history has a bad rating older than 7 days').toBeGreaterThan(0);
  overdue = old[old.length - 1]!;
  const ledger = h.notDone.filter((n) => n.day <= addDays(today, -5));
  expect(ledger.length, 'the seeded history has a not-done ticket').toBeGreaterThan(0);
  notDone = ledger[0]!;
  browser = await launchBrowser();
  admin = await openTerminalPage(browser, hall.pages.get('admin-1')!, { width: 1440, height: 900 });
  page = admin.page;
  await page.waitForFunction((id) => window.__hallq!.terminal.local.state.rectifications.has(id), overdue.itemId, { timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('bad-rating rectification (R8)', () => {
  it('R8: a bad rating from more than 7 days back is listed overdue, in red, with its days overdue', async () => {
    await tab('rectify');
    const r = row(overdue.itemId);
    await r.waitFor();
    expect(await r.getAttribute('data-overdue')).toBe('true');
    expect(await r.getAttribute('data-status')).toBe('open');
    const text = (await r.textContent()) ?? '';
    expect(text).toContain(overdue.number);
    expect(text).toMatch(/逾期 \d+ 天/);
    // Overdue stands out: the row is tinted red and its days-overdue badge is red.
    const bg = await r.locator('td').first().evaluate((td) => getComputedStyle(td).backgroundColor);
    expect(bg).toBe('rgb(253, 240, 240)');
    expect(await r.locator('.rx-timing-bad').count()).toBe(1);
    // The most urgent come first: every overdue row is above every row still in time.
    const flags = await page.locator('[data-testid="rectify-list"] tr[data-item]').evaluateAll((rows) => rows.map((x) => x.getAttribute('data-overdue')));
    expect(flags.indexOf('false') === -1 || flags.lastIndexOf('true') < flags.indexOf('false')).toBe(true);
    const n = Number(await page.getAttribute('[data-count="overdue"]', 'data-value'));
    expect(n).toBeGreaterThan(0);
    await page.click('[data-filter="overdue"]');
    expect(await page.locator('[data-testid="rectify-list"] tr[data-item]').count()).toBe(n);
    expect(await page.locator('[data-testid="rectify-list"] tr[data-item][data-overdue="false"]').count()).toBe(0);
  });

  it('R8: the item is assigned, verified and rectified, each step in its history with who recorded it', async () => {
    await row(overdue.itemId).locator('[data-action="open"]').click();
    const d = detail();
    await d.waitFor();
    expect(await d.getAttribute('data-detail')).toBe(overdue.itemId);
    await d.locator('[data-action="assign"]').click();
    await d.locator('select[name="assignee"]').selectOption('s1');
    await d.locator('[data-action="save"]').click();
    await d.locator('[data-testid="rectify-history"] li[data-step="assigned"]').waitFor();

    await d.locator('[data-action="verify"]').click();
    await d.locator('textarea[name="note"]').fill('调取窗口录像核实：高峰期等候较长，答复不够耐心。');
    await d.locator('[data-action="save"]').click();
    await d.locator('[data-testid="rectify-history"] li[data-step="verified"]').waitFor();

    await d.locator('[data-action="rectify"]').click();
    await d.locator('textarea[name="note"]').fill('对窗口人员进行服务规范培训；高峰时段增开 5 号窗口。');
    await d.locator('[data-action="save"]').click();
    await d.locator('[data-testid="rectify-history"] li[data-step="rectified"]').waitFor();

    expect(await d.getAttribute('data-status')).toBe('rectified');
    const steps = await history(d).evaluateAll((li) => li.map((x) => x.getAttribute('data-step')));
    expect(steps).toEqual(['opened', 'assigned', 'verified', 'rectified']);
    const assigned = (await d.locator('li[data-step="assigned"]').textContent()) ?? '';
    expect(assigned).toContain('王芳');
    expect(assigned).toContain('admin-1');
  });

  it('R8: closing without a note is refused in both languages and appends nothing; what was chosen stays', async () => {
    const d = detail();
    const before = await written();
    await d.locator('[data-action="close"]').click();
    await d.locator('input[name="closedWith"][value="feedback"]').check();
    await d.locator('[data-action="save"]').click();
    const error = d.locator('[data-testid="editor-error"]');
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('未保存：请填写回访情况');
    expect(text).toContain("Not saved: record the citizen's feedback");
    // Nothing appended (the outbox may still be draining an earlier step, never growing).
    const after = await written();
    expect(after.events).toBe(before.events);
    expect(after.outbox).toBeLessThanOrEqual(before.outbox);
    expect(await d.getAttribute('data-status')).toBe('rectified');
    expect(await d.locator('input[name="closedWith"][value="feedback"]').isChecked()).toBe(true);

    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'admin-rectify-zh');
    await error.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-rectify-refused-zh');
    await lang('en');
    expect((await error.textContent()) ?? '').toMatch(/^Not saved/);
    expect((await row(overdue.itemId).textContent()) ?? '').toMatch(/\d+ days? overdue/);
    await screenshot(page, 'admin-rectify-en');
    await lang('zh');
  });

  it('R8: closed with the citizen\'s feedback: the item shows closed with its history, and the server holds every step', async () => {
    const d = detail();
    await d.locator('textarea[name="note"]').fill('电话回访：群众对整改表示满意。');
    await d.locator('[data-action="save"]').click();
    await d.locator('[data-testid="rectify-history"] li[data-step="closed"]').waitFor();
    expect(await d.getAttribute('data-status')).toBe('closed');
    expect(await d.getAttribute('data-overdue')).toBe('false');
    // Only reopen is left.
    for (const a of ['assign', 'verify', 'rectify', 'close']) expect(await d.locator(`[data-action="${a}"]`).isDisabled()).toBe(true);
    expect(await d.locator('[data-action="reopen"]').isDisabled()).toBe(false);
    expect(await history(d).evaluateAll((li) => li.map((x) => x.getAttribute('data-step')))).toEqual(['opened', 'assigned', 'verified', 'rectified', 'closed']);
    expect((await d.locator('li[data-step="closed"]').textContent()) ?? '').toContain('回访群众反馈');

    await page.click('[data-filter="closed"]');
    await expect.poll(() => row(overdue.itemId).getAttribute('data-status')).toBe('closed');
    expect(await row(overdue.itemId).getAttribute('data-overdue')).toBe('false');
    await page.evaluate(() => window.scrollTo(0, 0));
    await d.locator('[data-testid="rectify-history"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-rectify-closed-zh');

    // Synced: the server's log, folded as any other terminal folds it, has the item closed.
    await page.evaluate(() => window.__hallq!.terminal.engine.syncNow());
    await expect
      .poll(async () => (await serverFold()).state.rectifications.get(overdue.itemId)?.status, { timeout: 20_000 })
      .toBe('closed');
    const item = (await serverFold()).state.rectifications.get(overdue.itemId)!;
    expect(item).toMatchObject({ closedWith: 'feedback', assignee: 's1' });
    expect(item.steps.map((s) => [s.action, s.by])).toEqual([
      ['assigned', 'admin-1~1'],
      ['verified', 'admin-1~1'],
      ['rectified', 'admin-1~1'],
      ['closed', 'admin-1~1'],
    ]);
    expect(item.steps[3]!.note).toBe('电话回访：群众对整改表示满意。');
    expect(admin.errors).toEqual([]);
  });

  it('R8: the live view warns of the bad ratings still overdue', async () => {
    const left = Number(await page.getAttribute('[data-count="overdue"]', 'data-value'));
    await tab('live');
    if (left === 0) {
      expect(await page.locator('[data-alert="rectify-overdue:bad-rating"]').count()).toBe(0);
    } else {
      const a = page.locator('[data-alert="rectify-overdue:bad-rating"]');
      await a.waitFor();
      expect((await a.textContent()) ?? '').toContain(`${left} 条差评整改已逾期`);
      expect(await a.locator('[data-action="handle"]').getAttribute('href')).toBe('#rectify');
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'admin-live-rectify-zh');
    }
  });
});

describe('the "can\'t get it done" ledger (R18)', () => {
  it('R18: a not-done ticket is in the ledger; its problem, cause, work order and deadline are filled in', async () => {
    await tab('ledger');
    await page.waitForSelector('[data-testid="ledger"]');
    await page.click('[data-testid="ledger"] [data-filter="all"]');
    const r = row(notDone.itemId);
    await r.waitFor();
    expect((await r.textContent()) ?? '').toContain(notDone.number);
    await r.locator('[data-action="open"]').click();
    const d = page.locator(`[data-testid="ledger-detail"][data-detail="${notDone.itemId}"]`);
    await d.waitFor();
    await d.locator('[data-action="ledger"]').click();
    const deadline = addDays(notDone.day, 3);
    await d.locator('textarea[name="problem"]').fill('跨区迁户需原籍派出所证明，群众无法现场提供');
    await d.locator('textarea[name="cause"]').fill('两地户籍系统未打通，证明无法线上核验');
    await d.locator('input[name="workOrder"]').fill('WO-2026-0412');
    await d.locator('input[name="deadline"]').fill(deadline);
    await d.locator('[data-action="save"]').click();
    await d.locator('[data-testid="rectify-history"] li[data-step="ledger"]').waitFor();
    await expect.poll(() => r.locator('[data-field="workOrder"]').textContent()).toBe('WO-2026-0412');
    expect((await r.locator('[data-field="cause"]').textContent()) ?? '').toContain('两地户籍系统未打通');
    expect((await r.locator('[data-field="deadline"]').textContent()) ?? '').toContain(deadline);
    // Its deadline (three days after the visit, at least two days ago) has passed: it stands out.
    expect(deadline < today).toBe(true);
    expect(await r.getAttribute('data-overdue')).toBe('true');
    expect((await d.locator('li[data-step="ledger"]').textContent()) ?? '').toContain('WO-2026-0412');

    // A result check without a note is refused like any other close.
    const before = await written();
    await d.locator('[data-action="close"]').click();
    await d.locator('input[name="closedWith"][value="explanation"]').check();
    await d.locator('[data-action="save"]').click();
    await d.locator('[data-testid="editor-error"]').waitFor();
    expect((await d.locator('[data-testid="editor-error"]').textContent()) ?? '').toContain('Not saved: write the explanation given to the citizen');
    // Nothing appended (the outbox may still be draining an earlier step, never growing).
    const after = await written();
    expect(after.events).toBe(before.events);
    expect(after.outbox).toBeLessThanOrEqual(before.outbox);

    await r.scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-ledger-zh');
    await lang('en');
    await screenshot(page, 'admin-ledger-en');
    await lang('zh');
  });

  it('R18: the ledger exports as a CSV file with a BOM and a bilingual header', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="ledger"] [data-action="export"]')]);
    expect(download.suggestedFilename()).toBe(`not-done-ledger-${today}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split('\r\n')[0]).toContain('日期 Date,号码 Ticket,业务 Service');
    const line = csv.split('\r\n').find((l) => l.includes('WO-2026-0412'));
    expect(line).toContain(notDone.number);
    expect(line).toContain('两地户籍系统未打通');
    expect(csv.split('\r\n').filter((l) => l).length).toBe(hall.history!.notDone.length + 1);
    expect(admin.errors).toEqual([]);
  });
});

describe('offline (R17: the hall keeps working when the network is down)', () => {
  it('a step recorded while the admin is offline is kept locally and reaches the server when it is back', async () => {
    const other = hall.history!.badRatings.find((b) => b.itemId !== overdue.itemId)!;
    await tab('rectify');
    await admin.context.setOffline(true);
    await page.waitForFunction(() => window.__hallq!.terminal.engine.status.state === 'offline', undefined, { timeout: 30_000 });
    await page.click('[data-testid="rectify"] [data-filter="all"]');
    await row(other.itemId).locator('[data-action="open"]').click();
    const d = detail();
    await expect.poll(() => d.getAttribute('data-detail')).toBe(other.itemId);
    await d.locator('[data-action="assign"]').click();
    await d.locator('select[name="assignee"]').selectOption('__other');
    await d.locator('input[name="assigneeOther"]').fill('户籍科 刘科长');
    await d.locator('textarea[name="note"]').fill('转户籍科核实');
    await d.locator('[data-action="save"]').click();
    await d.locator('[data-testid="rectify-history"] li[data-step="assigned"]').waitFor();
    expect((await d.locator('li[data-step="assigned"]').textContent()) ?? '').toContain('户籍科 刘科长');
    expect((await written()).outbox).toBeGreaterThan(0);
    expect((await serverFold()).state.rectifications.get(other.itemId)?.status).toBe('open');

    await admin.context.setOffline(false);
    await expect
      .poll(async () => (await serverFold()).state.rectifications.get(other.itemId)?.assignee, { timeout: 30_000 })
      .toBe('户籍科 刘科长');
    await expect.poll(async () => (await written()).outbox, { timeout: 30_000 }).toBe(0);
  });
});
