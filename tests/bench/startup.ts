/**
 * `npm run bench -- startup [--days N] [--per-day N]`, in headless Chromium against the
 * web-mode hall (PostgreSQL when HALLQ_TEST_DATABASE_URL is set, else PGlite):
 *
 *   first_true_frame_ms        page load to the first frame that shows the hall as it is now:
 *                              the screen is up and has caught up with the server (no
 *                              "syncing" notice); the worst of a new kiosk, a restarted kiosk
 *                              and a restarted board, with `history_days` of a busy hall
 *                              (`per_day` tickets a day) on the server
 *   empty_first_true_frame_ms  the same against an empty hall
 *   first_frame_vs_empty_ratio their ratio (aim: <= 1.5)
 *   first_tap_ms               a restarted kiosk's first "take a ticket" tap to its ticket
 *                              stored, vs later_tap_p50_ms (aim: the first as fast as any later)
 *   history_events, seed_ms    what the server holds and how long writing it took
 *   store_events_*             what the restarted kiosk's own database holds (history leaves it)
 *
 * The history is the demo hall's generator (scripts/sim/hallHistory.ts) written a day per
 * multi-row INSERT. Everything started here is stopped before the result is printed.
 */
import type { Page } from 'playwright-core';
import type { Db } from '../../server/db/db';
import { migrate } from '../../server/db/migrations';
import { startWebHall, demoConfigEntries, type WebHall } from '../../scripts/web/webHall';
import { demoLayout } from '../../scripts/web/demoHistory';
import { generateDay, HistoryLog, insertEvents } from '../../scripts/sim/hallHistory';
import { Rng } from '../../scripts/sim/prng';
import { addDays, localDate, weekdayOf, zonedTimeToUtc } from '../../shared/schedule/zone';
import { launchBrowser } from '../support/browser';
import { POSTGRES_URL, freshDb, type TestDb } from '../support/server';
import type { Browser } from 'playwright-core';

