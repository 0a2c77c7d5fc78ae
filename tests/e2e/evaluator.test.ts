/**
 * 评价器 end to end: the clerk's public card (R9), the five-level rating right after a service,
 * once per served ticket (R8), reasons for a bad rating and its rectification item, "no rating"
 * after the timeout, the hardware keypad, and the paused sign (R10).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';
import { DEMO_PIN, DEMO_POLICY } from '../../scripts/web/demoHall';

let hall: WebHall;
let browser: Browser;
let kiosk: OpenedPage;
let counter: OpenedPage;
let pad: OpenedPage;

const TIMEOUT_S = 10;
const tid = (id: string) => `[data-testid="${id}"]`;
const click = (page: Page, id: string) => page.locator(tid(id)).first().click();
const text = (page: Page, id: string) => page.locator(tid(id)).first().innerText();

/** startWebHall builds the device manager but does not start it (reported): start it unless it is up. */
async function ensureDevicesStarted(h: WebHall) {
  const state = async () => (await h.deviceManager!.health()).find((d) => d.kind === 'evaluator')?.state;
  for (let i = 0; i < 10 && (await state()) !== 'ok'; i++) await new Promise((r) => setTimeout(r, 100));
  if ((await state()) !== 'ok') h.deviceManager!.start();
  for (let i = 0; i < 50 && (await state()) !== 'ok'; i++) await new Promise((r) => setTimeout(r, 100));
  if ((await state()) !== 'ok') throw new Error('the simulated evaluator keypad did not come up');
}

async function shots(page: Page, name: string) {
  await screenshot(page, `${name}-zh`);
  await click(page, 'lang');
  await screenshot(page, `${name}-en`);
  await click(page, 'lang');
}

