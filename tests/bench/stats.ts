/**
 * `npm run bench -- stats`: reports over a big hall's quarter. 1,000,000 tickets over 90 days
 * (11,111 a day at 200 windows) with their events: issued, called, started, finished or
 * skipped, some transferred, cancelled or left waiting, most rated.
 * - load: the events written 10,000 per statement, as one JSON array each (the generator's
 *   output, already what ingest would store; the first day is checked against parseEvent).
 * - facts: rebuildFacts refolds the log into ticket_facts two days at a time (the per-push
 *   projector is for live traffic; at this scale the rebuild is the same code in bulk).
 * - month report (groupBy service) and day report, vs a plain count over the month's facts.
 * - push: one event through ingest, with its projection, in this hall (cache warm).
 * Runs on PostgreSQL when HALLQ_TEST_DATABASE_URL is set, else on PGlite with 100,000 tickets
 * (STATS_TICKETS overrides either).
 */
import { formatHlc } from '../../shared/clock/hlc';
import { parseEvent } from '../../shared/events/envelope';
import { addDays, zonedTimeToUtc } from '../../shared/schedule/zone';
import type { Db } from '../../server/db/db';
import { migrate } from '../../server/db/migrations';
import { ingest } from '../../server/store/events';
import { HallCache } from '../../server/store/halls';
import { runReport } from '../../server/store/reports';
import { attachFactsProjector, factsSettled } from '../../server/store/reportsProjection';
import { rebuildFacts } from '../../server/store/reportsRebuild';
import { generateDay, HistoryLog, insertEvents, type HistoryLayout } from '../../scripts/sim/hallHistory';
import { Rng } from '../../scripts/sim/prng';
import { DB_KINDS, freshDb } from '../support/server';

const KIND = DB_KINDS.includes('postgres') ? 'postgres' : 'pglite';
const TICKETS = Number(process.env.STATS_TICKETS ?? (KIND === 'postgres' ? 1_000_000 : 100_000));
const DAYS = Number(process.env.STATS_DAYS ?? 90);
const FIRST_DAY = '2026-07-01';
const MONTH = { from: '2026-08-01', to: '2026-08-31' };
const ONE_DAY = '2026-08-14';
const HALL = 'hall-bench';
const ZONE = 'Asia/Shanghai';
const WINDOWS = 200;
const SERVICES = 20;
const BATCH = 10_000;

const serviceId = (i: number) => `svc${String(i + 1).padStart(2, '0')}`;
const windowId = (i: number) => `w${i + 1}`;

/** 20 services, 200 windows taking all of them, two shifts, eight kiosks. */
const LAYOUT: HistoryLayout = {
  hall: HALL,
  timeZone: ZONE,
  services: Array.from({ length: SERVICES }, (_, i) => ({ id: serviceId(i), prefix: String.fromCharCode(65 + i) })),
  windows: Array.from({ length: WINDOWS }, (_, w) => ({
    id: windowId(w),
    services: Array.from({ length: SERVICES }, (_, i) => serviceId(i)),
    staff: [`s${w + 1}a`, `s${w + 1}b`] as const,
    counter: `counter-${w + 1}~1`,
    evaluator: `eval-${w + 1}~1`,
  })),
  kiosks: Array.from({ length: 8 }, (_, k) => `kiosk-${k + 1}~1`),
  numberDigits: 4,
};

function configEvents(log: HistoryLog, at: number): void {
  const admin = 'admin-1~1';
  for (let i = 0; i < SERVICES; i++) {
    const id = serviceId(i);
    log.add(at, admin, 'config.changed', { kind: 'service', id, value: { id, prefix: String.fromCharCode(65 + i), name: { zh: `事项${i + 1}`, en: `Service ${i + 1}` } } });
  }
  const all = Array.from({ length: SERVICES }, (_, i) => ({ serviceId: serviceId(i) }));
  for (let w = 0; w < WINDOWS; w++) {
    log.add(at, admin, 'config.changed', { kind: 'window', id: windowId(w), value: { id: windowId(w), label: String(w + 1), services: all } });
    for (const shift of ['a', 'b']) log.add(at, admin, 'config.changed', { kind: 'staff', id: `s${w + 1}${shift}`, value: { id: `s${w + 1}${shift}`, name: `员工${w + 1}${shift}` } });
  }
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, performance.now() - t];
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await time(fn))[1]);
  ms.sort((a, b) => a - b);
  return ms[ms.length >> 1]!;
}

const round = (x: number) => Math.round(x * 10) / 10;