function arg(name: string, fallback: number): number {
  const argv = process.argv;
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : Number(process.env[`BENCH_${name.toUpperCase().replace('-', '_')}`] ?? fallback);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

const DAYS = arg('days', 365);
const PER_DAY = arg('per-day', 3000);
const TAPS = 10;
const r1 = (x: number) => Math.round(x * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `days` past days of the demo hall, `perDay` tickets a weekday, one INSERT per day. */
async function seedHistory(db: Db, hall: string, now: number, days: number, perDay: number): Promise<number> {
  const layout = demoLayout(hall);
  const zone = layout.timeZone;
  const first = addDays(localDate(now, zone), -days);
  const rng = new Rng(20261207);
  const log = new HistoryLog(hall);
  const config = await demoConfigEntries();
  const eve = zonedTimeToUtc(addDays(first, -1), 18 * 60, zone);
  config.forEach((c, i) => log.add(eve + i, 'h-admin~1', 'config.changed', c as never));
  let events = 0;
  for (let d = 0; d < days; d++) {
    const day = addDays(first, d);
    const weekend = weekdayOf(day) === 0 || weekdayOf(day) === 6;
    generateDay(log, rng, layout, day, Math.max(1, Math.round(weekend ? perDay / 3 : perDay)));
    const batch = log.drain();
    // A day of a busy hall is ~17,000 events: two statements keep each under a few MB of JSON.
    for (let i = 0; i < batch.length; i += 10_000) await insertEvents(db, batch.slice(i, i + 10_000));
    events += batch.length;
    if (d % 30 === 29) console.log(`  history: ${d + 1}/${days} days, ${events} events`);
  }
  return events;
}

/** Before any script of the page: note the first frame painted ready, and the first caught up. */
const FRAME_PROBE = `(() => {
  const marks = (window.__frames = {});
  let caughtUp = false;
  const poll = () => {
    const ready = document.documentElement.dataset.ready === '1';
    if (ready && marks.ready === undefined) marks.ready = performance.now();
    // The frame after the one where the engine caught up: React has painted that state.
    if (caughtUp) { marks.true = performance.now(); return; }
    const h = window.__hallq;
    if (ready && h && h.terminal.engine.status.syncing === false) caughtUp = true;
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();`;

interface Frames {
  ready: number;
  true: number;
}

async function frames(page: Page): Promise<Frames> {
  await page.waitForFunction(() => (window as unknown as { __frames?: { true?: number } }).__frames?.true !== undefined, undefined, { timeout: 300_000, polling: 50 });
  return page.evaluate(() => (window as unknown as { __frames: Frames }).__frames);
}

/** A kiosk tap: the time from "take a ticket" to the ticket stored, `n` times. */
async function taps(page: Page, n: number): Promise<number[]> {
  await page.evaluate('window.__name = (f) => f');
  return page.evaluate(async (n) => {
    const env = window.__hallq!;
    const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    const touch = (el: HTMLElement | null) => {
      if (!el) return;
      el.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      el.click();
    };
    const until = async (cond: () => unknown, what: string) => {
      const end = performance.now() + 60_000;
      while (!cond()) {
        if (performance.now() > end) throw new Error(`kiosk did not show ${what}: ${document.body.innerText.slice(0, 200)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      touch(q('done'));
      await until(() => q('service-hukou') || q('start'), 'services or attract');
      touch(q('start'));
      await until(() => q('service-hukou'), 'services');
      touch(q('service-hukou'));
      await until(() => q('take-ticket'), 'confirm');
      await until(() => env.terminal.engine.status.pending === 0 && env.terminal.engine.isIdle, 'sync settled');
      const stored = new Promise<number>((resolve) => {
        const off = env.terminal.local.subscribe((c) => {
          if (c.kind === 'authored' && c.events.some((e) => e.type === 'ticket.issued')) {
            off();
            resolve(performance.now());
          }
        });
      });
      const t0 = performance.now();
      touch(q('take-ticket'));
      out.push((await stored) - t0);
      await until(() => q('done'), 'ticket');
    }
    touch(q('done'));
    return out;
  }, n);
}

interface Run {
  newKiosk: Frames;
  kiosk: Frames;
  board: Frames;
  firstTap: number;
  laterTaps: number[];
  storeEvents: number;
  foldEvents: number;
}

/** A new kiosk (start set), the same kiosk restarted, a board restarted; then the kiosk's taps. */
async function measure(browser: Browser, hall: WebHall, label: string): Promise<Run> {
  const open = async (id: string, viewport: { width: number; height: number }) => {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await context.addInitScript(FRAME_PROBE);
    const page = await context.newPage();
    await page.goto(hall.pages.get(id)!);
    return { context, page };
  };
  const kiosk = await open('kiosk-1', { width: 1080, height: 1920 });
  const newKiosk = await frames(kiosk.page);
  // The kiosk works a while before it restarts (the hall's server is warm, as in a running hall).
  await taps(kiosk.page, 2);
  // Let the first sweep finish (history leaves the store), as it would long before a restart.
  await kiosk.page.waitForFunction(() => window.__hallq!.terminal.engine.isIdle, undefined, { timeout: 120_000 });
  await kiosk.page.waitForTimeout(500);
  await kiosk.page.reload();
  const restarted = await frames(kiosk.page);
  const [storeEvents, foldEvents] = await kiosk.page.evaluate(async () => [await window.__hallq!.terminal.db.events.count(), window.__hallq!.terminal.local.fold.size]);
  const [firstTap] = await taps(kiosk.page, 1);
  const laterTaps = await taps(kiosk.page, TAPS);
  const board = await open('display-1', { width: 1920, height: 1080 });
  await frames(board.page);
  await board.page.waitForFunction(() => window.__hallq!.terminal.engine.isIdle, undefined, { timeout: 120_000 });
  await board.page.reload();
  const boardFrames = await frames(board.page);
  await Promise.all([kiosk.context.close(), board.context.close()]);
  console.log(
    `${label}: new kiosk ready ${r1(newKiosk.ready)} ms, true ${r1(newKiosk.true)} ms; restarted kiosk ready ${r1(restarted.ready)} ms, true ${r1(restarted.true)} ms; ` +
      `restarted board true ${r1(boardFrames.true)} ms; kiosk store ${storeEvents} events, fold ${foldEvents}; first tap ${r1(firstTap!)} ms, later p50 ${r1(median(laterTaps))} ms`,
  );
  return { newKiosk, kiosk: restarted, board: boardFrames, firstTap: firstTap!, laterTaps, storeEvents, foldEvents };
}

async function withHall<T>(history: boolean, fn: (hall: WebHall, seeded: { events: number; ms: number }) => Promise<T>): Promise<T> {
  const tdb: TestDb = await freshDb(POSTGRES_URL ? 'postgres' : 'pglite');
  let hall: WebHall | undefined;
  try {
    await migrate(tdb.db);
    const t0 = performance.now();
    const events = history && DAYS > 0 ? await seedHistory(tdb.db, 'demo-hall', Date.now(), DAYS, PER_DAY) : 0;
    const ms = performance.now() - t0;
    if (history) console.log(`history: ${DAYS} days, ${events} events written in ${Math.round(ms)} ms (${Math.round(events / (ms / 1000))} events/s)`);
    hall = await startWebHall({ db: tdb.db });
    return await fn(hall, { events, ms });
  } finally {
    await hall?.close();
    await tdb.drop();
  }
}

export async function benchStartup(): Promise<Record<string, number | string>> {
  console.log(`startup: ${DAYS} days of ${PER_DAY} tickets a weekday on ${POSTGRES_URL ? 'PostgreSQL' : 'PGlite'}`);
  const browser = await launchBrowser();
  try {
    const empty = await withHall(false, (hall) => measure(browser, hall, 'empty hall'));
    const { run, seeded } = await withHall(true, async (hall, seeded) => ({ run: await measure(browser, hall, `${DAYS} days`), seeded }));
    const worst = (r: Run) => Math.max(r.newKiosk.true, r.kiosk.true, r.board.true);
    const full = worst(run);
    const base = worst(empty);
    return {
      history_days: DAYS,
      per_day: PER_DAY,
      history_events: seeded.events,
      seed_ms: Math.round(seeded.ms),
      db: POSTGRES_URL ? 'postgres' : 'pglite',
      first_true_frame_ms: r1(full),
      empty_first_true_frame_ms: r1(base),
      first_frame_vs_empty_ratio: Math.round((full / base) * 100) / 100,
      new_kiosk_true_frame_ms: r1(run.newKiosk.true),
      restarted_kiosk_true_frame_ms: r1(run.kiosk.true),
      restarted_board_true_frame_ms: r1(run.board.true),
      first_tap_ms: r1(run.firstTap),
      later_tap_p50_ms: r1(median(run.laterTaps)),
      first_tap_vs_later_ratio: Math.round((run.firstTap / median(run.laterTaps)) * 100) / 100,
      empty_first_tap_ms: r1(empty.firstTap),
      store_events_after_restart: run.storeEvents,
      fold_events_after_restart: run.foldEvents,
    };
  } finally {
    await browser.close();
  }
}
