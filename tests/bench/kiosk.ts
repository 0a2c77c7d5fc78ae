/**
 * `npm run bench -- kiosk`, in headless Chromium against the web-mode hall:
 *   tap_to_ticket_p99_ms      the "take a ticket" tap to the ticket stored (strict IndexedDB
 *                             commit, number from the server) and ready to print
 *   tap_vs_raw_put_ratio      that p99 over a plain strict IndexedDB put's p99, same page
 *   tap_to_ticket_p99_ms_100k the same with 100,000 tickets of history in the kiosk's log
 *   call_to_board_p99_ms      the clerk's call in one page to the board's repaint in another,
 *                             through the server
 *   catchup_10k_ms            a terminal back from a day offline applying 10,000 events
 */
import type { Page } from 'playwright-core';
import { startWebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage } from '../support/browser';
import { kioskHistory } from './kioskHistory';

const TAPS = Number(process.env.BENCH_TAPS ?? 200);
const CALLS = Number(process.env.BENCH_CALLS ?? 100);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

async function waitFor(page: Page, fn: string, timeout = 60_000) {
  await page.waitForFunction(fn, undefined, { timeout, polling: 20 });
}

/** Taps "take a ticket" on the kiosk screen `n` times; the time to each durable ticket. */
async function taps(page: Page, n: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const env = window.__hallq!;
    const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    const until = async (cond: () => unknown, ms = 10_000) => {
      const end = performance.now() + ms;
      while (!cond()) {
        if (performance.now() > end) throw new Error('kiosk did not reach the expected screen');
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const done = q('done');
      if (done) done.click();
      await until(() => q('service-hukou') || q('start'));
      q('start')?.click();
      await until(() => q('service-hukou'));
      q('service-hukou')!.click();
      await until(() => q('take-ticket'));
      const stored = new Promise<number>((resolve) => {
        const off = env.terminal.local.subscribe((c) => {
          if (c.kind === 'authored' && c.events.some((e) => e.type === 'ticket.issued')) {
            off();
            resolve(performance.now());
          }
        });
      });
      const t0 = performance.now();
      q('take-ticket')!.click();
      times.push((await stored) - t0);
      await until(() => q('done'));
    }
    q('done')?.click();
    return times;
  }, n);
}

/** Strict-durability puts into a plain IndexedDB store, one transaction each. */
async function rawPuts(page: Page, n: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('bench-raw', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('rows', { keyPath: 'id' });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('rows', 'readwrite', { durability: 'strict' });
        tx.objectStore('rows').put({ id: `r${i}`, at: Date.now(), payload: { ticketId: `k:${i}`, serviceId: 'hukou', number: 'A001' } });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      times.push(performance.now() - t0);
    }
    db.close();
    return times;
  }, n);
}

