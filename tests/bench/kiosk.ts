/**
 * `npm run bench -- kiosk`, in headless Chromium against the web-mode hall:
 *   tap_to_ticket_p99_ms      the "take a ticket" tap to the ticket stored (strict IndexedDB
 *                             commit, number from the server) and ready to print
 *   tap_vs_raw_put_ratio      that p99 over a plain strict IndexedDB put's p99, same page
 *   tap_vs_raw_issue_*_ratio  the tap over what any online kiosk must do at least: the server's
 *                             number round trip, then a plain strict put
 *   tap_to_ticket_p99_ms_100k the same with 100,000 tickets of history (300,000 events) in the
 *                             server's log and the kiosk's store, both restarted with it
 *                             (BENCH_HISTORY_MODE=fold: folded into the running kiosk instead)
 *   call_to_board_p99_ms      the clerk's call in one page to the board's repaint in another,
 *                             through the server
 *   catchup_10k_ms            a terminal back from a day offline applying 10,000 events
 *   catchup_vs_raw_ratio      over fetching the same pages and bulk-putting them, same page
 */
import os from 'node:os';
import type { Page } from 'playwright-core';
import type { Db } from '../../server/db/db';
import { insertEvents } from '../../server/store/events';
import { startWebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage, type OpenedPage } from '../support/browser';
import { POSTGRES_URL, freshDb } from '../support/server';
import { kioskHistory } from './kioskHistory';
import { callBreakdown, partsSummary, prefixed, printCallParts, printTapParts, tapBreakdown, type CallBreakdown } from './kioskParts';
import { clock, takeParts, timeTerminalParts, timedDb, timedLive } from './kioskTiming';

const TAPS = Number(process.env.BENCH_TAPS ?? 200);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 100_000);
const CALLS = Number(process.env.BENCH_CALLS ?? 100);
const HISTORY_MODE = process.env.BENCH_HISTORY_MODE === 'fold' ? 'fold' : 'store';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const r1 = (x: number) => Math.round(x * 10) / 10;
const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** A bare INSERT and its COMMIT, `n` times: what every durable answer of the server costs at least. */
async function rawCommits(db: Db, n: number): Promise<number[]> {
  await db.query('CREATE TABLE IF NOT EXISTS bench_raw_commit (id BIGSERIAL PRIMARY KEY, body JSONB NOT NULL)');
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = clock();
    await db.tx((q) => q.query('INSERT INTO bench_raw_commit (body) VALUES ($1)', [JSON.stringify({ i })]));
    out.push(clock() - t0);
  }
  return out;
}

/** tsx (esbuild keepNames) wraps named functions in the evaluated code with `__name`. */
async function page(o: Promise<OpenedPage>): Promise<OpenedPage> {
  const p = await o;
  await p.page.evaluate('window.__name = (f) => f');
  return p;
}

async function waitFor(page: Page, fn: () => boolean, timeout = 60_000) {
  // A function, not a string: the screens' CSP forbids eval.
  await page.waitForFunction(fn, undefined, { timeout, polling: 20 });
}

