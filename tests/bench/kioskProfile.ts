/**
 * Where a kiosk tap's CPU time goes, with history in the kiosk's log: the kiosk bench's taps
 * under the page's CPU profiler (Chrome DevTools Protocol). Prints the functions with the most
 * self time and writes the profile (open it in Chromium's DevTools, Performance panel).
 *
 *   node --import tsx tests/bench/kioskProfile.ts            (PGlite; HISTORY, TAPS, PROFILE_OUT)
 */
import { writeFileSync } from 'node:fs';
import { startWebHall } from '../../scripts/web/webHall';
import { launchBrowser, openTerminalPage } from '../support/browser';
import { freshDb } from '../support/server';
import { kioskHistory } from './kioskHistory';
import { loadHistory, tapSpans } from './kiosk';

const HISTORY = Number(process.env.HISTORY ?? 100_000);
const TAPS = Number(process.env.TAPS ?? 40);
const OUT = process.env.PROFILE_OUT ?? '/tmp/kiosk-tap.cpuprofile';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const store = await freshDb('pglite');
const hall = await startWebHall({ db: store.db });
const browser = await launchBrowser();
try {
  const { page, context } = await openTerminalPage(browser, hall.pages.get('kiosk-1')!, { width: 1080, height: 1920 });
  await page.evaluate('window.__name = (f) => f');
  await page.waitForFunction(() => window.__hallq!.terminal.local.caughtUpAt !== null && window.__hallq!.terminal.local.state.config.services.size > 0, undefined, { timeout: 60_000 });
  if (HISTORY > 0) console.log(await loadHistory(page, kioskHistory(hall.hall, HISTORY, Date.now() - 86_400_000)));
  await tapSpans(page, 5);
  if (process.env.TRACE) {
    // The renderer's main thread, native work included: the longest kinds of task by total time.
    await browser.startTracing(page, { categories: ['devtools.timeline', 'blink', 'v8', 'disabled-by-default-devtools.timeline', 'IndexedDB'] });
    const spans = await tapSpans(page, TAPS);
    const buf = await browser.stopTracing();
    const trace = JSON.parse(buf.toString()) as { traceEvents: Array<{ name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } }> };
    const main = trace.traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
    const total = new Map<string, number>();
    for (const e of trace.traceEvents) {
      if (!main || e.tid !== main.tid || e.pid !== main.pid || e.ph !== 'X' || !e.dur) continue;
      total.set(e.name, (total.get(e.name) ?? 0) + e.dur / 1000);
    }
    const ms = spans.map((x) => x.to - x.from).sort((a, b) => a - b);
    console.log(`${TAPS} taps traced: p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms; main thread, total ms by kind (nested kinds overlap):`);
    for (const [k, v] of [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${v.toFixed(1).padStart(9)}  ${k}`);
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const spans = await tapSpans(page, TAPS);
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
  writeFileSync(OUT, JSON.stringify(profile));
  const ms = spans.map((s) => s.to - s.from).sort((a, b) => a - b);
  console.log(`${TAPS} taps with ${HISTORY} tickets of history: p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms, max ${ms[ms.length - 1]!.toFixed(1)} ms`);
  const self = new Map<string, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [k, v] of top) console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);
  console.log(`profile: ${OUT}`);
  await context.close();
} finally {
  await browser.close();
  await hall.close();
  await store.drop();
}
process.exit(0);
