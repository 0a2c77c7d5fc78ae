/**
 * The demo hall's past: a few weeks of days before today (hall time), written into the log as
 * retired terminals (`h-…` origins, so they never meet a live terminal's seqs) would have
 * pushed them, with the hall's configuration as it stood before the first day. Reports, bad
 * ratings to rectify and the not-done ledger then have something to show in web mode, and the
 * end-to-end tests know the figures to expect.
 */
import type { Db } from '../../server/db/db';
import { rebuildFacts } from '../../server/store/reportsRebuild';
import { parseEvent } from '../../shared/events/envelope';
import { addDays, localDate, weekdayOf, zonedTimeToUtc } from '../../shared/schedule/zone';
import { generateDay, HistoryLog, insertEvents, type DayTally, type HistoryLayout } from '../sim/hallHistory';
import { Rng } from '../sim/prng';
import { DEMO_SCHEDULE, DEMO_WINDOWS } from './demoHall';

export interface HistoryOptions {
  /** Days before today. */
  days: number;
  /** Tickets on a weekday (weekends get a third); default 60. */
  perDay?: number;
  seed?: number;
}

export interface HistoryItem {
  /** The rectification item's id (the rating event's id, or notdone:<ticket>). */
  itemId: string;
  ticketId: string;
  number: string;
  day: string;
}

export interface DemoHistory {
  days: DayTally[];
  badRatings: HistoryItem[];
  notDone: HistoryItem[];
  events: number;
}

/** Most asked first (R16), and who sits where: window 5 in the morning, 6 in the afternoon. */
const STAFF: Record<string, readonly [string | undefined, string | undefined]> = {
  w1: ['s1', 's1'],
  w2: ['s2', 's2'],
  w3: ['s3', 's3'],
  w4: ['s4', 's4'],
  w5: ['s5', undefined],
  w6: [undefined, 's5'],
};
const POPULARITY = ['hukou', 'social', 'estate', 'business', 'tax', 'pension', 'housing', 'entry', 'cantdo'];
const PREFIX: Record<string, string> = { hukou: 'A', social: 'B', estate: 'C', cantdo: 'D', pension: 'E', business: 'F', tax: 'G', housing: 'H', entry: 'P' };

export function demoLayout(hall: string): HistoryLayout {
  return {
    hall,
    timeZone: DEMO_SCHEDULE.timeZone,
    services: POPULARITY.map((id) => ({ id, prefix: PREFIX[id]! })),
    windows: DEMO_WINDOWS.map((w) => ({
      id: w.id,
      services: w.services.map((s) => s.serviceId),
      staff: STAFF[w.id] ?? [undefined, undefined],
      counter: `h-counter-${w.id}~1`,
      evaluator: `h-evaluator-${w.id}~1`,
    })),
    kiosks: ['h-kiosk-1~1', 'h-kiosk-2~1'],
    numberDigits: 3,
    openAndClose: true,
  };
}

/**
 * Writes the history into an empty hall's log (a hall with events is left alone: undefined) and builds its report facts. `config` is the
 * hall's configuration (demoConfigEntries), recorded the evening before the first day.
 */
export async function seedDemoHistory(db: Db, hall: string, now: number, config: Array<{ kind: string; id: string; value: unknown }>, o: HistoryOptions): Promise<DemoHistory | undefined> {
  // A hall kept on disk has its past already.
  const held = await db.query('SELECT 1 FROM events WHERE hall = $1 LIMIT 1', [hall]);
  if (held.rows.length) return undefined;
  const layout = demoLayout(hall);
  const zone = layout.timeZone;
  const today = localDate(now, zone);
  const first = addDays(today, -o.days);
  const rng = new Rng(o.seed ?? 20261202);
  const log = new HistoryLog(hall);
  const eve = zonedTimeToUtc(addDays(first, -1), 18 * 60, zone);
  config.forEach((c, i) => log.add(eve + i, 'h-admin~1', 'config.changed', c as never));
  const out: DemoHistory = { days: [], badRatings: [], notDone: [], events: 0 };
  const numbers = new Map<string, string>();
  for (let d = 0; d < o.days; d++) {
    const day = addDays(first, d);
    const weekend = weekdayOf(day) === 0 || weekdayOf(day) === 6;
    const perDay = o.perDay ?? 60;
    const tickets = Math.max(1, Math.round((weekend ? perDay / 3 : perDay) * (0.8 + rng.next() * 0.4)));
    out.days.push(generateDay(log, rng, layout, day, tickets));
    const batch = log.drain();
    for (const e of batch) {
      const parsed = parseEvent(e);
      if (!parsed.ok) throw new Error(`demo history event does not parse: ${parsed.error}`);
      const p = e.payload as { ticketId?: string; number?: string; level?: number | null; outcome?: string };
      if (e.type === 'ticket.issued') numbers.set(p.ticketId!, p.number!);
      if (e.type === 'evaluation.recorded' && typeof p.level === 'number' && p.level <= 2) out.badRatings.push({ itemId: `${e.origin}:${e.seq}`, ticketId: p.ticketId!, number: numbers.get(p.ticketId!)!, day });
      if (e.type === 'ticket.finished' && p.outcome === 'not-done') out.notDone.push({ itemId: `notdone:${p.ticketId}`, ticketId: p.ticketId!, number: numbers.get(p.ticketId!)!, day });
    }
    out.events += batch.length;
    await insertEvents(db, batch);
  }
  await rebuildFacts(db, hall);
  return out;
}
