/**
 * The admin's reports tab (R8, R16): a month of seeded history read back through the screen,
 * its figures checked against what was seeded, exported as CSV and Excel with the admin
 * terminal's token, and kept on screen (marked stale) when the server cannot be reached.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { periodRange } from '../../shared/reports/periods';
import { addDays, localDate } from '../../shared/schedule/zone';
import { DEMO_POLICY, DEMO_SCHEDULE, DEMO_TERMINALS } from '../../scripts/web/demoHall';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';

let hall: WebHall;
let browser: Browser;
let admin: OpenedPage;
let page: Page;

/** The month before this one (hall time), which the 40 seeded days span. */
const today = localDate(Date.now(), DEMO_SCHEDULE.timeZone);
const lastMonth = periodRange('month', addDays(periodRange('month', today).from, -1));
const pickDate = addDays(lastMonth.from, 9);

const status = (state: string, from = lastMonth.from) => `[data-testid="report-status"][data-state="${state}"][data-from="${from}"]`;
const kpi = (key: string) => page.getAttribute(`[data-kpi="${key}"]`, 'data-value');
const REPORTS_ROUTE = '**/api/admin/reports**';

function seeded(): { issued: number; served: number; noShow: number; bad: number } {
  const days = hall.history!.days.filter((d) => d.day >= lastMonth.from && d.day <= lastMonth.to);
  expect(days.length).toBeGreaterThan(0);
  const sum = (k: 'issued' | 'served' | 'noShow' | 'bad') => days.reduce((s, d) => s + d[k], 0);
  return { issued: sum('issued'), served: sum('served'), noShow: sum('noShow'), bad: sum('bad') };
}

async function chartsDrawn(): Promise<void> {
  for (const name of ['hourly', 'daily', 'levels', 'channels', 'priority']) {
    await page.waitForSelector(`[data-chart="${name}"][data-rendered="1"] svg`);
  }
}

