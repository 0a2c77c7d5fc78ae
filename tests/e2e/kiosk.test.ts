/**
 * The ticket kiosk as a citizen uses it, on the built page against a real hall server with
 * simulated devices (card reader, printer, scanner on pseudo-terminals), at 1080x1920 portrait.
 * Screenshots of every screen in both languages go to tests/screenshots/kiosk-*.png.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openTerminalPage, screenshot, type OpenedPage } from '../support/browser';
import { startWebHall, DEMO_HALL_KEY, type WebHall } from '../../scripts/web/webHall';
import { DEMO_POLICY } from '../../scripts/web/demoHall';
import { SAMPLE_CARDS, type SimCard } from '../../electron/devices/sim/cardReaderSim';
import { toCardRead } from '../../shared/identity/card';

let hall: WebHall;
let browser: Browser;
let opened: OpenedPage;
let page: Page;

const PORTRAIT = { width: 1080, height: 1920 };

beforeAll(async () => {
  hall = await startWebHall({ devices: true });
  browser = await launchBrowser();
  opened = await openTerminalPage(browser, hall.pages.get('kiosk-1')!, PORTRAIT);
  page = opened.page;
  await page.waitForFunction(() => (window.__hallq?.terminal.local.state.config.services.size ?? 0) >= 9);
  await page.waitForSelector('[data-testid="attract"]');
});
afterEach(async () => {
  // Each test starts where a citizen does: no card on the reader, the attract screen.
  await removeCard();
  hall.sims!.printer.state.paper = 'ok';
  await home().catch(() => {});
});
afterAll(async () => {
  await browser?.close();
  await hall?.close();
});

interface TicketRow {
  id: string;
  number: string;
  status: string;
  serviceId: string;
  channel: string;
  priority: string;
  priorityReason?: string;
  medium: string;
  token?: string;
  appointmentId?: string;
  person?: { idMasked: string; nameMasked: string };
}

/** The tickets as the kiosk's own fold holds them. */
function tickets(): Promise<TicketRow[]> {
  return page.evaluate(() =>
    [...window.__hallq!.terminal.local.state.tickets.values()].map((t) => ({
      id: t.id,
      number: t.number,
      status: t.status,
      serviceId: t.serviceId,
      channel: t.channel,
      priority: t.priority,
      medium: t.medium,
      ...(t.priorityReason ? { priorityReason: t.priorityReason } : {}),
      ...(t.token ? { token: t.token } : {}),
      ...(t.appointmentId ? { appointmentId: t.appointmentId } : {}),
      ...(t.person ? { person: { idMasked: t.person.idMasked, nameMasked: t.person.nameMasked } } : {}),
    })),
  );
}

async function ticketByNumber(n: string): Promise<TicketRow> {
  const t = (await tickets()).find((x) => x.number === n);
  if (!t) throw new Error(`no ticket ${n} in the kiosk's state`);
  return t;
}

const tid = (id: string) => page.getByTestId(id);

async function setLang(lang: 'zh' | 'en'): Promise<void> {
  if ((await page.getAttribute('.kiosk', 'data-lang')) !== lang) await tid('lang-toggle').click();
  await page.waitForSelector(`.kiosk[data-lang="${lang}"]`);
}

async function setElderly(on: boolean): Promise<void> {
  if ((await page.getAttribute('.kiosk', 'data-elderly')) !== (on ? '1' : '0')) await tid('elderly-toggle').click();
  await page.waitForSelector(`.kiosk[data-elderly="${on ? '1' : '0'}"]`);
}

/** Screenshots in both languages, leaving the page in Chinese. */
async function shots(name: string): Promise<void> {
  await setLang('zh');
  await screenshot(page, `${name}-zh`);
  await setLang('en');
  await screenshot(page, `${name}-en`);
  await setLang('zh');
}

/** Back to the attract screen, as the next citizen finds it. */
async function home(): Promise<void> {
  await page.waitForFunction(() => document.querySelector('.kiosk')?.getAttribute('data-screen') !== 'printing', null, { timeout: 20_000 });
  if (await tid('refusal-ok').isVisible()) await tid('refusal-ok').click();
  if (await tid('guide-close').isVisible()) await tid('guide-close').click();
  const screen = await page.getAttribute('.kiosk', 'data-screen');
  if (screen === 'ticket' || screen === 'eticket') await tid('done').click();
  else if (screen !== 'attract') await tid('home').click();
  await page.waitForSelector('.kiosk[data-screen="attract"]');
  await setLang('zh');
  await setElderly(false);
}

