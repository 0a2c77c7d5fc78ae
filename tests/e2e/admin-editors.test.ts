/**
 * Issue 17: the service guide, the timetable and the cut-off are edited as forms, not raw JSON.
 * Every field is checked with the schema the server uses and what is wrong shows next to the
 * field in Chinese and English, with nothing stored; JSON stays only as an export / import that
 * round-trips. The guide's windows come from the window settings, never typed.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';

let hall: WebHall;
let browser: Browser;
let admin: OpenedPage;
let page: Page;

const written = () => page.evaluate(async () => ({ events: await window.__hallq!.terminal.db.events.count(), outbox: await window.__hallq!.terminal.db.outbox.count() }));
const service = (id: string) => page.evaluate((sid) => window.__hallq!.terminal.local.state.config.services.get(sid), id);
const schedule = () => page.evaluate(() => window.__hallq!.terminal.local.state.config.schedule);
const errorAt = (at: string) => page.locator(`[data-error-for="${at}"]`);

async function tab(id: string): Promise<void> {
  await page.click(`a[data-tab="${id}"]`);
  await page.waitForSelector(`a[data-tab="${id}"][aria-selected="true"]`);
}

async function editService(id: string): Promise<string> {
  await page.click(`[data-testid="services"] tr[data-row="${id}"] [data-action="edit"]`);
  const form = '[data-testid="services-form"]';
  await page.waitForSelector(form);
  return form;
}

/** Click an export button and read the file it downloads. */
async function exported(button: string): Promise<unknown> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  const path = await download.path();
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

async function importFile(inputName: string, value: unknown): Promise<void> {
  await page.setInputFiles(`input[name="${inputName}"]`, { name: 'import.json', mimeType: 'application/json', buffer: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)) });
}