beforeAll(async () => {
  hall = await startWebHall({ history: { days: 40 }, terminals: DEMO_TERMINALS.filter((t) => t.role === 'admin') });
  expect(hall.history).toBeDefined();
  browser = await launchBrowser();
  admin = await openTerminalPage(browser, hall.pages.get('admin-1')!, { width: 1440, height: 900 });
  page = admin.page;
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('the reports tab', () => {
  it('with no report loaded yet and the server out of reach, says plainly that reports need the server', async () => {
    await page.route(REPORTS_ROUTE, (r) => r.abort('internetdisconnected'));
    await page.click('a[data-tab="reports"]');
    await page.waitForSelector('[data-testid="reports"] [data-testid="report-needs-server"]');
    expect(await page.textContent('[data-testid="report-needs-server"]')).toContain('统计报表需要连接大厅服务器');
    expect(await page.getAttribute('[data-testid="report-status"]', 'data-state')).toBe('offline-empty');
    expect(await page.isDisabled('[data-action="export-csv"]')).toBe(true);
    expect(await page.textContent('[data-testid="export-disabled"]')).toContain('导出需要连接服务器');
    await screenshot(page, 'admin-reports-needs-server-zh');
    await page.unroute(REPORTS_ROUTE);
    await page.click('[data-testid="report-needs-server"] [data-action="retry"]');
    await page.waitForSelector('[data-testid="report-status"][data-state="fresh"]');
    expect(await page.getAttribute('[data-testid="report-status"]', 'data-from')).toBe(today);
    // Today has no tickets yet: every figure is there, zero or a dash, and the charts say so.
    expect(await kpi('issued')).toBe('0');
    expect(await kpi('waitMedian')).toBe('');
    await screenshot(page, 'admin-reports-day-empty-zh');
  });

  it('R16: last month\'s report, by service, adds up to the seeded days, with charts and a row per service', async () => {
    await page.selectOption('select[name="period"]', 'month');
    await page.fill('input[name="date"]', pickDate);
    await page.selectOption('select[name="groupBy"]', 'service');
    await page.waitForSelector(status('fresh'));
    expect(await page.getAttribute('[data-testid="report-status"]', 'data-to')).toBe(lastMonth.to);
    const want = seeded();
    expect(Number(await kpi('issued'))).toBe(want.issued);
    expect(Number(await kpi('served'))).toBe(want.served);
    expect(Number(await kpi('noShow'))).toBe(want.noShow);
    expect(Number(await kpi('bad'))).toBe(want.bad);
    const rate = Number(await kpi('satisfactionRate'));
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThanOrEqual(1);
    expect(Number(await kpi('waitMedian'))).toBeGreaterThan(0);

    const rows = page.locator('[data-testid="report-groups"] tbody tr[data-group]');
    expect(await rows.count()).toBeGreaterThan(3);
    expect(await page.locator('[data-testid="report-groups"] tr[data-group="hukou"]').textContent()).toContain('户籍');
    // The groups' issued add up to the total row.
    const issuedCells = await page.locator('[data-testid="report-groups"] tbody td[data-col="issued"]').allTextContents();
    expect(issuedCells.reduce((s, t) => s + Number(t.replace(/,/g, '')), 0)).toBe(want.issued);
    expect(await page.textContent('[data-testid="report-groups"] tfoot td[data-col="issued"]')).toBe(want.issued.toLocaleString('en-US'));
    expect(await page.locator('[data-testid="report-top-services"] tr[data-rank="1"]').getAttribute('data-service')).toBe('hukou');
    expect(await page.textContent('.rq-title h2')).toContain(`${Number(lastMonth.from.slice(0, 4))}年${Number(lastMonth.from.slice(5, 7))}月`);

    await chartsDrawn();
    // The charts draw Chinese text (the axis labels of the rating levels).
    expect(await page.textContent('[data-chart="levels"] svg')).toContain('非常满意');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'admin-reports-month-zh');
    await page.locator('[data-testid="report-groups"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-reports-month-tables-zh');
    await page.locator('[data-testid="report-top-services"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-reports-month-lists-zh');
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  it('a click on a column header sorts the groups by it, again reverses', async () => {
    const issued = () => page.locator('[data-testid="report-groups"] tbody td[data-col="issued"]').allTextContents().then((xs) => xs.map((x) => Number(x.replace(/,/g, ''))));
    await page.click('[data-testid="report-groups"] th[data-sort="issued"] button');
    const desc = await issued();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await page.click('[data-testid="report-groups"] th[data-sort="issued"] button');
    const asc = await issued();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(await page.getAttribute('[data-testid="report-groups"] th[data-sort="issued"]', 'aria-sort')).toBe('ascending');
    // Every figure, channels, priority classes and levels included, with the names kept in view.
    expect(await page.locator('[data-testid="report-groups"] th[data-sort="channel.kiosk"]').count()).toBe(0);
    await page.check('[data-testid="report-groups"] input[name="allColumns"]');
    await page.waitForSelector('[data-testid="report-groups"] th[data-sort="channel.kiosk"]');
    expect(await page.locator('[data-testid="report-groups"] thead th').count()).toBeGreaterThan(30);
    await page.locator('[data-testid="report-groups"]').scrollIntoViewIfNeeded();
    await page.locator('[data-testid="report-groups"] .rq-scroll').evaluate((el) => el.scrollBy(600, 0));
    await screenshot(page, 'admin-reports-all-columns-zh');
    await page.uncheck('[data-testid="report-groups"] input[name="allColumns"]');
    await page.evaluate(() => window.scrollTo(0, 0));
  });

  it('grouped by window, a row per window (tickets never called on a row of their own) adds up to the same total', async () => {
    await page.selectOption('select[name="groupBy"]', 'window');
    await page.waitForSelector(`${status('fresh')}[data-key$=":window"]`);
    const w1 = await page.evaluate(() => {
      const w = window.__hallq!.terminal.local.state.config.windows.get('w1')!;
      return w.name?.zh ?? `${w.label}号窗口`;
    });
    expect(await page.textContent('[data-testid="report-groups"] tr[data-group="w1"]')).toContain(w1);
    const issued = await page.locator('[data-testid="report-groups"] tbody td[data-col="issued"]').allTextContents();
    expect(issued.reduce((s, t) => s + Number(t.replace(/,/g, '')), 0)).toBe(seeded().issued);
    const none = page.locator('[data-testid="report-groups"] tr[data-group="(none)"]');
    if ((await none.count()) > 0) expect(await none.textContent()).toContain('未叫号');
    await page.selectOption('select[name="groupBy"]', 'service');
    await page.waitForSelector(`${status('fresh')}[data-key$=":service"]`);
  });

  it('in English the same report leads with English, Chinese alongside', async () => {
    await page.click('[data-action="lang"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await chartsDrawn();
    expect(await page.textContent('[data-kpi="issued"] .kpi-label .bi-main')).toBe('Issued');
    expect(await page.textContent('[data-chart="levels"] svg')).toContain('Very satisfied');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'admin-reports-month-en');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForTimeout(300);
    await screenshot(page, 'admin-reports-month-1280-en');
    await page.click('[data-action="lang"]');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await page.waitForTimeout(300);
    await screenshot(page, 'admin-reports-month-1280-zh');
    await page.locator('[data-testid="report-groups"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-reports-month-1280-tables-zh');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('exports CSV: UTF-8 with a BOM, Chinese and English headers, totals as on screen', async () => {
    const want = seeded();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-csv"]')]);
    expect(download.suggestedFilename()).toBe(`hallq-report_${hall.hall}_${lastMonth.from}_${lastMonth.to}_service.csv`);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('概况 Summary');
    // The hall by its name (issue 17), not by its id.
    expect(lines).toContain(`大厅 Hall,${DEMO_POLICY.hallName.zh} ${DEMO_POLICY.hallName.en}`);
    expect(text).toContain('取号 Issued');
    expect(text).toContain('满意率 Satisfaction rate');
    const total = lines.find((l) => l.startsWith('合计,合计,Total,'))!.split(',');
    expect(Number(total[3])).toBe(want.issued);
    expect(Number(total[4])).toBe(want.served);
    await page.waitForSelector('[data-testid="export-done"]');
  });

  it('exports Excel: an .xlsx workbook (a zip)', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-xlsx"]')]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.length).toBeGreaterThan(1000);
  });

  it('when the server cannot be reached, the last report stays with a stale banner and exports wait', async () => {
    const before = { issued: await kpi('issued'), served: await kpi('served') };
    await page.route(REPORTS_ROUTE, (r) => r.abort('internetdisconnected'));
    await page.click('[data-action="refresh"]');
    await page.waitForSelector(status('stale'));
    const banner = (await page.textContent('[data-testid="report-stale"]')) ?? '';
    expect(banner).toMatch(/显示的是 \d\d:\d\d 的结果（无法连接服务器）/);
    expect(banner).toMatch(/showing the report as of \d\d:\d\d \(server unreachable\)/i);
    expect({ issued: await kpi('issued'), served: await kpi('served') }).toEqual(before);
    expect(await page.isDisabled('[data-action="export-csv"]')).toBe(true);
    expect(await page.isDisabled('[data-action="export-xlsx"]')).toBe(true);
    expect(await page.locator('[data-testid="report-generated"], .rq-generated').count()).toBe(1);
    await screenshot(page, 'admin-reports-stale-zh');

    // A month never loaded: the last report stays, saying which period it is.
    await page.click('[data-action="prev"]');
    await page.waitForSelector('[data-testid="report-status"][data-state="stale"]');
    expect(await page.textContent('[data-testid="report-stale"]')).toContain('所选时段的报表尚未取得');
    expect(await kpi('issued')).toBe(before.issued);

    // Back online: the chosen month loads.
    await page.unroute(REPORTS_ROUTE);
    await page.click('[data-testid="report-stale"] [data-action="retry"]');
    const earlier = periodRange('month', addDays(lastMonth.from, -1));
    await page.waitForSelector(status('fresh', earlier.from));
    expect(await page.locator('[data-testid="report-stale"]').count()).toBe(0);
    expect(admin.errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
  });
});
