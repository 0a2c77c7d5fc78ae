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
import { parseEvent, type HallEvent } from '../../shared/events/envelope';
import type { EventType, PayloadInput } from '../../shared/events/payloads';
import { addDays, zonedTimeToUtc } from '../../shared/schedule/zone';
import type { Db } from '../../server/db/db';
import { migrate } from '../../server/db/migrations';
import { ingest } from '../../server/store/events';
import { HallCache } from '../../server/store/halls';
import { runReport } from '../../server/store/reports';
import { attachFactsProjector, factsSettled } from '../../server/store/reportsProjection';
import { rebuildFacts } from '../../server/store/reportsRebuild';
import { Rng } from '../sim/prng';
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
const MINUTE = 60_000;

const CHANNEL_WEIGHTS: Array<['kiosk' | 'idcard' | 'appointment' | 'assisted', number]> = [
  ['kiosk', 0.6],
  ['idcard', 0.25],
  ['appointment', 0.1],
  ['assisted', 0.05],
];

/** Writes events in the order they happen, with a dense seq per origin. */
class Log {
  private readonly seqs = new Map<string, number>();
  events: Array<{ at: number; origin: string; type: EventType; payload: object }> = [];

  add<T extends EventType>(at: number, origin: string, type: T, payload: PayloadInput<T> & object): void {
    this.events.push({ at, origin, type, payload });
  }

  /** Sorted by time, each origin's seqs in that order: what terminals would have pushed. */
  drain(): HallEvent[] {
    const sorted = this.events.sort((a, b) => a.at - b.at);
    this.events = [];
    return sorted.map((x) => {
      const seq = (this.seqs.get(x.origin) ?? 0) + 1;
      this.seqs.set(x.origin, seq);
      return { v: 1, origin: x.origin, seq, hlc: formatHlc({ wall: x.at, count: 0 }), hall: HALL, type: x.type, payload: x.payload } as HallEvent;
    });
  }
}

const serviceId = (i: number) => `svc${String(i + 1).padStart(2, '0')}`;
const windowId = (i: number) => `w${i + 1}`;
const counter = (w: number) => `counter-${w + 1}~1`;
const evaluator = (w: number) => `eval-${w + 1}~1`;

