/**
 * Hall admin (R17): the leader on duty's live view (queues, windows, totals, alerts for long
 * waits, long pauses, offline terminals and device faults) and the configuration editors,
 * whose changes are authored at the admin terminal and reach every other terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { HybridClock } from '../../shared/clock/hlc';
import { authorEvent } from '../../shared/events/author';
import { verifyPin } from '../../shared/identity/pin';
import { localDate } from '../../shared/schedule/zone';
import { DEMO_PIN } from '../../scripts/web/demoHall';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';

let hall: WebHall;
let browser: Browser;
let admin: OpenedPage;
let kiosk: OpenedPage;
let counter: OpenedPage;
let board: OpenedPage;
/** The server's clock runs this far ahead of real time (moved forward to age the queue). */
let skew = 0;

const MINUTE = 60_000;

async function synced(page: Page): Promise<void> {
  await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.windows.size ?? 0) > 0 && window.__hallq!.terminal.engine.status.state === 'online');
}

/** Events this terminal has written (folded) and its unsent outbox. */
const written = (page: Page) =>
  page.evaluate(async () => {
    const t = window.__hallq!.terminal;
    return { events: await t.db.events.count(), outbox: await t.db.outbox.count() };
  });

async function tab(id: string): Promise<void> {
  await admin.page.click(`a[data-tab="${id}"]`);
  await admin.page.waitForSelector(`a[data-tab="${id}"][aria-selected="true"]`);
}

async function editRow(editor: string, id: string): Promise<string> {
  await admin.page.click(`[data-testid="${editor}"] tr[data-row="${id}"] [data-action="edit"]`);
  const form = `[data-testid="${editor}-form"]`;
  await admin.page.waitForSelector(form);
  return form;
}

const alert = (key: string) => admin.page.locator(`[data-alert="${key}"]`);