beforeAll(async () => {
  hall = await startWebHall();
  browser = await launchBrowser();
  admin = await openTerminalPage(browser, hall.pages.get('admin-1')!, { width: 1440, height: 900 });
  page = admin.page;
  await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.windows.size ?? 0) > 0);
  page.on('dialog', (d) => void d.accept());
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('the service guide as a form', () => {
  it("edits a guide's materials (copies, original or copy, note, order) and its legal basis; the windows are the ones that serve the service", async () => {
    await tab('services');
    const form = await editService('hukou');
    expect(await page.locator(`${form} textarea[name="advanced"]`).count()).toBe(0);
    // 户籍 is served by windows 1, 3 and 6: the guide says so, not the "1、6" once typed in.
    expect(await page.textContent(`${form} [data-testid="guide-windows"]`)).toContain('1、3、6号窗口');
    // Window numbers typed into the place would go stale: the form asks to leave them out.
    await page.fill(`${form} input[name="placeZh"]`, '一楼 1、6 号窗口');
    await page.fill(`${form} input[name="placeEn"]`, 'Ground floor, windows 1 and 6');
    await page.locator(`${form} [data-testid="place-names-windows"]`).waitFor();

    await page.fill(`${form} input[name="material-1-copies"]`, '1');
    await page.selectOption(`${form} select[name="material-1-form"]`, 'original-and-copy');
    await page.fill(`${form} input[name="material-1-note-zh"]`, '首页及本人页');
    await page.fill(`${form} input[name="material-1-note-en"]`, 'Cover page and your own page');
    await page.click(`${form} [data-action="add-material"]`);
    await page.fill(`${form} input[name="material-3-zh"]`, '近期免冠照片');
    await page.fill(`${form} input[name="material-3-en"]`, 'Recent photo');
    await page.fill(`${form} input[name="material-3-copies"]`, '2');
    // Move the photo up one place, and drop the proof of address.
    await page.click(`${form} li[data-material="3"] [data-action="material-up"]`);
    await page.click(`${form} li[data-material="3"] [data-action="material-remove"]`);
    await page.fill(`${form} input[name="basisZh"]`, '《户口登记条例》');
    await page.fill(`${form} input[name="basisEn"]`, 'Household Registration Regulations');
    await page.fill(`${form} input[name="placeZh"]`, '一楼');
    await page.fill(`${form} input[name="placeEn"]`, 'Ground floor');
    expect(await page.locator(`${form} [data-testid="place-names-windows"]`).count()).toBe(0);
    await screenshot(page, 'admin-guide-form-zh');
    await page.click(`${form} [data-action="save"]`);
    await page.waitForSelector('[data-testid="editor-saved"]');

    const g = (await service('hukou'))?.guide;
    expect(g?.materials).toEqual([
      { zh: '居民身份证', en: 'Resident ID card' },
      { zh: '户口簿', en: 'Household register', copies: 1, form: 'original-and-copy', note: { zh: '首页及本人页', en: 'Cover page and your own page' } },
      { zh: '近期免冠照片', en: 'Recent photo', copies: 2 },
    ]);
    expect(g?.basis).toEqual({ zh: '《户口登记条例》', en: 'Household Registration Regulations' });
    expect(g?.place).toEqual({ zh: '一楼', en: 'Ground floor' });
  });

  it('an empty material name or zero copies is shown at that field in Chinese and English, and nothing is stored', async () => {
    const before = await written();
    const stored = await service('hukou');
    const form = await editService('hukou');
    await page.fill(`${form} input[name="material-0-zh"]`, '');
    await page.fill(`${form} input[name="material-2-copies"]`, '0');
    await page.click(`${form} [data-action="save"]`);
    await errorAt('guide.materials.0.zh').waitFor();
    const name = (await errorAt('guide.materials.0.zh').textContent()) ?? '';
    expect(name).toContain('不能为空');
    expect(name).toContain('must not be empty');
    const copies = (await errorAt('guide.materials.2.copies').textContent()) ?? '';
    expect(copies).toContain('不能小于 1');
    expect(copies).toContain('must be at least 1');
    expect(await page.textContent('[data-testid="editor-error"]')).toContain('未保存');
    await screenshot(page, 'admin-guide-errors-zh');
    expect(await written()).toEqual(before);
    expect(await service('hukou')).toEqual(stored);
    await page.click(`${form} [data-action="close"]`);
  });

  it("a service's own timetable and cut-off are forms too; a cut-off past a day is refused at its field", async () => {
    const before = await written();
    const form = await editService('tax');
    await page.fill(`${form} input[name="serviceCutoffMinutes"]`, '2000');
    await page.click(`${form} [data-action="save"]`);
    const cutoff = (await errorAt('schedule.cutoffMinutes').textContent()) ?? '';
    expect(cutoff).toContain('不能大于 1440');
    expect(cutoff).toContain('must be at most 1440');
    expect(await written()).toEqual(before);

    await page.fill(`${form} input[name="serviceCutoffMinutes"]`, '20');
    await page.check(`${form} input[name="ownWeekly"]`);
    await page.fill(`${form} input[name="svc-sat-0-to"]`, '12:00');
    await page.selectOption(`${form} select[name="svc-sat-0-mode"]`, 'open');
    await page.click(`${form} [data-action="close-day-fri"]`);
    await page.click(`${form} [data-action="save"]`);
    await page.waitForSelector('[data-testid="editor-saved"]');
    const s = (await service('tax'))?.schedule;
    expect(s?.cutoffMinutes).toBe(20);
    expect(s?.weekly?.sat).toEqual([{ from: '09:00', to: '12:00', mode: 'open' }]);
    expect(s?.weekly?.fri).toEqual([]);
    expect(s?.weekly?.mon).toHaveLength(3);
  });

  it('export then import round-trips a service; a file that does not pass is refused with the reason and stores nothing', async () => {
    let form = await editService('hukou');
    const file = (await exported(`${form} [data-action="export-service"]`)) as Record<string, unknown>;
    expect(file).toEqual(await service('hukou'));
    // Change it, then bring the exported file back.
    await page.fill(`${form} input[name="nameEn"]`, 'Household registry');
    await page.click(`${form} [data-action="save"]`);
    await page.waitForSelector('[data-testid="editor-saved"]');
    expect((await service('hukou'))?.name.en).toBe('Household registry');

    form = await editService('hukou');
    const before = await written();
    const broken = { ...file, guide: { ...(file.guide as object), materials: [{ zh: '', en: 'ID card' }] } };
    await importFile('import-service-file', broken);
    const error = page.locator('[data-testid="editor-error"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('未导入');
    expect(await error.textContent()).toContain('Not imported');
    await importFile('import-service-file', '{ not json');
    await page.waitForFunction(() => /不是有效的 JSON/.test(document.querySelector('[data-testid="editor-error"]')?.textContent ?? ''));
    expect(await written()).toEqual(before);

    await importFile('import-service-file', file);
    await page.waitForSelector('[data-testid="editor-saved"]');
    expect(await service('hukou')).toEqual(file);
  });
});

describe('the hall timetable and cut-off as a form', () => {
  it('edits a period and the cut-off; "to" before "from" and 25:00 are shown at the period in Chinese and English, and nothing is stored', async () => {
    await tab('schedule');
    const ed = '[data-testid="schedule"]';
    await page.fill(`${ed} input[name="mon-0-to"]`, '20:00');
    await page.fill(`${ed} input[name="cutoffMinutes"]`, '45');
    await page.click(`${ed} [data-action="save"]`);
    await page.waitForSelector('[data-testid="editor-saved"]');
    let s = await schedule();
    expect(s.weekly.mon).toEqual([{ from: '00:00', to: '20:00', mode: 'open' }]);
    expect(s.cutoffMinutes).toBe(45);

    const before = await written();
    await page.fill(`${ed} input[name="mon-0-from"]`, '21:00');
    await page.fill(`${ed} input[name="tue-0-to"]`, '25:00');
    await page.fill(`${ed} input[name="cutoffMinutes"]`, '');
    await page.click(`${ed} [data-action="save"]`);
    const mon = errorAt('weekly.mon.0');
    await mon.waitFor();
    expect(await mon.textContent()).toContain('开始时间必须早于结束时间');
    expect(await mon.textContent()).toContain('must start before it ends');
    const tue = (await errorAt('weekly.tue.0').textContent()) ?? '';
    expect(tue).toContain('时间应为 HH:MM');
    expect(tue).toContain('is not a time');
    expect(await errorAt('cutoffMinutes').textContent()).toContain('必须填写');
    await screenshot(page, 'admin-schedule-errors-zh');
    await page.click('[data-action="lang"]');
    expect(await mon.locator('.bi-main').textContent()).toContain('must start before it ends');
    await screenshot(page, 'admin-schedule-errors-en');
    await page.click('[data-action="lang"]');
    expect(await written()).toEqual(before);
    s = await schedule();
    expect(s.weekly.mon).toEqual([{ from: '00:00', to: '20:00', mode: 'open' }]);
    expect(s.weekly.tue).toEqual([{ from: '00:00', to: '24:00', mode: 'open' }]);
    expect(s.cutoffMinutes).toBe(45);
  });

  it('export then import round-trips the timetable; an import with a bad time says which and stores nothing', async () => {
    await page.click('[data-testid="schedule"] [data-action="revert"]');
    const file = (await exported('[data-action="export-schedule"]')) as { weekly: Record<string, unknown[]> };
    expect(file).toEqual(await schedule());

    const before = await written();
    await importFile('import-schedule-file', { ...file, weekly: { ...file.weekly, wed: [{ from: '09:00', to: '25:00', mode: 'open' }] } });
    await page.waitForFunction(() => /星期三 第 1 段/.test(document.querySelector('[data-testid="editor-error"]')?.textContent ?? ''));
    expect(await page.textContent('[data-testid="editor-error"]')).toContain('Wednesday, period 1');
    await importFile('import-schedule-file', { ...file, holiday: ['2026-10-01'] });
    await page.waitForFunction(() => /不认识的字段/.test(document.querySelector('[data-testid="editor-error"]')?.textContent ?? ''));
    expect(await written()).toEqual(before);

    await page.fill('[data-testid="schedule"] input[name="cutoffMinutes"]', '10');
    await page.click('[data-testid="schedule"] [data-action="save"]');
    await page.waitForSelector('[data-testid="editor-saved"]');
    expect((await schedule()).cutoffMinutes).toBe(10);
    await importFile('import-schedule-file', file);
    await page.waitForFunction(() => /已导入并保存/.test(document.querySelector('[data-testid="editor-saved"]')?.textContent ?? ''));
    expect(await schedule()).toEqual(file);
    expect(await page.inputValue('[data-testid="schedule"] input[name="cutoffMinutes"]')).toBe('45');
  });
});

describe('the hall rules as a form', () => {
  it('a number out of range or left blank is shown at its field in Chinese and English, and nothing is stored', async () => {
    await tab('policy');
    const ed = '[data-testid="policy"]';
    const before = await written();
    await page.fill(`${ed} input[name="noShowGraceSeconds"]`, '5000');
    await page.fill(`${ed} input[name="longWaitMinutes"]`, '');
    await page.click(`${ed} [data-action="save"]`);
    const grace = errorAt('noShowGraceSeconds');
    await grace.waitFor();
    expect(await grace.textContent()).toContain('不能大于 1800');
    expect(await grace.textContent()).toContain('must be at most 1800');
    expect(await errorAt('longWaitMinutes').textContent()).toContain('必须填写');
    expect(await written()).toEqual(before);
    await page.fill(`${ed} input[name="noShowGraceSeconds"]`, '90');
    await page.fill(`${ed} input[name="longWaitMinutes"]`, '30');
    await page.click(`${ed} [data-action="save"]`);
    await page.waitForSelector('[data-testid="editor-saved"]');
    expect(await page.evaluate(() => window.__hallq!.terminal.local.state.config.policy.noShowGraceSeconds)).toBe(90);
    expect(await errorAt('noShowGraceSeconds').count()).toBe(0);
  });
});

describe('the staff card and the windows as forms', () => {
  it("a clerk's card keeps its English when edited, and an English post can be set; a window without a number is refused at the field", async () => {
    await tab('staff');
    await page.click('[data-testid="staff"] tr[data-row="s1"] [data-action="edit"]');
    const form = '[data-testid="staff-form"]';
    await page.waitForSelector(form);
    const en = (await page.evaluate(() => window.__hallq!.terminal.local.state.config.staff.get('s1')?.en)) ?? {};
    expect(await page.inputValue(`${form} input[name="postEn"]`)).toBe(en.post ?? '');
    await page.fill(`${form} input[name="postEn"]`, 'General intake desk');
    await page.click(`${form} [data-action="save"]`);
    await page.waitForSelector('[data-testid="editor-saved"]');
    expect(await page.evaluate(() => window.__hallq!.terminal.local.state.config.staff.get('s1')?.en)).toEqual({ ...en, post: 'General intake desk' });

    await tab('windows');
    await page.click('[data-testid="windows"] tr[data-row="w2"] [data-action="edit"]');
    const before = await written();
    await page.fill('[data-testid="windows-form"] input[name="label"]', '');
    await page.click('[data-testid="windows-form"] [data-action="save"]');
    const label = errorAt('label');
    await label.waitFor();
    expect(await label.textContent()).toContain('不能为空');
    expect(await label.textContent()).toContain('must not be empty');
    expect(await written()).toEqual(before);
    await page.click('[data-testid="windows-form"] [data-action="close"]');
  });
});

describe("the kiosk's guide (R15)", () => {
  it('names the windows that serve the service, the same ones the confirm screen names (issue 17: guide 1 and 6, confirm 1, 3 and 6)', async () => {
    const kiosk = await openTerminalPage(browser, hall.pages.get('kiosk-1')!);
    const k = kiosk.page;
    await k.waitForSelector('[data-testid="attract"]');
    await k.click('[data-testid="start"]');
    await k.click('[data-testid="guide-hukou"]');
    const guide = (await k.textContent('[data-testid="guide"]')) ?? '';
    expect(guide).toContain('1、3、6号窗口');
    expect(guide).not.toContain('1、6 号窗口');
    await k.click('[data-testid="guide-take"]');
    await k.waitForSelector('[data-testid="wait"]');
    expect(await k.textContent('.kiosk')).toContain('1、3、6号窗口');
    await kiosk.context.close();
  });
});

describe('English admin', () => {
  it('shows English window and service names, and the guide form in English', async () => {
    await page.click('[data-action="lang"]');
    await tab('windows');
    const row = page.locator('[data-testid="windows"] tr[data-row="w6"]');
    expect(await row.textContent()).toContain("Can't get it done");
    expect(await row.textContent()).toContain('Household registration');
    await tab('services');
    await editService('hukou');
    expect(await page.textContent('[data-testid="guide-windows"] .bi-main')).toContain('Windows (from the window settings');
    await screenshot(page, 'admin-guide-form-en');
    await tab('live');
    await page.waitForSelector('[data-testid="terminals"] tr[data-terminal="admin-1"]');
    expect(await page.getAttribute('[data-testid="terminals"] tr[data-terminal="admin-1"]', 'data-condition')).toBe('this-screen');
    expect(await page.getAttribute('[data-testid="terminals"] tr[data-terminal="admin"]', 'data-condition')).toBe('server-token');
    await page.locator('[data-testid="terminals"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'admin-live-terminals-en');
    await page.click('[data-action="lang"]');
  });
});
