/**
 * One definition of every figure, read off the screens (issue 17: "live showed issued 8 /
 * served 2 while the day report showed issued 5 / served 1 / not done 1"). A scripted day in
 * the demo hall (a voided ticket, a not-done finish, a needs-material one, a no-show, a no-show
 * who came back, a transfer, a cancellation, an offline call conflict, one bad rating), then in
 * Chromium: the live view's totals, the counter's 今日已办 / 过号 / 未办成 and the day report
 * must show the same numbers. And the reports tell the truth: a 0% satisfaction is red, the
 * month chart ends today, the CSV names the hall by its name.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { HybridClock, makeOrigin } from '../../shared/clock';
import { authorEvent, type EventType, type PayloadInput } from '../../shared/events';
import { localDate } from '../../shared/schedule/zone';
import { DEMO_PIN, DEMO_POLICY, DEMO_SCHEDULE, DEMO_TERMINALS } from '../../scripts/web/demoHall';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { call, enrollTerminal, type RunningServer } from '../support/server';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';

let hall: WebHall;
let browser: Browser;
let admin: OpenedPage;
let counter: OpenedPage;
const today = localDate(Date.now(), DEMO_SCHEDULE.timeZone);
/** Which window's call won the offline conflict (the fold decides; both answers are fine here). */
let conflictWonByW1 = false;

/** What the scripted day comes to by the definitions (shared/figures/definitions.ts). */
const WANT = { issued: 9, served: 4, notDone: 1, noShow: 1, voided: 1 };

/** One clock for the whole script: its events sort in the order they were written. */
const scriptClock = new HybridClock({ now: Date.now });

/** A terminal of the script: authors events of the demo hall on the real clock. */
class ScriptTerminal {
  readonly origin: string;
  readonly clock = scriptClock;
  private seq = 0;
  constructor(id: string, epoch: number) {
    this.origin = makeOrigin(id, epoch);
  }
  emit<K extends EventType>(type: K, payload: PayloadInput<K>) {
    return authorEvent({ hall: hall.hall, origin: this.origin, clock: this.clock, nextSeq: () => ++this.seq }, type, payload);
  }
  nextId(): string {
    return `${this.origin}:${this.seq + 1}`;
  }
}

const terms: Record<string, { t: ScriptTerminal; token: string; held?: unknown[] }> = {};
const T: Record<string, string> = {};