export async function benchKiosk(): Promise<Record<string, number>> {
  const hall = await startWebHall();
  const browser = await launchBrowser();
  try {
    const kiosk = await openTerminalPage(browser, hall.pages.get('kiosk-1')!, { width: 1080, height: 1920 });
    await waitFor(kiosk.page, 'window.__hallq.terminal.local.caughtUpAt !== null && window.__hallq.terminal.local.state.config.services.size > 0');

    await taps(kiosk.page, 10); // warm-up
    const tap = await taps(kiosk.page, TAPS);
    const raw = await rawPuts(kiosk.page, TAPS);
    console.log(`tap p50 ${r1(pct(tap, 50))} ms p99 ${r1(pct(tap, 99))} ms; raw put p50 ${r1(pct(raw, 50))} ms p99 ${r1(pct(raw, 99))} ms`);

    // 100,000 tickets of history (300,000 events of other terminals) into the kiosk's log.
    const history = kioskHistory(hall.hall, 100_000, Date.now() - 86_400_000);
    await kiosk.page.evaluate(() => ((window as unknown as { __hist: unknown[] }).__hist = []));
    for (let i = 0; i < history.length; i += 20_000) {
      await kiosk.page.evaluate((chunk) => (window as unknown as { __hist: unknown[] }).__hist.push(...chunk), history.slice(i, i + 20_000));
    }
    const loadMs = await kiosk.page.evaluate(async () => {
      const t0 = performance.now();
      await window.__hallq!.terminal.local.receive((window as unknown as { __hist: never[] }).__hist);
      (window as unknown as { __hist: unknown }).__hist = null;
      return performance.now() - t0;
    });
    const tickets = await kiosk.page.evaluate(() => window.__hallq!.terminal.local.state.tickets.size);
    console.log(`history: ${history.length} events, ${tickets} tickets in the kiosk's fold (loaded in ${Math.round(loadMs)} ms)`);
    await taps(kiosk.page, 10);
    const tap100k = await taps(kiosk.page, TAPS);
    console.log(`tap with 100k history p50 ${r1(pct(tap100k, 50))} ms p99 ${r1(pct(tap100k, 99))} ms`);
    await kiosk.context.close();

    // Call to board: a second kiosk issues, counter-1 calls, display-1 repaints.
    const issuer = await openTerminalPage(browser, hall.pages.get('kiosk-2')!);
    const counter = await openTerminalPage(browser, hall.pages.get('counter-1')!);
    const board = await openTerminalPage(browser, hall.pages.get('display-1')!, { width: 1920, height: 1080 });
    await board.page.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { __seen: Record<string, number> }).__seen = seen;
      new MutationObserver(() => {
        const n = document.querySelector('[data-testid="latest-call"]')?.getAttribute('data-number');
        if (n && seen[n] === undefined) seen[n] = Date.now();
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await counter.page.evaluate(() => window.__hallq!.terminal.local.author('staff.signedIn', { windowId: 'w1', staffId: 's1' }));
    const calls: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const number = await issuer.page.evaluate(async () => {
        const r = await window.__hallq!.terminal.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
        if (!r.ok) throw new Error(r.message.en);
        return r.ticket.number;
      });
      const t0 = await counter.page.evaluate(async (number) => {
        const env = window.__hallq!;
        const end = Date.now() + 10_000;
        while (![...env.terminal.local.state.tickets.values()].some((t) => t.number === number)) {
          if (Date.now() > end) throw new Error(`counter never saw ${number}`);
          await new Promise((r) => setTimeout(r, 5));
        }
        const t0 = Date.now();
        const r = await env.terminal.coordinator.callNext('w1');
        if (!r.ok || r.number !== number) throw new Error(`called ${r.ok ? r.number : r.code}, expected ${number}`);
        return t0;
      }, number);
      await board.page.waitForFunction((n) => (window as unknown as { __seen: Record<string, number> }).__seen[n] !== undefined, number, { timeout: 10_000, polling: 10 });
      const seenAt = await board.page.evaluate((n) => (window as unknown as { __seen: Record<string, number> }).__seen[n]!, number);
      calls.push(seenAt - t0);
    }
    console.log(`call to board p50 ${r1(pct(calls, 50))} ms p99 ${r1(pct(calls, 99))} ms over ${CALLS} calls`);

    // Catch-up: a board offline while the hall writes 10,000 events, then back.
    const late = await openTerminalPage(browser, await hall.enroll({ id: 'display-late', role: 'display' }), { width: 1920, height: 1080 });
    await waitFor(late.page, 'window.__hallq.terminal.local.caughtUpAt !== null');
    await late.context.setOffline(true);
    await waitFor(late.page, "window.__hallq.terminal.engine.status.state === 'offline'", 60_000);
    const before = await late.page.evaluate(() => window.__hallq!.terminal.local.state.applied);
    const items: Array<{ type: string; payload: object }> = [];
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    for (let i = 1; items.length < 10_000; i++) {
      const ticketId = `bench-${i}`;
      items.push({ type: 'ticket.issued', payload: { ticketId, serviceId: 'social', number: `BZ${String(i).padStart(4, '0')}`, numberSource: 'server', day, channel: 'kiosk' } });
      items.push({ type: 'ticket.called', payload: { ticketId, windowId: 'w2' } });
      items.push({ type: 'ticket.started', payload: { ticketId, windowId: 'w2' } });
      items.push({ type: 'ticket.finished', payload: { ticketId, windowId: 'w2', outcome: 'done' } });
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

    return {
      tap_to_ticket_p99_ms: r1(pct(tap, 99)),
      tap_to_ticket_p50_ms: r1(pct(tap, 50)),
      raw_put_p99_ms: r1(pct(raw, 99)),
      tap_vs_raw_put_ratio: r1(pct(tap, 99) / pct(raw, 99)),
      tap_to_ticket_p99_ms_100k: r1(pct(tap100k, 99)),
      call_to_board_p99_ms: r1(pct(calls, 99)),
      call_to_board_p50_ms: r1(pct(calls, 50)),
      catchup_10k_ms: Math.round(catchup),
    };
  } finally {
    await browser.close();
    await hall.close();
  }
}