let cardOnReader = false;

async function swipe(card: SimCard): Promise<void> {
  placeCard(card);
  await tid('card-strip').first().waitFor();
}

function placeCard(card: SimCard): void {
  hall.sims!.card.placeCard(card);
  cardOnReader = true;
}

/** Take the card away and wait until the reader has noticed (it polls): the next card is new. */
async function removeCard(): Promise<void> {
  if (!cardOnReader) return;
  const removed = new Promise<void>((resolve) => {
    const timer = setTimeout(done, 3_000);
    const stop = hall.deviceManager!.subscribe((e) => {
      if (e.type === 'card-removed') done();
    });
    function done() {
      clearTimeout(timer);
      stop();
      resolve();
    }
  });
  hall.sims!.card.removeCard();
  cardOnReader = false;
  await removed;
}

async function takeAtConfirm(): Promise<string> {
  await tid('take-ticket').click();
  await page.waitForSelector('.kiosk[data-screen="ticket"], .kiosk[data-screen="eticket"]', { timeout: 20_000 });
  return (await tid('ticket-number').textContent())!.trim();
}

/** A slot around now, inside today's Shanghai day (the demo hall is open all day). */
function slotAroundNow(): { slotFrom: number; slotTo: number } {
  const now = Date.now();
  const DAY = 86_400_000;
  const dayStart = Math.floor((now + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000;
  const slotFrom = Math.max(dayStart, now - 5 * 60_000);
  return { slotFrom, slotTo: Math.min(dayStart + DAY - 60_000, slotFrom + 30 * 60_000) };
}

async function book(body: Record<string, unknown>): Promise<{ id: string; code: string }> {
  const res = (await hall.admin('POST', '/api/appointments', body)) as { appointment: { appointmentId?: string; id?: string; code: string } };
  const a = res.appointment;
  const id = a.appointmentId ?? a.id!;
  await page.waitForFunction((x) => window.__hallq!.terminal.local.state.appointments.has(x), id);
  return { id, code: a.code };
}

describe('kiosk', () => {
  it('R20: the attract screen shows the hall, the time and the supervision hotline, in zh and en, normal and 大字版', async () => {
    const text = await page.textContent('.kiosk');
    expect(text).toContain('朝阳区政务服务中心');
    expect(text).toContain('12345');
    expect(await tid('hotline').textContent()).toContain('12345 政务服务便民热线');
    await shots('kiosk-attract');
    await setElderly(true);
    await shots('kiosk-elderly');
    await tid('start').click();
    await tid('service-hukou').waitFor();
    await shots('kiosk-elderly-services');
    // Fewer services per page in 大字版.
    expect(await page.locator('.tile').count()).toBeLessThanOrEqual(4);
    await setElderly(false);
    expect(await page.locator('.tile').count()).toBeGreaterThan(4);
    await home();
  });

  it('tapping a service shows the wait, then prints the ticket and stores it', async () => {
    await tid('start').click();
    await tid('service-hukou').waitFor();
    // Every tile is a big target.
    const box = await tid('service-hukou').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(60);
    await shots('kiosk-services');
    await tid('service-hukou').click();
    await tid('confirm').waitFor();
    expect(await tid('ahead').textContent()).toMatch(/^\d+$/);
    expect(await page.textContent('[data-testid="confirm"]')).toContain('号窗口');
    await shots('kiosk-confirm');
    const number = await takeAtConfirm();
    expect(number).toMatch(/^A\d{3}$/);
    await expect.poll(() => hall.sims!.printer.text, { timeout: 10_000 }).toContain(number);
    const t = await ticketByNumber(number);
    expect(t).toMatchObject({ serviceId: 'hukou', channel: 'kiosk', status: 'waiting', medium: 'paper', priority: 'normal' });
    // The QR leads to the progress page by the ticket's token.
    expect(t.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(await page.getAttribute('[data-testid="ticket"] .qr', 'data-qr')).toBe(`${hall.url}/p/${t.token}`);
    await shots('kiosk-ticket');
    await home();
  });

  it('R15: each service has its guide (materials, time limit, fee, place, QR link), from the tile and the confirm step', async () => {
    await tid('start').click();
    await tid('guide-estate').click();
    const guide = tid('guide');
    await guide.waitFor();
    const text = (await guide.textContent())!;
    for (const s of ['不动产权证书', '5 个工作日', '80 元', '二楼 3号窗口']) expect(text).toContain(s);
    expect(await guide.locator('.qr').getAttribute('data-qr')).toBe('https://zwfw.example.gov.cn/guide/estate');
    await shots('kiosk-guide');
    await tid('guide-close').click();
    await tid('service-hukou').click();
    await tid('confirm-guide').click();
    expect(await tid('guide').getAttribute('data-service')).toBe('hukou');
    await tid('guide-close').click();
    await home();
  });

  it('search finds a service by pinyin initials, typed on the on-screen letters', async () => {
    await tid('start').click();
    await tid('search').click();
    for (const k of ['B', 'D', 'C']) await tid(`key-${k}`).click();
    await expect.poll(() => page.locator('.tile').count()).toBe(1);
    await tid('service-estate').waitFor();
    await screenshot(page, 'kiosk-search-zh');
    await tid('search').fill('pension');
    await tid('service-pension').waitFor();
    await tid('search').fill('户籍');
    await tid('service-hukou').waitFor();
    await home();
  });

  it('R12: an ID card takes a real-name ticket for 不动产登记; a second one the same day is refused with the per-person limit', async () => {
    await tid('start').click();
    await tid('service-estate').click();
    // A real-name service asks for the card; the swipe takes the ticket.
    await tid('card-needed').waitFor();
    await shots('kiosk-confirm-card');
    placeCard(SAMPLE_CARDS.resident);
    await page.waitForSelector('.kiosk[data-screen="ticket"], .kiosk[data-screen="eticket"]', { timeout: 20_000 });
    const number = (await tid('ticket-number').textContent())!.trim();
    expect(number).toMatch(/^C\d{3}$/);
    const t = await ticketByNumber(number);
    expect(t).toMatchObject({ serviceId: 'estate', channel: 'idcard', status: 'waiting' });
    expect(t.person!.nameMasked).toContain('*');
    expect(t.person!.idMasked).toMatch(/^\d{3}\*+\d{3}[\dX]$/);
    // R21: no full name or number on the screen.
    const screenText = (await page.textContent('.kiosk'))!;
    expect(screenText).not.toContain(SAMPLE_CARDS.resident.idNumber);
    expect(screenText).not.toContain(t.person!.idMasked);
    expect(screenText).not.toContain('王小明');
    await expect.poll(() => hall.sims!.printer.text, { timeout: 10_000 }).toContain(number);
    await removeCard();
    await home();

    // The same person again: swipe first, then the tile says no at once.
    await swipe(SAMPLE_CARDS.resident);
    // R21: the kiosk shows the card was read by the masked name only.
    expect(await tid('card-strip').textContent()).toContain(t.person!.nameMasked);
    expect(await page.textContent('.kiosk')).not.toContain(t.person!.idMasked);
    await tid('service-estate').click();
    const refusal = tid('refusal');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('person-limit');
    expect(await refusal.textContent()).toContain('最多取 1 个号');
    const ok = await tid('refusal-ok').boundingBox();
    expect(ok!.height).toBeGreaterThanOrEqual(60);
    await shots('kiosk-refused');
    await tid('refusal-ok').click();
    expect((await tickets()).filter((x) => x.serviceId === 'estate')).toHaveLength(1);
    await removeCard();
    await home();
  });

  it("R7: a senior's ID card (born 1950) gets elderly priority without asking", async () => {
    await swipe(SAMPLE_CARDS.residentLongTerm);
    await tid('service-hukou').click();
    await tid('priority-note').waitFor();
    expect(await tid('priority-note').textContent()).toContain('老年人');
    // Nothing to declare: the card already says so.
    expect(await page.locator('[data-testid^="declare-"]').count()).toBe(0);
    await screenshot(page, 'kiosk-confirm-elderly-zh');
    const number = await takeAtConfirm();
    const t = await ticketByNumber(number);
    expect(t).toMatchObject({ channel: 'idcard', priority: 'special', priorityReason: 'elderly' });
    await expect.poll(() => hall.sims!.printer.text, { timeout: 10_000 }).toContain(number);
    expect(hall.sims!.printer.text).toContain('老年人');
    await removeCard();
    await home();
  });

  it('R7: a citizen may declare a special group at the kiosk (small, optional)', async () => {
    await tid('start').click();
    await tid('service-social').click();
    await tid('declare-veteran').click();
    await tid('priority-note').waitFor();
    const number = await takeAtConfirm();
    expect(await ticketByNumber(number)).toMatchObject({ channel: 'kiosk', priority: 'special', priorityReason: 'veteran' });
    await home();
  });

  it('R5/R6: 出入境 is appointment-only: a walk-in is told so; the booking checks in by QR scan', async () => {
    await tid('start').click();
    expect(await tid('service-entry').getAttribute('data-status')).toBe('appointment-only');
    expect(await page.locator('.tile', { has: tid('service-entry') }).textContent()).toContain('仅限预约');
    await tid('service-entry').click();
    const refusal = tid('refusal');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('appointment-only');
    expect(await refusal.textContent()).toContain('预约');
    await setLang('en');
    expect(await refusal.textContent()).toMatch(/appointment/i);
    await screenshot(page, 'kiosk-refused-appointment-en');
    await setLang('zh');
    await screenshot(page, 'kiosk-refused-appointment-zh');
    await tid('refusal-ok').click();
    expect((await tickets()).filter((x) => x.serviceId === 'entry')).toHaveLength(0);
    await home();

    const booking = await book({ serviceId: 'entry', ...slotAroundNow() });
    await hall.sims!.scanner.scan(booking.code);
    await page.waitForSelector('.kiosk[data-screen="ticket"], .kiosk[data-screen="eticket"]', { timeout: 20_000 });
    const number = (await tid('ticket-number').textContent())!.trim();
    const t = await ticketByNumber(number);
    expect(t).toMatchObject({ serviceId: 'entry', appointmentId: booking.id, channel: 'appointment', priority: 'appointment' });
    await home();

    // The same code again: already checked in, no second ticket.
    await hall.sims!.scanner.scan(booking.code);
    await tid('refusal').waitFor();
    expect(await tid('refusal').getAttribute('data-code')).toBe('appointment-used');
    await tid('refusal-ok').click();
    expect((await tickets()).filter((x) => x.appointmentId === booking.id)).toHaveLength(1);
  });

  it('R6: an ID card with a booking today is offered check-in', async () => {
    const read = toCardRead({ idNumber: SAMPLE_CARDS.hmt.idNumber, name: SAMPLE_CARDS.hmt.name!, cardType: 'hmt-permit' }, DEMO_HALL_KEY);
    if ('error' in read) throw new Error(read.error.message.en);
    const booking = await book({ serviceId: 'entry', ...slotAroundNow(), person: { idHash: read.idHash, idMasked: read.idMasked, nameMasked: read.nameMasked } });
    await swipe(SAMPLE_CARDS.hmt);
    await tid('checkin').waitFor();
    await shots('kiosk-checkin');
    await tid(`checkin-${booking.id}`).click();
    await page.waitForSelector('.kiosk[data-screen="ticket"], .kiosk[data-screen="eticket"]', { timeout: 20_000 });
    const t = await ticketByNumber((await tid('ticket-number').textContent())!.trim());
    expect(t).toMatchObject({ appointmentId: booking.id, priority: 'appointment', person: { idMasked: read.idMasked, nameMasked: read.nameMasked } });
    await removeCard();
    await home();
  });

  it('a keyboard-wedge scanner typing a booking code checks it in, and its keys stay out of the search field', async () => {
    const booking = await book({ serviceId: 'hukou', ...slotAroundNow() });
    await tid('start').click();
    await tid('search').click();
    // A scanner types a burst a few ms apart and ends with Enter: an unknown code is refused,
    // and none of its characters end up in the focused search field.
    await page.keyboard.type('ZZZZ9999');
    await page.keyboard.press('Enter');
    await tid('refusal').waitFor();
    expect(await tid('refusal').getAttribute('data-code')).toBe('appointment-unknown');
    await tid('refusal-ok').click();
    expect(await tid('search').inputValue()).toBe('');
    // A person typing slowly still searches.
    await tid('search').focus();
    await page.keyboard.type('bdc', { delay: 80 });
    await expect.poll(() => tid('search').inputValue()).toBe('bdc');
    await tid('search').fill('');
    await tid('search').focus();
    await page.keyboard.type(booking.code);
    await page.keyboard.press('Enter');
    await page.waitForSelector('.kiosk[data-screen="ticket"], .kiosk[data-screen="eticket"]', { timeout: 20_000 });
    const t = await ticketByNumber((await tid('ticket-number').textContent())!.trim());
    expect(t).toMatchObject({ appointmentId: booking.id, priority: 'appointment' });
  });

  it('a printer out of paper voids the ticket and shows an e-ticket QR instead', async () => {
    hall.sims!.printer.state.paper = 'out';
    try {
      await tid('start').click();
      await tid('service-housing').click();
      const before = (await tickets()).length;
      await tid('take-ticket').click();
      await tid('eticket').waitFor({ timeout: 20_000 });
      const number = (await tid('ticket-number').textContent())!.trim();
      const all = await tickets();
      expect(all.length).toBe(before + 2);
      const voided = all.filter((x) => x.serviceId === 'housing' && x.status === 'voided');
      expect(voided).toHaveLength(1);
      const eticket = await ticketByNumber(number);
      expect(eticket).toMatchObject({ medium: 'e-ticket', status: 'waiting', serviceId: 'housing' });
      expect(voided[0]!.number).not.toBe(number);
      // The QR shown big is the e-ticket's progress page.
      const qr = tid('eticket').locator('.qr');
      expect(await qr.getAttribute('data-qr')).toBe(`${hall.url}/p/${eticket.token}`);
      expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(300);
      expect(await tid('eticket-screen').textContent()).toContain('拍照');
      // The printer answered DLE EOT with "out of paper": the citizen reads it in plain words.
      expect(await page.locator('.print-error').textContent()).toContain('取号机的打印纸用完了');
      await shots('kiosk-eticket');
    } finally {
      hall.sims!.printer.state.paper = 'ok';
    }
    await home();
  });

  it('offline: the kiosk issues from its own series and the ticket says it was issued offline', async () => {
    // The hall server stops answering this page (the device host is elsewhere, so printing works).
    await page.route(`${hall.url}/api/**`, (r) => r.abort('connectionrefused'));
    try {
      await tid('start').click();
      await tid('service-tax').click();
      const number = await takeAtConfirm();
      expect(number).toMatch(/^GK\d{2,}$/);
      await tid('offline-ticket').waitFor();
      await expect.poll(() => hall.sims!.printer.text, { timeout: 10_000 }).toContain(number);
      await screenshot(page, 'kiosk-ticket-offline-zh');
    } finally {
      await page.unroute(`${hall.url}/api/**`);
      // The refused connections were this test's doing.
      for (let i = opened.errors.length - 1; i >= 0; i--) if (opened.errors[i]!.includes('ERR_CONNECTION_REFUSED')) opened.errors.splice(i, 1);
    }
    await home();
  });

  it('usable at 1280x800 landscape too', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await screenshot(page, 'kiosk-landscape-attract-zh');
      await tid('start').click();
      await tid('service-hukou').waitFor();
      await screenshot(page, 'kiosk-landscape-services-zh');
      await tid('service-hukou').click();
      await tid('take-ticket').waitFor();
      const take = (await tid('take-ticket').boundingBox())!;
      expect(take.y + take.height).toBeLessThanOrEqual(800);
      await screenshot(page, 'kiosk-landscape-confirm-zh');
      // The e-ticket's QR and number fit without scrolling.
      hall.sims!.printer.state.paper = 'out';
      await tid('take-ticket').click();
      await tid('eticket').waitFor({ timeout: 20_000 });
      const qr = (await tid('eticket').locator('.qr').boundingBox())!;
      expect(qr.y + qr.height).toBeLessThanOrEqual(800);
      await screenshot(page, 'kiosk-landscape-eticket-zh');
    } finally {
      await page.setViewportSize(PORTRAIT);
    }
    await home();
  });

  it('after the idle time the kiosk goes back to the attract screen, in Chinese and normal mode', async () => {
    await hall.admin('PUT', '/api/admin/config', { kind: 'policy', id: 'hall', value: { ...DEMO_POLICY, kioskIdleSeconds: 10 } });
    await page.waitForFunction(() => window.__hallq!.terminal.local.state.config.policy.kioskIdleSeconds === 10);
    await setLang('en');
    await setElderly(true);
    await tid('start').click();
    await tid('service-hukou').click();
    await tid('confirm').waitFor();
    await page.waitForSelector('.kiosk[data-screen="attract"][data-lang="zh"][data-elderly="0"]', { timeout: 20_000 });
    expect(opened.errors).toEqual([]);
  });
});