beforeAll(async () => {
  hall = await startWebHall({ now: () => Date.now() + skew });
  browser = await launchBrowser();
  // A kiosk enrolled (its code spent) whose machine never comes up: the leader must see it.
  const code = new URL(hall.pages.get('kiosk-2')!).searchParams.get('code');
  const enrolled = await fetch(`${hall.url}/api/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
  expect(enrolled.status).toBe(200);
  [kiosk, counter, board] = await Promise.all([
    openTerminalPage(browser, hall.pages.get('kiosk-1')!),
    openTerminalPage(browser, hall.pages.get('counter-1')!),
    openTerminalPage(browser, hall.pages.get('display-1')!, { width: 1920, height: 1080 }),
  ]);
  await Promise.all([kiosk, counter, board].map((p) => synced(p.page)));
  // The admin comes last: its first look at terminal health finds the others running.
  admin = await openTerminalPage(browser, hall.pages.get('admin-1')!, { width: 1440, height: 900 });
  await synced(admin.page);
  admin.page.on('dialog', (d) => void d.accept());
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('the live view', () => {
  it('counts a ticket waiting at the kiosk, per service and in today\'s totals', async () => {
    await kiosk.page.evaluate(async () => {
      const r = await window.__hallq!.terminal.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
      if (!r.ok) throw new Error(r.code);
    });
    await admin.page.waitForSelector('[data-testid="queues"] tr[data-service="hukou"][data-waiting="1"]');
    await expect.poll(() => admin.page.getAttribute('[data-kpi="issued"]', 'data-value')).toBe('1');
    expect(await admin.page.getAttribute('[data-kpi="waiting"]', 'data-value')).toBe('1');
  });

  it('R10: shows a paused window with its reason, since when, and the clerk', async () => {
    await counter.page.evaluate(async () => {
      const l = window.__hallq!.terminal.local;
      await l.author('staff.signedIn', { windowId: 'w1', staffId: 's1' });
      await l.author('window.paused', { windowId: 'w1', reason: '系统维护' });
    });
    const row = admin.page.locator('[data-testid="windows-live"] tr[data-window="w1"]');
    await expect.poll(() => row.getAttribute('data-state')).toBe('paused');
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('暂停服务');
    expect(text).toContain('系统维护');
    expect(text).toContain('王芳');
  });

  it('R17: a device fault reported by a kiosk is an alert', async () => {
    await kiosk.page.evaluate(() => window.__hallq!.terminal.local.author('device.fault', { device: 'printer', code: 'paper-out', message: '打印机缺纸' }));
    await alert('device-fault:kiosk-1/printer').waitFor();
    expect(await alert('device-fault:kiosk-1/printer').textContent()).toContain('打印机故障');
    await kiosk.page.evaluate(() => window.__hallq!.terminal.local.author('device.recovered', { device: 'printer' }));
    await alert('device-fault:kiosk-1/printer').waitFor({ state: 'detached' });
  });

  it('a call an offline counter dated before another window\'s call of the same ticket is listed for the leader, in both languages', async () => {
    const api = async (path: string, token: string | undefined, body: unknown) => {
      const r = await fetch(`${hall.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as any };
    };
    const enroll = async (id: string, role: string, windowId?: string) => {
      const created = await api('/api/admin/terminals', hall.adminToken, { id, role, ...(windowId ? { windowId } : {}) });
      const e = (await api('/api/enroll', undefined, { code: created.body.code })).body as { token: string; epoch: number };
      let seq = 0;
      const clock = { at: Date.now() };
      const hlc = new HybridClock({ now: () => clock.at });
      const emit = (type: any, payload: any) => authorEvent({ hall: hall.hall, origin: `${id}~${e.epoch}`, clock: hlc, nextSeq: () => ++seq }, type, payload);
      const push = (...events: unknown[]) => api('/api/sync/push', e.token, { events });
      return { emit, push, clock, origin: `${id}~${e.epoch}` };
    };
    const k = await enroll('kiosk-e2e', 'kiosk');
    const c2 = await enroll('counter-e2e2', 'counter', 'w2');
    const c5 = await enroll('counter-e2e5', 'counter', 'w5');
    k.clock.at = Date.now() - 10 * MINUTE;
    const ticket = k.emit('ticket.issued', { ticketId: `${k.origin}:1`, serviceId: 'social', number: 'B901', numberSource: 'server', day: localDate(Date.now(), 'Asia/Shanghai'), channel: 'kiosk' });
    expect((await k.push(ticket)).status).toBe(200);
    c2.clock.at = Date.now() - 2 * MINUTE;
    expect((await c2.push(c2.emit('ticket.called', { ticketId: `${k.origin}:1`, windowId: 'w2' }))).status).toBe(200);
    c5.clock.at = Date.now() - 8 * MINUTE; // cut off, it called the same citizen earlier
    expect((await c5.push(c5.emit('ticket.called', { ticketId: `${k.origin}:1`, windowId: 'w5' }))).status).toBe(200);
    const row = admin.page.locator('[data-testid="overrides"] tr[data-kind="call-won"]', { hasText: 'B901' });
    await row.waitFor({ timeout: 45_000 });
    expect(await row.textContent()).toContain('counter-e2e5');
    expect(await admin.page.textContent('[data-testid="overrides"] h2')).toContain('离线补传的改动');
  });

  it('R17: an enrolled terminal that never connects is offline; running terminals are live; the leader sees both', async () => {
    await alert('terminal-offline:kiosk-2').waitFor();
    expect(await alert('terminal-offline:kiosk-2').textContent()).toContain('离线');
    const row = (id: string) => admin.page.locator(`[data-testid="terminals"] tr[data-terminal="${id}"]`);
    expect(await row('kiosk-2').getAttribute('data-condition')).toBe('never-seen');
    expect(await row('kiosk-1').getAttribute('data-condition')).toBe('live');
    // Created but never enrolled: listed, not an alert.
    expect(await row('evaluator-3').getAttribute('data-condition')).toBe('not-enrolled');
    expect(await alert('terminal-offline:evaluator-3').count()).toBe(0);
  });

  it('long waits and long pauses raise alerts once past the limits set in the rules editor (a policy change keeps the other rules)', async () => {
    await tab('policy');
    await admin.page.fill('[data-testid="policy"] input[name="longWaitMinutes"]', '1');
    await admin.page.fill('[data-testid="policy"] input[name="longPauseMinutes"]', '1');
    await screenshot(admin.page, 'admin-policy-zh');
    await admin.page.click('[data-testid="policy"] [data-action="save"]');
    await admin.page.waitForSelector('[data-testid="editor-saved"]');
    await expect.poll(() => board.page.evaluate(() => window.__hallq!.terminal.local.state.config.policy.longWaitMinutes)).toBe(1);
    expect(await board.page.evaluate(() => window.__hallq!.terminal.local.state.config.policy.hallName.zh)).toBe('朝阳区政务服务中心');

    // Three minutes pass (on the server's clock, which every terminal follows).
    skew += 3 * MINUTE;
    await admin.page.evaluate(() => window.__hallq!.terminal.engine.syncNow());
    await tab('live');
    await alert('long-wait:hukou').waitFor({ timeout: 15_000 });
    expect(await alert('long-wait:hukou').textContent()).toContain('等候超过 1 分钟');
    await alert('long-pause:w1').waitFor();
    expect(await alert('long-pause:w1').textContent()).toContain('1 号窗口暂停服务');
    await screenshot(admin.page, 'admin-live-zh');
    await admin.page.locator('[data-testid="terminals"]').scrollIntoViewIfNeeded();
    await screenshot(admin.page, 'admin-live-terminals-zh');
    await admin.page.evaluate(() => window.scrollTo(0, 0));
    await admin.page.click('[data-action="lang"]');
    await admin.page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await alert('long-wait:hukou').textContent()).toContain('waiting over 1 min');
    await screenshot(admin.page, 'admin-live-en');
    await admin.page.click('[data-action="lang"]');
  });
});