/** Taps "take a ticket" on the kiosk screen `n` times; each tap's start and durable ticket (page clock). */
export async function tapSpans(page: Page, n: number): Promise<Array<{ from: number; to: number }>> {
  return page.evaluate(async (n) => {
    const env = window.__hallq!;
    const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    // A finger: pointerdown first (the kiosk's idle timer counts touches), then the click.
    const touch = (el: HTMLElement | null) => {
      if (!el) return;
      el.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
      el.click();
    };
    const until = async (cond: () => unknown, what: string, ms = 60_000) => {
      const end = performance.now() + ms;
      while (!cond()) {
        if (performance.now() > end) throw new Error(`kiosk did not show ${what} (tap ${i}); screen: ${document.body.innerText.slice(0, 300)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const now = () => performance.timeOrigin + performance.now();
    const times: Array<{ from: number; to: number }> = [];
    let i = 0;
    for (; i < n; i++) {
      const done = q('done');
      touch(done);
      await until(() => q('service-hukou') || q('start'), 'services or attract');
      touch(q('start'));
      await until(() => q('service-hukou'), 'services');
      touch(q('service-hukou'));
      await until(() => q('take-ticket'), 'confirm');
      // Citizens come seconds apart, not milliseconds: the previous ticket has been pushed and
      // printed before the next tap (back to back, the tap would race its predecessor's sync).
      await env.terminal.engine.idle();
      await until(() => env.terminal.engine.status.pending === 0 && env.terminal.engine.isIdle, 'sync settled');
      await new Promise((r) => setTimeout(r, 20));
      const stored = new Promise<number>((resolve) => {
        const off = env.terminal.local.subscribe((c) => {
          if (c.kind === 'authored' && c.events.some((e) => e.type === 'ticket.issued')) {
            off();
            resolve(now());
          }
        });
      });
      const t0 = now();
      touch(q('take-ticket'));
      times.push({ from: t0, to: await stored });
      await until(() => q('done'), 'ticket');
    }
    touch(q('done'));
    return times;
  }, n);
}

/** History as a terminal receives it from a server: stored, folded. Says what it loaded. */
export async function loadHistory(page: Page, history: readonly object[]): Promise<string> {
  await page.evaluate(() => ((window as unknown as { __hist: unknown[] }).__hist = []));
  for (let i = 0; i < history.length; i += 20_000) {
    await page.evaluate((chunk) => (window as unknown as { __hist: unknown[] }).__hist.push(...chunk), history.slice(i, i + 20_000));
  }
  const loadMs = await page.evaluate(async () => {
    const t0 = performance.now();
    await window.__hallq!.terminal.local.receive((window as unknown as { __hist: never[] }).__hist);
    (window as unknown as { __hist: unknown }).__hist = null;
    return performance.now() - t0;
  });
  const tickets = await page.evaluate(() => window.__hallq!.terminal.local.state.tickets.size);
  return `history: ${history.length} events, ${tickets} tickets in the kiosk's fold (loaded in ${Math.round(loadMs)} ms)`;
}

/** History stored in the kiosk's database as received from a server, not folded (until a restart). */
async function storeHistory(page: Page, history: readonly object[]): Promise<string> {
  const t0 = performance.now();
  for (let i = 0; i < history.length; i += 20_000) {
    await page.evaluate(async (chunk) => void (await window.__hallq!.terminal.db.storeReceived(chunk as never)), history.slice(i, i + 20_000));
  }
  return `history: ${history.length} events in the server's log and the kiosk's store (${Math.round(performance.now() - t0)} ms)`;
}

/**
 * The raw operations beneath a tap: a strict-durability put into a plain IndexedDB store, and
 * the same put after the server's number round trip (what any online kiosk must do at least).
 */
async function rawIssues(page: Page, n: number): Promise<{ put: number[]; issue: number[] }> {
  return page.evaluate(async (n) => {
    const env = window.__hallq!;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('bench-raw', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('rows', { keyPath: 'id' });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const put = (id: string) =>
      new Promise<void>((resolve, reject) => {
        const tx = db.transaction('rows', 'readwrite', { durability: 'strict' });
        tx.objectStore('rows').put({ id, at: Date.now(), payload: { ticketId: id, serviceId: 'hukou', number: 'A001' } });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    const times = { put: [] as number[], issue: [] as number[] };
    for (let i = 0; i < n; i++) {
      let t0 = performance.now();
      await put(`p${i}`);
      times.put.push(performance.now() - t0);
      t0 = performance.now();
      await env.terminal.engine.ask((up) => env.terminal.engine.transport.number(up, 'pension'));
      await put(`i${i}`);
      times.issue.push(performance.now() - t0);
    }
    db.close();
    return times;
  }, n);
}

export async function benchKiosk(): Promise<Record<string, number | string>> {
  // A hall's server runs on PostgreSQL: use it when there is one (CI), else the embedded PGlite.
  const kind = POSTGRES_URL && process.env.KIOSK_DB !== 'pglite' ? 'postgres' : 'pglite';
  const store = await freshDb(kind);
  console.log(`server database: ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite (set HALLQ_TEST_DATABASE_URL for PostgreSQL)'}; load ${loadavg()}`);
  const loadBefore = os.loadavg()[0]!;
  // The raw operation beneath every durable answer: one INSERT and its COMMIT, same database.
  const rawCommit = await rawCommits(store.db, 200);
  console.log(`raw INSERT + COMMIT on the server database: p50 ${r1(pct(rawCommit, 50))} ms p99 ${r1(pct(rawCommit, 99))} ms`);
  const timed = timedDb(store.db);
  const hall = await startWebHall({ db: timed.db });
  const live = timedLive(hall.server.ctx.live);
  const browser = await launchBrowser();
  try {
    const kiosk = await page(openTerminalPage(browser, hall.pages.get('kiosk-1')!, { width: 1080, height: 1920 }));
    await waitFor(kiosk.page, () => window.__hallq!.terminal.local.caughtUpAt !== null && window.__hallq!.terminal.local.state.config.services.size > 0);
    await timeTerminalParts(kiosk.page);

    await tapSpans(kiosk.page, 10); // warm-up
    await takeParts(kiosk.page);
    const tapS = await tapSpans(kiosk.page, TAPS);
    const tapB = tapBreakdown(tapS, await takeParts(kiosk.page), timed.spans);
    const tap = tapB.map((b) => b.total);
    const raw = await rawIssues(kiosk.page, TAPS);
    console.log(
      `tap p50 ${r1(pct(tap, 50))} ms p99 ${r1(pct(tap, 99))} ms; raw put p99 ${r1(pct(raw.put, 99))} ms; raw number round trip + put p50 ${r1(pct(raw.issue, 50))} ms p99 ${r1(pct(raw.issue, 99))} ms`,
    );
    printTapParts('tap', tapB);

    // 100,000 tickets of history (300,000 events of other terminals). Where a hall keeps it since
    // issue 17 (BENCH_HISTORY_MODE=store, the default): in the server's log, and in the kiosk's
    // store as an upgraded kiosk has it until its first sweep; both restarted with it. The old
    // way (=fold): received into the running kiosk's fold, as a terminal that replayed its log had it.
    const history = kioskHistory(hall.hall, HISTORY, Date.now() - 86_400_000);
    if (HISTORY_MODE === 'fold') console.log(await loadHistory(kiosk.page, history));
    else {
      for (let i = 0; i < history.length; i += 5_000) await store.db.tx((q) => insertEvents(q, history.slice(i, i + 5_000)));
      hall.server.ctx.cache.forget(hall.hall); // the server restarted on a log with a year in it
      console.log(await storeHistory(kiosk.page, history));
      await kiosk.page.reload();
      await kiosk.page.evaluate('window.__name = (f) => f');
      await waitFor(kiosk.page, () => {
        const t = window.__hallq?.terminal;
        return t !== undefined && t.local.caughtUpAt !== null && t.local.state.config.services.size > 0;
      });
      await timeTerminalParts(kiosk.page);
      const held = await kiosk.page.evaluate(async () => ({ tickets: window.__hallq!.terminal.local.state.tickets.size, stored: await window.__hallq!.terminal.db.events.count() }));
      console.log(`restarted: ${held.tickets} tickets in the kiosk's fold, ${held.stored} events in its store (the sweep removes the rest of the history as the taps go on)`);
    }
    const first = performance.now();
    const [firstTap] = await tapSpans(kiosk.page, 1);
    const firstTapMs = firstTap!.to - firstTap!.from;
    console.log(`first tap with the history: ${r1(firstTapMs)} ms (the screen was ready to tap after ${Math.round(performance.now() - first - firstTapMs)} ms of the first sync)`);
    await tapSpans(kiosk.page, 10);
    await takeParts(kiosk.page);
    const tapS100k = await tapSpans(kiosk.page, TAPS);
    const tapB100k = tapBreakdown(tapS100k, await takeParts(kiosk.page), timed.spans);
    const tap100k = tapB100k.map((b) => b.total);
    console.log(`tap with 100k history p50 ${r1(pct(tap100k, 50))} ms p99 ${r1(pct(tap100k, 99))} ms`);
    printTapParts('tap with 100k history', tapB100k);
    await kiosk.context.close();

    // Call to board: a second kiosk issues (social insurance), counter-2 calls, display-1 repaints.
    const issuer = await page(openTerminalPage(browser, hall.pages.get('kiosk-2')!));
    const counter = await page(openTerminalPage(browser, hall.pages.get('counter-2')!));
    const board = await page(openTerminalPage(browser, hall.pages.get('display-1')!, { width: 1920, height: 1080 }));
    await board.page.evaluate(() => {
      const w = window as unknown as { __seen: Record<string, number>; __got: Record<string, number> };
      w.__seen = {};
      w.__got = {};
      new MutationObserver(() => {
        const n = document.querySelector('[data-testid="latest-call"]')?.getAttribute('data-number');
        if (n && w.__seen[n] === undefined) w.__seen[n] = performance.timeOrigin + performance.now();
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      window.__hallq!.terminal.local.subscribe((c) => {
        if (c.kind !== 'received') return;
        for (const e of c.events) if (e.type === 'ticket.called') w.__got[(e.payload as { ticketId: string }).ticketId] = performance.timeOrigin + performance.now();
      });
    });
    await counter.page.evaluate(() => window.__hallq!.terminal.local.author('staff.signedIn', { windowId: 'w2', staffId: 's2' }));
    await timeTerminalParts(counter.page);
    await timeTerminalParts(board.page);
    const calls: number[] = [];
    // Where the time goes: the claim and the durable call on the counter; the push, the live
    // notice and the pull to the board; the board's repaint.
    const stages = { claimAndWrite: [] as number[], toBoard: [] as number[], paint: [] as number[] };
    const callB: CallBreakdown[] = [];
    for (let i = 0; i < CALLS; i++) {
      const issued = await issuer.page.evaluate(async () => {
        const r = await window.__hallq!.terminal.coordinator.issueTicket({ serviceId: 'social', channel: 'kiosk' });
        if (!r.ok) throw new Error(r.message.en);
        return { number: r.ticket.number, id: r.ticket.id };
      });
      const number = issued.number;
      const at = await counter.page.evaluate(async (number) => {
        const env = window.__hallq!;
        const end = Date.now() + 10_000;
        while (![...env.terminal.local.state.tickets.values()].some((t) => t.number === number)) {
          if (Date.now() > end) throw new Error(`counter never saw ${number}`);
          await new Promise((r) => setTimeout(r, 5));
        }
        let authored = 0;
        const off = env.terminal.local.subscribe((c) => {
          if (c.kind === 'authored' && c.events.some((e) => e.type === 'ticket.called')) authored = performance.timeOrigin + performance.now();
        });
        const t0 = performance.timeOrigin + performance.now();
        const r = await env.terminal.coordinator.callNext('w2');
        off();
        if (!r.ok || r.number !== number) throw new Error(`called ${r.ok ? r.number : r.code}, expected ${number}`);
        return { t0, authored };
      }, number);
      await board.page.waitForFunction((n) => (window as unknown as { __seen: Record<string, number> }).__seen[n] !== undefined, number, { timeout: 10_000, polling: 10 });
      const board_ = await board.page.evaluate(
        ({ n, id }) => {
          const w = window as unknown as { __seen: Record<string, number>; __got: Record<string, number> };
          return { seen: w.__seen[n]!, got: w.__got[id] ?? w.__seen[n]! };
        },
        { n: number, id: issued.id },
      );
      calls.push(board_.seen - at.t0);
      stages.claimAndWrite.push(at.authored - at.t0);
      stages.toBoard.push(board_.got - at.authored);
      stages.paint.push(board_.seen - board_.got);
      callB.push(callBreakdown({ t0: at.t0, authored: at.authored, got: board_.got, seen: board_.seen }, await takeParts(counter.page), await takeParts(board.page), timed.spans, live.sends));
    }
    console.log(
      `call stages p50: claim and durable call ${r1(pct(stages.claimAndWrite, 50))} ms, push to board's fold ${r1(pct(stages.toBoard, 50))} ms, repaint ${r1(pct(stages.paint, 50))} ms`,
    );
    console.log(`call to board p50 ${r1(pct(calls, 50))} ms p99 ${r1(pct(calls, 99))} ms over ${CALLS} calls`);
    printCallParts(callB);

    // Catch-up: a board offline while the hall writes 10,000 events, then back (alone: the
    // other pages would be catching up with the same events on the same two cores).
    await Promise.all([issuer.context.close(), counter.context.close(), board.context.close()]);
    const late = await page(openTerminalPage(browser, await hall.enroll({ id: 'display-late', role: 'display' }), { width: 1920, height: 1080 }));
    await waitFor(late.page, () => window.__hallq!.terminal.local.caughtUpAt !== null);
    const from = await late.page.evaluate(() => window.__hallq!.terminal.engine.ask(async (up) => ({ up, seq: await window.__hallq!.terminal.db.checkpoint(up) })));
    await late.context.setOffline(true);
    await waitFor(late.page, () => window.__hallq!.terminal.engine.status.state === 'offline', 60_000);
    const before = await late.page.evaluate(() => window.__hallq!.terminal.local.state.applied);
    const items: Array<{ type: string; payload: object }> = [{ type: 'staff.signedIn', payload: { windowId: 'w5', staffId: 's5' } }];
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    for (let i = 1; items.length < 10_000; i++) {
      const ticketId = `bench-${i}`;
      items.push({ type: 'ticket.issued', payload: { ticketId, serviceId: 'housing', number: `HZ${String(i).padStart(4, '0')}`, numberSource: 'server', day, channel: 'kiosk' } });
      items.push({ type: 'ticket.called', payload: { ticketId, windowId: 'w5' } });
      items.push({ type: 'ticket.started', payload: { ticketId, windowId: 'w5' } });
      items.push({ type: 'ticket.finished', payload: { ticketId, windowId: 'w5', outcome: 'done' } });
    }
    for (let i = 0; i < items.length; i += 1000) await hall.server.ctx.author.write(hall.hall, items.slice(i, i + 1000) as never);
    await late.context.setOffline(false);
    const catchup = await late.page.evaluate(async (target) => {
      const env = window.__hallq!;
      const t0 = performance.now();
      while (env.terminal.local.state.applied < target) {
        await env.terminal.engine.syncNow();
        await new Promise((r) => setTimeout(r, 1));
      }
      return performance.now() - t0;
    }, before + 10_000);
    console.log(`catch-up of 10,000 events: ${Math.round(catchup)} ms`);
    // Beneath it: the same pages fetched one after another and stored with one bulk put each.
    const rawCatchup = await late.page.evaluate(async ({ up, seq }) => {
      const env = window.__hallq!;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('bench-raw-pull', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('rows', { keyPath: ['e.origin', 'e.seq'] });
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const t0 = performance.now();
      for (let after = seq; ; ) {
        const page = await env.terminal.engine.transport.pull(up, after, 1000);
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('rows', 'readwrite', { durability: 'strict' });
          for (const row of page.events) tx.objectStore('rows').put(row);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
        if (!page.more || page.last <= after) break;
        after = page.last;
      }
      db.close();
      return performance.now() - t0;
    }, from);
    console.log(`raw: the same pages fetched and bulk-put: ${Math.round(rawCatchup)} ms`);
    const tapP = partsSummary(tapB);
    const tapP100k = partsSummary(tapB100k);
    const callP = partsSummary(callB);
    const loadAfter = os.loadavg()[0]!;
    return {
      server_db: kind,
      tap_to_ticket_p50_ms_100k: r1(pct(tap100k, 50)),
      first_tap_ms_100k: r1(firstTapMs),
      history_mode: HISTORY_MODE,
      ...prefixed('tap_p50_', tapP.p50),
      ...prefixed('tap_tail_', tapP.tail),
      ...prefixed('tap_100k_p50_', tapP100k.p50),
      ...prefixed('tap_100k_tail_', tapP100k.tail),
      ...prefixed('call_p50_', callP.p50),
      ...prefixed('call_tail_', callP.tail),
      raw_commit_p50_ms: r1(pct(rawCommit, 50)),
      raw_commit_p99_ms: r1(pct(rawCommit, 99)),
      tap_server_db_vs_raw_commit_p50_ratio: r1(tapP.p50.server_db_ms! / Math.max(0.1, pct(rawCommit, 50))),
      call_vs_raw_commit_p50_ratio: r1(pct(calls, 50) / Math.max(0.1, pct(rawCommit, 50))),
      load1_before: r1(loadBefore),
      load1_after: r1(loadAfter),
      tap_to_ticket_p99_ms: r1(pct(tap, 99)),
      tap_to_ticket_p50_ms: r1(pct(tap, 50)),
      raw_put_p99_ms: r1(pct(raw.put, 99)),
      tap_vs_raw_put_ratio: r1(pct(tap, 99) / pct(raw.put, 99)),
      raw_issue_p99_ms: r1(pct(raw.issue, 99)),
      tap_vs_raw_issue_p50_ratio: r1(pct(tap, 50) / pct(raw.issue, 50)),
      tap_vs_raw_issue_p99_ratio: r1(pct(tap, 99) / pct(raw.issue, 99)),
      tap_to_ticket_p99_ms_100k: r1(pct(tap100k, 99)),
      call_to_board_p99_ms: r1(pct(calls, 99)),
      call_to_board_p50_ms: r1(pct(calls, 50)),
      catchup_10k_ms: Math.round(catchup),
      raw_pull_10k_ms: Math.round(rawCatchup),
      catchup_vs_raw_ratio: r1(catchup / rawCatchup),
    };
  } finally {
    await browser.close();
    await hall.close();
    await store.drop();
  }
}