async function load(db: Db): Promise<{ events: number; ms: number }> {
  const rng = new Rng(20261123);
  const log = new HistoryLog(HALL);
  configEvents(log, zonedTimeToUtc(addDays(FIRST_DAY, -1), 8 * 60, ZONE));
  let events = 0;
  const t0 = performance.now();
  let pending: Promise<unknown> = Promise.resolve();
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(FIRST_DAY, d);
    // Spread the remainder so the total is exactly TICKETS.
    const tickets = Math.floor((TICKETS * (d + 1)) / DAYS) - Math.floor((TICKETS * d) / DAYS);
    generateDay(log, rng, LAYOUT, day, tickets);
    const batch = log.drain();
    if (d === 0) {
      // What ingest would have admitted: the generated events must parse as the real ones do.
      for (const e of batch) if (!parseEvent(e).ok) throw new Error(`bench event does not parse: ${JSON.stringify(e)}`);
    }
    events += batch.length;
    // Generate the next day while this one is written.
    await pending;
    pending = (async () => {
      for (let i = 0; i < batch.length; i += BATCH) await insertEvents(db, batch.slice(i, i + BATCH));
    })();
    if ((d + 1) % 10 === 0) console.log(`  loaded ${d + 1}/${DAYS} days, ${events} events, ${Math.round((performance.now() - t0) / 1000)} s`);
  }
  await pending;
  return { events, ms: performance.now() - t0 };
}

export async function benchStats(): Promise<Record<string, number | string>> {
  if (KIND === 'pglite') console.log(`stats: no HALLQ_TEST_DATABASE_URL, running on PGlite with ${TICKETS} tickets`);
  const tdb = await freshDb(KIND);
  const db = tdb.db;
  try {
    await migrate(db);
    const loaded = await load(db);
    console.log(`  ${loaded.events} events in ${Math.round(loaded.ms / 1000)} s; refolding into ticket_facts ...`);
    const [facts, factsMs] = await time(() => rebuildFacts(db, HALL));
    if (facts.tickets !== TICKETS) throw new Error(`rebuilt ${facts.tickets} tickets, expected ${TICKETS}`);
    // What autovacuum does for a table this size in production; the planner needs statistics.
    const [, analyzeMs] = await time(() => db.query('VACUUM ANALYZE ticket_facts'));
    console.log(`  facts: ${facts.tickets} tickets over ${facts.days} days in ${Math.round(factsMs / 1000)} s`);

    const month = () => runReport(db, { hall: HALL, ...MONTH, groupBy: 'service', timeZone: ZONE });
    const day = () => runReport(db, { hall: HALL, from: ONE_DAY, to: ONE_DAY, groupBy: 'service', timeZone: ZONE });
    const raw = () => db.query('SELECT count(*) FROM ticket_facts WHERE hall = $1 AND day BETWEEN $2 AND $3', [HALL, MONTH.from, MONTH.to]);
    // One pass over the same rows, reading the times (the count alone can stay in the index).
    const rawScan = () =>
      db.query('SELECT count(first_called_at - issued_at), count(finished_at - started_at) FROM ticket_facts WHERE hall = $1 AND day BETWEEN $2 AND $3', [HALL, MONTH.from, MONTH.to]);
    const [first, monthFirstMs] = await time(month);
    const monthMs = await median(5, month);
    const dayMs = await median(5, day);
    const rawMs = await median(5, raw);
    const rawScanMs = await median(5, rawScan);
    const staffMs = await median(3, () => runReport(db, { hall: HALL, ...MONTH, groupBy: 'staff', timeZone: ZONE }));

    // One push at the end of the last day, projected through the hall's warm cache.
    const cache = new HallCache();
    const detach = attachFactsProjector(db, cache);
    const lastDay = addDays(FIRST_DAY, DAYS - 1);
    const now = zonedTimeToUtc(lastDay, 17 * 60 + 45, ZONE);
    const [, cacheMs] = await time(() => cache.get(db, HALL, now));
    const who = { hall: HALL, terminalId: 'kiosk-99', role: 'kiosk' as const, epoch: 1 };
    let seq = 0;
    const pushMs = await median(21, async () => {
      seq += 1;
      const e = {
        v: 1,
        origin: 'kiosk-99~1',
        seq,
        hlc: formatHlc({ wall: now - 60_000 + seq, count: 0 }),
        hall: HALL,
        type: 'ticket.issued',
        payload: { ticketId: `kiosk-99~1:${seq}`, serviceId: serviceId(0), number: `A9${String(seq).padStart(3, '0')}`, numberSource: 'server', day: lastDay, channel: 'kiosk' },
      };
      await ingest(db, who, [e], now);
      await factsSettled(db, HALL);
    });
    await detach();

    return {
      db: KIND,
      tickets: TICKETS,
      events: loaded.events,
      days: DAYS,
      month_tickets: first.totals.issued,
      load_ms: Math.round(loaded.ms),
      load_events_per_s: Math.round((loaded.events / loaded.ms) * 1000),
      facts_rebuild_ms: Math.round(factsMs),
      facts_tickets_per_s: Math.round((facts.tickets / factsMs) * 1000),
      vacuum_analyze_ms: Math.round(analyzeMs),
      month_report_first_ms: round(monthFirstMs),
      month_report_ms: round(monthMs),
      month_report_by_staff_ms: round(staffMs),
      day_report_ms: round(dayMs),
      raw_month_count_ms: round(rawMs),
      month_vs_raw_ratio: round(monthMs / rawMs),
      raw_month_scan_ms: round(rawScanMs),
      month_vs_raw_scan_ratio: round(monthMs / rawScanMs),
      cache_load_ms: round(cacheMs),
      push_with_projection_ms: round(pushMs),
    };
  } finally {
    await tdb.drop();
  }
}