function configEvents(log: Log, at: number): void {
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

/** Service popularity falls off like 1/rank (a few high-frequency services, R16). */
function zipf(rng: Rng): number {
  const weights = Array.from({ length: SERVICES }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let x = rng.next() * total;
  for (let i = 0; i < SERVICES; i++) if ((x -= weights[i]!) < 0) return i;
  return SERVICES - 1;
}

/** Issue time: a morning and an afternoon peak inside 08:30-17:00. */
function issueMinute(rng: Rng): number {
  const peak = rng.chance(0.6) ? 9.5 * 60 : 14.5 * 60;
  const spread = (rng.next() + rng.next() + rng.next() - 1.5) * 120;
  return Math.min(17 * 60, Math.max(8.5 * 60, peak + spread));
}

/** One day's events: tickets issued, then served window by window in arrival order. */
function dayEvents(log: Log, rng: Rng, day: string, tickets: number): void {
  const base = zonedTimeToUtc(day, 0, ZONE);
  for (let w = 0; w < WINDOWS; w++) {
    log.add(base + 8 * 60 * MINUTE, counter(w), 'staff.signedIn', { windowId: windowId(w), staffId: `s${w + 1}a` });
    log.add(base + 12.5 * 60 * MINUTE, counter(w), 'staff.signedIn', { windowId: windowId(w), staffId: `s${w + 1}b` });
  }
  const arrivals = Array.from({ length: tickets }, () => base + Math.round(issueMinute(rng) * MINUTE) + rng.int(0, 59_999)).sort((a, b) => a - b);
  const freeAt = new Array<number>(WINDOWS).fill(base + 8.5 * 60 * MINUTE);
  const closing = base + 17.5 * 60 * MINUTE;
  const numbers = new Map<number, number>();
  // The window free first takes the next citizen (a little walking time after the call).
  const serveAt = (ready: number) => {
    let w = 0;
    for (let i = 1; i < WINDOWS; i++) if (freeAt[i]! < freeAt[w]!) w = i;
    return { w, call: Math.max(ready + 30_000, freeAt[w]!) };
  };
  for (const issuedAt of arrivals) {
    const kiosk = `kiosk-${rng.int(1, 8)}~1`;
    let svc = zipf(rng);
    const n = (numbers.get(svc) ?? 0) + 1;
    numbers.set(svc, n);
    const roll = rng.next();
    let acc = 0;
    const channel = CHANNEL_WEIGHTS.find(([, p]) => (acc += p) > roll)?.[0] ?? 'kiosk';
    const priority = channel === 'appointment' ? 'appointment' : channel === 'assisted' && rng.chance(0.2) ? 'green' : rng.chance(0.08) ? 'special' : 'normal';
    const origin = channel === 'assisted' ? counter(rng.int(0, WINDOWS - 1)) : kiosk;
    const ticketId = `${day}-${String.fromCharCode(65 + svc)}${n}`;
    log.add(issuedAt, origin, 'ticket.issued', {
      ticketId,
      serviceId: serviceId(svc),
      number: `${String.fromCharCode(65 + svc)}${String(n).padStart(4, '0')}`,
      numberSource: 'server',
      day,
      channel,
      priority,
      medium: 'paper',
      ...(priority === 'special' ? { priorityReason: 'elderly' as const } : {}),
    });
    if (rng.chance(0.01)) {
      log.add(issuedAt + rng.int(5, 30) * MINUTE, counter(rng.int(0, WINDOWS - 1)), 'ticket.cancelled', { ticketId, reason: '群众离开' });
      continue;
    }
    let ready = issuedAt;
    for (let segment = 0; segment < 2; segment++) {
      const { w, call } = serveAt(ready);
      // Citizens still waiting at closing time stay unfinished.
      if (call > closing) break;
      const windowIdW = windowId(w);
      log.add(call, counter(w), 'ticket.called', { ticketId, windowId: windowIdW, manual: false, claim: 'server' });
      if (rng.chance(0.04)) {
        freeAt[w] = call + 2 * MINUTE;
        log.add(freeAt[w]!, counter(w), 'ticket.skipped', { ticketId, windowId: windowIdW });
        break;
      }
      const start = call + rng.int(30, 90) * 1000;
      log.add(start, counter(w), 'ticket.started', { ticketId, windowId: windowIdW });
      if (segment === 0 && rng.chance(0.02)) {
        freeAt[w] = start + 3 * MINUTE;
        svc = (svc + 1) % SERVICES;
        log.add(freeAt[w]!, counter(w), 'ticket.transferred', { ticketId, windowId: windowIdW, toServiceId: serviceId(svc) });
        ready = freeAt[w]!;
        continue;
      }
      const finish = start + Math.round((2 + rng.next() * 6 + rng.next() * 4) * MINUTE);
      freeAt[w] = finish;
      const o = rng.next();
      const outcome = o < 0.9 ? 'done' : o < 0.93 ? 'not-done' : 'needs-material';
      log.add(finish, counter(w), 'ticket.finished', { ticketId, windowId: windowIdW, outcome });
      if (rng.chance(0.7)) {
        const l = rng.next();
        const level = l < 0.6 ? 5 : l < 0.85 ? 4 : l < 0.93 ? 3 : l < 0.97 ? 2 : 1;
        log.add(finish + 20_000, evaluator(w), 'evaluation.recorded', { ticketId, windowId: windowIdW, level, reasons: level <= 2 ? ['slow'] : [], source: 'pad' });
      }
      break;
    }
  }
}

/** Bulk insert: the batch goes as one JSON text, parsed once by the database. */
async function insertJson(db: Db, events: readonly HallEvent[]): Promise<void> {
  await db.query(
    `INSERT INTO events (hall, origin, seq, hlc, type, body)
     SELECT e->>'hall', e->>'origin', (e->>'seq')::int, e->>'hlc', e->>'type', e FROM jsonb_array_elements($1::jsonb) AS e`,
    [JSON.stringify(events)],
  );
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
  const log = new Log();
  configEvents(log, zonedTimeToUtc(addDays(FIRST_DAY, -1), 8 * 60, ZONE));
  let events = 0;
  const t0 = performance.now();
  let pending: Promise<unknown> = Promise.resolve();
  for (let d = 0; d < DAYS; d++) {
    const day = addDays(FIRST_DAY, d);
    // Spread the remainder so the total is exactly TICKETS.
    const tickets = Math.floor((TICKETS * (d + 1)) / DAYS) - Math.floor((TICKETS * d) / DAYS);
    dayEvents(log, rng, day, tickets);
    const batch = log.drain();
    if (d === 0) {
      // What ingest would have admitted: the generated events must parse as the real ones do.
      for (const e of batch) if (!parseEvent(e).ok) throw new Error(`bench event does not parse: ${JSON.stringify(e)}`);
    }
    events += batch.length;
    // Generate the next day while this one is written.
    await pending;
    pending = (async () => {
      for (let i = 0; i < batch.length; i += BATCH) await insertJson(db, batch.slice(i, i + BATCH));
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