describe('the configuration editors', () => {
  it('a service renamed in the editor reaches the other terminals (the board shows the new name)', async () => {
    await tab('services');
    const form = await editRow('services', 'hukou');
    await admin.page.fill(`${form} input[name="nameZh"]`, '户籍业务');
    await admin.page.fill(`${form} input[name="nameEn"]`, 'Household registry');
    await screenshot(admin.page, 'admin-services-zh');
    await admin.page.click(`${form} [data-action="save"]`);
    await admin.page.waitForSelector('[data-testid="editor-saved"]');
    await expect.poll(() => board.page.textContent('[data-testid="waiting-hukou"]')).toContain('户籍业务');
    expect(await board.page.textContent('[data-testid="waiting-hukou"]')).toContain('Household registry');
    await expect.poll(() => kiosk.page.evaluate(() => window.__hallq!.terminal.local.state.config.services.get('hukou')?.name.zh)).toBe('户籍业务');
  });

  it('a bad value is refused with a clear message in both languages, and nothing is stored', async () => {
    const before = await written(admin.page);
    const form = await editRow('services', 'hukou');
    await admin.page.fill(`${form} input[name="prefix"]`, 'AB');
    await admin.page.fill(`${form} input[name="defaultServiceMinutes"]`, 'ten');
    await admin.page.click(`${form} [data-action="save"]`);
    const error = admin.page.locator('[data-testid="editor-error"]');
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('号头字母');
    expect(text).toContain('应为一个大写字母');
    expect(text).toContain('Number prefix');
    expect(text).toContain('默认办理时长');
    expect(text).toContain('应为数字');
    expect(await written(admin.page)).toEqual(before);
    expect(await admin.page.evaluate(() => window.__hallq!.terminal.local.state.config.services.get('hukou')?.prefix)).toBe('A');
    await admin.page.click(`${form} [data-action="close"]`);
  });

  it('removing a service a window still serves is refused and says which window', async () => {
    const before = await written(admin.page);
    await admin.page.click('[data-testid="services"] tr[data-row="social"] [data-action="remove"]');
    const error = admin.page.locator('[data-testid="editor-error"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('2、5 号窗口仍在办理此业务');
    expect(await written(admin.page)).toEqual(before);
  });

  it('the window editor changes which services a window takes', async () => {
    await tab('windows');
    const form = await editRow('windows', 'w4');
    await admin.page.selectOption(`${form} select[name="addService"]`, 'housing');
    await admin.page.selectOption(`${form} select[name="mode"]`, 'ordered');
    await screenshot(admin.page, 'admin-windows-zh');
    await admin.page.click(`${form} [data-action="save"]`);
    await admin.page.waitForSelector('[data-testid="editor-saved"]');
    const w4 = await admin.page.evaluate(() => window.__hallq!.terminal.local.state.config.windows.get('w4'));
    expect(w4?.services.map((s) => s.serviceId)).toEqual(['business', 'tax', 'housing']);
    expect(w4?.mode).toBe('ordered');
  });

  it('a new PIN is stored only as a salted hash that checks out, and no hash is ever shown', async () => {
    await tab('staff');
    const form = await editRow('staff', 's2');
    // A PIN shorter than 6 digits is refused, in both languages.
    await admin.page.fill(`${form} input[name="pin"]`, '5678');
    await admin.page.click(`${form} [data-action="save"]`);
    await admin.page.waitForFunction(() => /PIN 应为 6 至 12 位数字/.test(document.body.innerText) && /a PIN is 6 to 12 digits/.test(document.body.innerText));
    await admin.page.fill(`${form} input[name="pin"]`, '567890');
    await screenshot(admin.page, 'admin-staff-zh');
    await admin.page.click(`${form} [data-action="save"]`);
    await admin.page.waitForSelector('[data-testid="editor-saved"]');
    const hash = await admin.page.evaluate(() => window.__hallq!.terminal.local.state.config.staff.get('s2')?.pinHash);
    expect(await verifyPin('567890', hash)).toBe(true);
    expect(await verifyPin(DEMO_PIN, hash)).toBe(false);
    // The admin never received another clerk's hash, only that a PIN is set.
    expect(await admin.page.evaluate(() => window.__hallq!.terminal.local.state.config.staff.get('s1'))).toMatchObject({ pinSet: true });
    expect(await admin.page.evaluate(() => window.__hallq!.terminal.local.state.config.staff.get('s1')?.pinHash)).toBeUndefined();
    await editRow('staff', 's2');
    expect(await admin.page.content()).not.toContain('pbkdf2');
  });

  it('the schedule editor adds a holiday, and refuses a period that ends before it starts', async () => {
    await tab('schedule');
    const ed = '[data-testid="schedule"]';
    await admin.page.fill(`${ed} input[name="newHoliday"]`, '2026-10-01');
    await admin.page.click(`${ed} [data-action="add-holiday"]`);
    await admin.page.selectOption(`${ed} select[name="newAdjustedAs"]`, 'fri');
    await admin.page.fill(`${ed} input[name="newAdjusted"]`, '2026-10-11');
    await admin.page.click(`${ed} [data-action="add-adjusted"]`);
    await admin.page.click(`${ed} [data-action="save"]`);
    await admin.page.waitForSelector('[data-testid="editor-saved"]');
    const schedule = await admin.page.evaluate(() => window.__hallq!.terminal.local.state.config.schedule);
    expect(schedule.holidays).toEqual(['2026-10-01']);
    expect(schedule.adjustedWorkdays).toEqual([{ date: '2026-10-11', as: 'fri' }]);
    await screenshot(admin.page, 'admin-schedule-zh');

    const before = await written(admin.page);
    await admin.page.fill(`${ed} tr[data-day="mon"] input[name="mon-0-to"]`, '08:00');
    await admin.page.fill(`${ed} tr[data-day="mon"] input[name="mon-0-from"]`, '09:00');
    await admin.page.click(`${ed} [data-action="save"]`);
    const error = admin.page.locator('[data-testid="editor-error"]');
    await error.waitFor();
    expect(await error.textContent()).toContain('星期一 第 1 段');
    expect(await error.textContent()).toContain('开始时间必须早于结束时间');
    expect(await written(admin.page)).toEqual(before);
  });

  it('a notice published at the admin shows on the board, and goes when withdrawn', async () => {
    await tab('notices');
    const ed = '[data-testid="notices"]';
    await admin.page.fill(`${ed} textarea[name="zh"]`, '今日下午三点系统升级，请提前办理');
    await admin.page.fill(`${ed} textarea[name="en"]`, 'System upgrade at 3 pm today');
    await admin.page.click(`${ed} [data-action="publish"]`);
    await admin.page.waitForSelector('[data-testid="editor-saved"]');
    await expect.poll(() => board.page.textContent('[data-testid="notices"]')).toContain('今日下午三点系统升级');
    expect(await board.page.textContent('[data-testid="notices"]')).toContain('System upgrade at 3 pm today');
    await screenshot(admin.page, 'admin-notices-zh');

    const row = admin.page.locator(`${ed} tr`, { hasText: '今日下午三点系统升级' });
    await row.locator('[data-action="withdraw"]').click();
    await expect.poll(() => board.page.textContent('[data-testid="notices"]')).not.toContain('今日下午三点系统升级');
  });

  it('works offline: a change made while cut off is kept and reaches the board once back online', async () => {
    await admin.context.setOffline(true);
    await admin.page.evaluate(() => void window.__hallq!.terminal.engine.syncNow());
    await admin.page.waitForSelector('.status-banner[data-status="offline"]');
    await tab('services');
    const form = await editRow('services', 'tax');
    await admin.page.fill(`${form} input[name="nameZh"]`, '税务综合办理');
    await admin.page.click(`${form} [data-action="save"]`);
    await admin.page.waitForSelector('[data-testid="editor-saved"]');
    expect((await written(admin.page)).outbox).toBeGreaterThan(0);
    await admin.context.setOffline(false);
    await admin.page.evaluate(() => void window.__hallq!.terminal.engine.syncNow());
    await expect.poll(() => board.page.textContent('[data-testid="waiting-tax"]'), { timeout: 15_000 }).toContain('税务综合办理');
    expect(admin.errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
  });
});

describe('events the server refuses for good', () => {
  it('are set aside on the terminal, said on its status bar, and listed for the leader', async () => {
    const wall = Date.now() + skew + 1_000;
    await admin.page.evaluate(async (at) => {
      const env = window.__hallq!;
      const origin = `${env.identity.terminalId}~${env.identity.epoch}`;
      const hlc = `${String(at).padStart(16, '0')}-0000`;
      // What an older build could have left in the outbox: a notice with a NUL in it.
      await env.terminal.db.appendOwn((seq) => ({ v: 1, origin, seq, hlc, hall: env.identity.hall, type: 'notice.published', payload: { noticeId: 'bad', text: { zh: '停电\u0000', en: 'Power cut' } } }) as never, at);
      await env.terminal.engine.syncNow();
    }, wall);
    await admin.page.waitForSelector('.status-banner[data-status="quarantined"]', { timeout: 15_000 });
    expect(await admin.page.textContent('.status-banner[data-status="quarantined"]')).toContain('被服务器拒绝');
    await tab('live');
    await admin.page.waitForSelector('[data-testid="refused-events"] [data-terminal="admin-1"]', { timeout: 45_000 });
    expect(await admin.page.textContent('[data-testid="refused-events"] [data-terminal="admin-1"]')).toContain('bad-text');
  });
});