async function push(id: string, events: unknown[]) {
  const r = await call(hall.url, 'POST', '/api/sync/push', { token: terms[id]!.token, body: { events } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}
/** Events are held per terminal and sent in one push each (sendAll), as a terminal's outbox would. */
async function ev<K extends EventType>(id: string, type: K, payload: PayloadInput<K>) {
  const term = terms[id]!;
  (term.held ??= []).push(term.t.emit(type, payload));
}
async function sendAll(order: string[]) {
  for (const id of order) {
    const held = terms[id]!.held ?? [];
    delete terms[id]!.held;
    if (held.length) await push(id, held);
  }
}
async function issue(number: string, serviceId: string) {
  T[number] = terms.k!.t.nextId();
  await ev('k', 'ticket.issued', { ticketId: T[number]!, day: today, numberSource: 'server', serviceId, number, channel: 'kiosk' });
}
async function serve(id: string, w: string, number: string, outcome: 'done' | 'not-done' | 'needs-material' = 'done') {
  await ev(id, 'ticket.called', { ticketId: T[number]!, windowId: w });
  await ev(id, 'ticket.started', { ticketId: T[number]!, windowId: w });
  await ev(id, 'ticket.finished', { ticketId: T[number]!, windowId: w, outcome });
}

/** The day, through the real push path, as terminals of the hall would send it. */
async function scriptDay() {
  const s = { url: hall.url, adminToken: hall.adminToken, hall: hall.hall } as RunningServer;
  for (const [id, role, w] of [['k', 'kiosk'], ['c1', 'counter', 'w1'], ['c2', 'counter', 'w2'], ['c3', 'counter', 'w3'], ['e1', 'evaluator', 'w1']] as const) {
    const r = await enrollTerminal(s, `script-${id}`, role, w);
    terms[id] = { t: new ScriptTerminal(`script-${id}`, r.epoch), token: r.token };
  }
  await ev('c2', 'staff.signedIn', { windowId: 'w2', staffId: 's2' });
  await ev('c3', 'staff.signedIn', { windowId: 'w3', staffId: 's3' });
  await ev('c1', 'staff.signedIn', { windowId: 'w1', staffId: 's1' });
  for (const [n, svc] of [['A801', 'hukou'], ['A802', 'hukou'], ['A803', 'hukou'], ['B801', 'social'], ['B802', 'social'], ['B803', 'social'], ['A804', 'hukou'], ['A805', 'hukou'], ['A806', 'hukou'], ['A807', 'hukou']] as const) await issue(n, svc);
  await ev('k', 'ticket.voided', { ticketId: T.A802!, reason: 'print-failed' });
  await serve('c1', 'w1', 'A801');
  await serve('c1', 'w1', 'A803', 'not-done');
  await ev('e1', 'evaluation.recorded', { ticketId: T.A803!, windowId: 'w1', level: 1, reasons: ['not-done'], source: 'pad' });
  await ev('c2', 'ticket.called', { ticketId: T.B801!, windowId: 'w2' });
  await ev('c2', 'ticket.skipped', { ticketId: T.B801!, windowId: 'w2' });
  await ev('c2', 'ticket.called', { ticketId: T.B802!, windowId: 'w2' });
  await ev('c2', 'ticket.skipped', { ticketId: T.B802!, windowId: 'w2' });
  await ev('c2', 'ticket.requeued', { ticketId: T.B802!, windowId: 'w2' });
  await serve('c2', 'w2', 'B802');
  await ev('c2', 'ticket.called', { ticketId: T.B803!, windowId: 'w2' });
  await ev('c2', 'ticket.started', { ticketId: T.B803!, windowId: 'w2' });
  await ev('c2', 'ticket.transferred', { ticketId: T.B803!, windowId: 'w2', toServiceId: 'hukou' });
  await serve('c1', 'w1', 'B803');
  await ev('c1', 'ticket.cancelled', { ticketId: T.A804!, reason: '群众离开' });
  await serve('c1', 'w1', 'A806', 'needs-material');
  // Windows 1 and 3 both call A805 while offline; whichever call the hall keeps serves it.
  await ev('c1', 'ticket.called', { ticketId: T.A805!, windowId: 'w1' });
  await ev('c3', 'ticket.called', { ticketId: T.A805!, windowId: 'w3' });
  await sendAll(['k', 'c2', 'c3', 'e1', 'c1']);
  const fold = await hall.server.ctx.cache.get(hall.db, hall.hall, Date.now());
  const winner = fold.state.tickets.get(T.A805!)!.windowId!;
  conflictWonByW1 = winner === 'w1';
  const by = winner === 'w1' ? 'c1' : 'c3';
  await ev(by, 'ticket.started', { ticketId: T.A805!, windowId: winner });
  await ev(by, 'ticket.finished', { ticketId: T.A805!, windowId: winner, outcome: 'done' });
  // The clerk of window 1 leaves; counter-1 is signed in on screen below.
  await ev('c1', 'staff.signedOut', { windowId: 'w1', staffId: 's1' });
  await sendAll(['c1', 'c3']);
}

const attr = (page: Page, sel: string, name: string) => page.locator(sel).first().getAttribute(name);

beforeAll(async () => {
  hall = await startWebHall({ terminals: DEMO_TERMINALS.filter((t) => t.id === 'admin-1' || t.id === 'counter-1') });
  await scriptDay();
  browser = await launchBrowser();
  admin = await openTerminalPage(browser, hall.pages.get('admin-1')!, { width: 1440, height: 900 });
  counter = await openTerminalPage(browser, hall.pages.get('counter-1')!, { width: 1366, height: 768 });
  // A few seconds on a quiet machine; the margin is for a busy CI runner.
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('one figure, every screen', () => {
  it("the live view, the counter and the day report show the same issued / served / not done / no-show", async () => {
    const page = admin.page;
    const liveKpi = (k: string) => attr(page, `[data-testid="totals"] [data-kpi="${k}"]`, 'data-value');
    await expect.poll(() => liveKpi('issued'), { timeout: 20_000 }).toBe(String(WANT.issued));
    const live = { issued: await liveKpi('issued'), served: await liveKpi('served'), notDone: await liveKpi('notDone'), noShow: await liveKpi('noShow') };
    expect(await liveKpi('voided')).toBe(String(WANT.voided));
    const w1Served = 2 + (conflictWonByW1 ? 1 : 0); // A801, B803 (and A805 when window 1's call won)
    expect(await attr(page, 'tr[data-window="w1"] td[data-col="served"]', 'data-value')).toBe(String(w1Served));
    await screenshot(page, 'figures-live-zh');

    // The counter of window 1, signed in: its counts are the report's for window 1.
    const c = counter.page;
    await c.waitForFunction(() => (window.__hallq?.terminal.local.state.config.staff.size ?? 0) > 0);
    await c.locator('[data-testid="staff-id"]').fill('s1');
    await c.locator('[data-testid="pin"]').fill(DEMO_PIN);
    await c.locator('[data-testid="sign-in"]').first().click();
    await c.locator('[data-testid="today-counts"]').waitFor({ timeout: 20_000 });
    const count = (id: string) => c.locator(`[data-testid="${id}"]`).first().innerText();
    await expect.poll(() => count('count-served'), { timeout: 20_000 }).toBe(String(w1Served));
    expect(await count('count-not-done')).toBe('1');
    expect(await count('count-no-show')).toBe('0');
    await screenshot(c, 'figures-counter-zh');

    // The day report (today, by service, the tab's default), through the screen.
    await page.click('a[data-tab="reports"]');
    await page.waitForSelector(`[data-testid="report-status"][data-state="fresh"][data-from="${today}"][data-to="${today}"]`, { timeout: 20_000 });
    const kpi = (k: string) => attr(page, `[data-testid="report-kpis"] [data-kpi="${k}"]`, 'data-value');
    const report = { issued: await kpi('issued'), served: await kpi('served'), notDone: await kpi('notDone'), noShow: await kpi('noShow') };
    expect(live).toEqual(report);
    expect(report).toEqual({ issued: String(WANT.issued), served: String(WANT.served), notDone: String(WANT.notDone), noShow: String(WANT.noShow) });
    await screenshot(page, 'figures-report-day-zh');
  });

  it('a day rated 0% shows its satisfaction in red, on the card and in the table, never green', async () => {
    const page = admin.page;
    const card = page.locator('[data-testid="report-kpis"] [data-kpi="satisfactionRate"]');
    expect(await card.getAttribute('data-value')).toBe('0');
    expect(await card.getAttribute('data-tone')).toBe('bad');
    const red = 'rgb(198, 40, 40)';
    expect(await card.locator('.kpi-value').evaluate((el) => getComputedStyle(el).color)).toBe(red);
    const cell = page.locator('tr[data-group="hukou"] td[data-col="satisfactionRate"]');
    expect(await cell.getAttribute('data-tone')).toBe('bad');
    expect(await cell.evaluate((el) => getComputedStyle(el).color)).toBe(red);
    await page.click('[data-action="lang"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await screenshot(page, 'figures-report-day-en');
    await page.click('[data-action="lang"]');
    await page.waitForFunction(() => document.documentElement.lang !== 'en');
  });

  it("this month's chart ends today: no day still to come is drawn as 0", async () => {
    const page = admin.page;
    await page.selectOption('select[name="period"]', 'month');
    await page.waitForSelector(`[data-testid="report-status"][data-state="fresh"][data-from="${today.slice(0, 8)}01"]`, { timeout: 20_000 });
    await page.waitForSelector('[data-chart="daily"][data-rendered="1"] svg');
    expect(await attr(page, '[data-chart="daily"]', 'data-x-last')).toBe(today.slice(5));
    await screenshot(page, 'figures-report-month-zh');
  });

  it('the CSV names the hall by its name, Chinese and English, not by its id', async () => {
    const page = admin.page;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-csv"]')]);
    const text = readFileSync((await download.path())!).toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines).toContain(`大厅 Hall,${DEMO_POLICY.hallName.zh} ${DEMO_POLICY.hallName.en}`);
    expect(lines.filter((l) => l.includes(hall.hall))).toEqual([]);
  });
});