/** A citizen takes a ticket, is called at window 1 and served; returns the ticket number. */
async function serveOne(): Promise<string> {
  const n = await kiosk.page.evaluate(() => window.__hallq!.terminal.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' }).then((o) => (o.ok ? o.ticket.number : `refused: ${o.code}`)));
  expect(n).toMatch(/^A\d{3}$/);
  await counter.page.waitForFunction((x) => [...window.__hallq!.terminal.local.state.tickets.values()].some((t) => t.number === x && t.status === 'waiting'), n);
  await click(counter.page, 'call-next');
  await counter.page.locator(tid('current-number'), { hasText: n }).waitFor();
  await click(counter.page, 'finish-done');
  await counter.page.locator('[data-testid="current-ticket"][data-status="none"]').waitFor();
  return n;
}

/** The ticket's rating and how many ratings were recorded for it, as a terminal sees them. */
function rating(page: Page, number: string) {
  return page.evaluate(async (n) => {
    const env = window.__hallq!;
    const t = [...env.terminal.local.state.tickets.values()].find((x) => x.number === n);
    if (!t) return null;
    const events = (await env.terminal.db.loadEvents()).filter((e) => e.type === 'evaluation.recorded' && (e.payload as { ticketId: string }).ticketId === t.id);
    const applied = events.find((e) => `${e.origin}:${e.seq}` === t.rating?.eventId);
    return { id: t.id, level: t.rating?.level, recorded: events.length, source: (applied?.payload as { source?: string } | undefined)?.source, reasons: (applied?.payload as { reasons?: string[] } | undefined)?.reasons };
  }, number);
}

beforeAll(async () => {
  hall = await startWebHall({ devices: true });
  await ensureDevicesStarted(hall);
  // The shortest timeout the policy allows, so the "no rating" test stays short.
  await hall.admin('PUT', '/api/admin/config', { kind: 'policy', id: 'hall', value: { ...DEMO_POLICY, ratingTimeoutSeconds: TIMEOUT_S } });
  browser = await launchBrowser();
  kiosk = await openTerminalPage(browser, hall.pages.get('kiosk-1')!);
  counter = await openTerminalPage(browser, hall.pages.get('counter-1')!, { width: 1366, height: 768 });
  pad = await openTerminalPage(browser, hall.pages.get('evaluator-1')!, { width: 1280, height: 800 });
  for (const p of [kiosk, counter, pad]) await p.page.waitForFunction((s) => window.__hallq?.terminal.local.state.config.policy.ratingTimeoutSeconds === s, TIMEOUT_S);
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

describe('evaluator', () => {
  it("R9: the evaluator shows the signed-in clerk's card and the number being served", async () => {
    const { page } = pad;
    await page.locator(tid('closed')).waitFor();
    expect(await text(page, 'closed')).toContain('窗口未开放');

    await counter.page.locator(tid('staff-id')).fill('s1');
    await counter.page.locator(tid('pin')).fill(DEMO_PIN);
    await click(counter.page, 'sign-in');
    await page.locator(tid('staff-card')).waitFor();
    const card = await text(page, 'staff-card');
    for (const s of ['王芳', '工号 s1', '综合受理岗', '户籍、出入境业务受理', '热情服务，一次告知，限时办结']) expect(card).toContain(s);
    // No photo configured: the name's first character stands in.
    expect(await text(page, 'staff-avatar')).toBe('王');
    expect(await text(page, 'window-label')).toContain('1 号窗口');

    const n = await kiosk.page.evaluate(() => window.__hallq!.terminal.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' }).then((o) => (o.ok ? o.ticket.number : 'refused')));
    await counter.page.waitForFunction((x) => [...window.__hallq!.terminal.local.state.tickets.values()].some((t) => t.number === x), n);
    await click(counter.page, 'call-next');
    await page.locator(tid('serving-number'), { hasText: n }).waitFor();
    await shots(page, 'evaluator-card');
    await click(counter.page, 'start');
    await page.locator('.serving-head', { hasText: '正在办理' }).waitFor();
    await click(counter.page, 'finish-done');
    await page.locator(tid('rate-5')).waitFor();
    await click(page, 'rate-5');
    await page.locator(tid('thanks')).waitFor();
    expect(pad.errors).toEqual([]);
  });

  it('R8: after the service the citizen gets five levels; a served ticket can be rated once', async () => {
    const { page } = pad;
    const n = await serveOne();
    await page.locator(tid('rate-1')).waitFor({ timeout: 10_000 });
    for (const l of [1, 2, 3, 4, 5]) expect(await page.locator(tid(`rate-${l}`)).isVisible()).toBe(true);
    expect(await text(page, 'rating')).toContain('非常满意');
    expect(await text(page, 'rating-ticket')).toContain(n);
    await shots(page, 'evaluator-rating');

    await click(page, 'rate-4');
    await page.locator(tid('thanks')).waitFor();
    await shots(page, 'evaluator-thanks');
    await expect.poll(() => rating(page, n)).toMatchObject({ level: 4, recorded: 1, source: 'pad' });
    // The clerk's counter hears of it through the server.
    await expect.poll(async () => (await rating(counter.page, n))?.level, { timeout: 10_000 }).toBe(4);

    // Thanks, then back to the clerk's card; the same ticket is never offered again, and a
    // keypad press now rates nothing.
    await page.locator(tid('thanks')).waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator(tid('staff-card')).waitFor();
    await hall.sims!.evaluator.press(hall.sims!.keyFor(1));
    await page.waitForTimeout(400);
    expect(await page.locator(tid('rate-1')).count()).toBe(0);
    expect(await rating(page, n)).toMatchObject({ level: 4, recorded: 1 });
  });

  it('R8: a bad rating needs reasons and opens a rectification item due within 7 days', async () => {
    const { page } = pad;
    const n = await serveOne();
    await page.locator(tid('rate-1')).waitFor({ timeout: 10_000 });
    await click(page, 'rate-1');
    await page.locator(tid('reasons')).waitFor();
    expect(await page.locator(tid('submit-rating')).isDisabled()).toBe(true);
    await click(page, 'reason-attitude');
    await click(page, 'reason-wait');
    await shots(page, 'evaluator-reasons');
    expect(await page.locator(tid('submit-rating')).isEnabled()).toBe(true);
    await click(page, 'submit-rating');
    await page.locator(tid('thanks')).waitFor();
    expect(await text(page, 'thanks')).toContain('7 日内核实整改');

    await expect.poll(() => rating(page, n)).toMatchObject({ level: 1, recorded: 1, source: 'pad', reasons: ['attitude', 'wait'] });
    const r = (await rating(page, n))!;
    const item = await page.evaluate((ticketId) => [...window.__hallq!.terminal.local.state.rectifications.values()].find((i) => i.ticketId === ticketId), r.id);
    expect(item).toMatchObject({ kind: 'bad-rating', level: 1, reasons: ['attitude', 'wait'], windowId: 'w1', staffId: 's1', status: 'open' });
    expect(item!.dueAt! - item!.openedAt).toBe(7 * 24 * 3600 * 1000);
  });

  it('R8: no choice within the timeout records "no rating" and the pad goes back to the clerk\'s card', async () => {
    const { page } = pad;
    const n = await serveOne();
    await page.locator(tid('rate-5')).waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await rating(page, n))?.level, { timeout: (TIMEOUT_S + 5) * 1000, interval: 500 }).toBe(null);
    expect(await rating(page, n)).toMatchObject({ recorded: 1, source: 'timeout' });
    await page.locator(tid('staff-card')).waitFor();
    expect(await page.locator(tid('rate-5')).count()).toBe(0);
  });

  it('the hardware keypad rates the served ticket (source device)', async () => {
    const { page } = pad;
    const n = await serveOne();
    await page.locator(tid('rate-5')).waitFor({ timeout: 10_000 });
    await hall.sims!.evaluator.press(hall.sims!.keyFor(5));
    await page.locator(tid('thanks')).waitFor();
    await expect.poll(() => rating(page, n)).toMatchObject({ level: 5, recorded: 1, source: 'device' });
  });

  it('R10: a paused window shows 暂停服务 with its reason', async () => {
    const { page } = pad;
    await page.locator(tid('thanks')).waitFor({ state: 'detached', timeout: 10_000 });
    await click(counter.page, 'pause');
    await click(counter.page, 'pause-reason-meeting');
    await page.locator(tid('paused')).waitFor();
    const sign = await text(page, 'paused');
    expect(sign).toContain('暂停服务');
    expect(sign).toContain('会议');
    expect(sign).toContain('Service paused');
    await shots(page, 'evaluator-paused');
    await click(counter.page, 'resume');
    await page.locator(tid('staff-card')).waitFor();
    expect(pad.errors).toEqual([]);
  });
});
