/**
 * Past days of a hall, as the event log its terminals would have written: tickets issued at
 * kiosks (a morning and an afternoon peak), served at the windows that take their service,
 * some skipped, transferred, cancelled or finished as not done, most rated. Seeded, so a run is
 * reproducible. The stats benchmark loads a million tickets of it; web mode's demo hall starts
 * with a few weeks of it so the reports and the rectification screens have something to show.
 *
 * Each generated day also returns its tally under the report's definitions
 * (shared/reports/report.ts), so tests can compare the reports with what was generated.
 */
import { formatHlc } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import type { EventType, PayloadInput } from '../../shared/events/payloads';
import { BAD_RATING_REASONS } from '../../shared/ratings/levels';
import { zonedTimeToUtc } from '../../shared/schedule/zone';
import type { Db } from '../../server/db/db';
import type { Rng } from './prng';

const MINUTE = 60_000;
const BAD_REASONS = BAD_RATING_REASONS.map((r) => r.id);

type Channel = 'kiosk' | 'idcard' | 'appointment' | 'assisted';
const CHANNEL_WEIGHTS: Array<[Channel, number]> = [
  ['kiosk', 0.6],
  ['idcard', 0.25],
  ['appointment', 0.1],
  ['assisted', 0.05],
];

export interface HistoryWindow {
  id: string;
  services: readonly string[];
  /** Staff signed in for the morning and for the afternoon (undefined: the window is shut then). */
  staff: readonly [string | undefined, string | undefined];
  /** Origins (`terminal~epoch`) of the window's counter and evaluator. */
  counter: string;
  evaluator: string;
}

export interface HistoryLayout {
  hall: string;
  timeZone: string;
  /** Most popular first: popularity falls off like 1/rank (a few high-frequency services, R16). */
  services: ReadonlyArray<{ id: string; prefix: string }>;
  windows: readonly HistoryWindow[];
  kiosks: readonly string[];
  /** Digits after the prefix in a ticket number (A001: 3). */
  numberDigits: number;
  /** Open the windows in the morning and close them at night (window.opened / window.closed). */
  openAndClose?: boolean;
}

export interface DayTally {
  day: string;
  issued: number;
  served: number;
  notDone: number;
  noShow: number;
  cancelled: number;
  transferred: number;
  rated: number;
  bad: number;
}

/** Writes events in the order they happen, with a dense seq per origin. */
export class HistoryLog {
  private readonly seqs = new Map<string, number>();
  private events: Array<{ at: number; origin: string; type: EventType; payload: object }> = [];

  constructor(private readonly hall: string) {}

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
      return { v: 1, origin: x.origin, seq, hlc: formatHlc({ wall: x.at, count: 0 }), hall: this.hall, type: x.type, payload: x.payload } as HallEvent;
    });
  }
}

function zipf(rng: Rng, n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += 1 / (i + 1);
  let x = rng.next() * total;
  for (let i = 0; i < n; i++) if ((x -= 1 / (i + 1)) < 0) return i;
  return n - 1;
}

/** Issue time (minutes after midnight): a morning and an afternoon peak inside 08:30-17:00. */
function issueMinute(rng: Rng): number {
  const peak = rng.chance(0.6) ? 9.5 * 60 : 14.5 * 60;
  const spread = (rng.next() + rng.next() + rng.next() - 1.5) * 120;
  return Math.min(17 * 60, Math.max(8.5 * 60, peak + spread));
}

/** One day's events: tickets issued, then served in arrival order by the window free first. */
export function generateDay(log: HistoryLog, rng: Rng, layout: HistoryLayout, day: string, tickets: number): DayTally {
  const tally: DayTally = { day, issued: 0, served: 0, notDone: 0, noShow: 0, cancelled: 0, transferred: 0, rated: 0, bad: 0 };
  const { windows, services } = layout;
  const base = zonedTimeToUtc(day, 0, layout.timeZone);
  const noon = base + 12.5 * 60 * MINUTE;
  const closing = base + 17.5 * 60 * MINUTE;
  const open = (w: HistoryWindow, shift: 0 | 1) => w.staff[shift] !== undefined;
  for (const w of windows) {
    const [am, pm] = w.staff;
    // The window opens with its first clerk and closes after its last; at noon the morning
    // clerk signs out and the afternoon one signs in (AB hand-over when both are there).
    const opensAt = am ? base + 8 * 60 * MINUTE : noon;
    const closesAt = pm ? closing + 10 * MINUTE : noon;
    const first = am ?? pm;
    if (!first) continue;
    if (layout.openAndClose) log.add(opensAt, w.counter, 'window.opened', { windowId: w.id, staffId: first });
    log.add(opensAt + 1, w.counter, 'staff.signedIn', { windowId: w.id, staffId: first });
    if (am && pm && am !== pm) {
      log.add(noon - 1, w.counter, 'staff.signedOut', { windowId: w.id, staffId: am });
      log.add(noon, w.counter, 'staff.signedIn', { windowId: w.id, staffId: pm });
    }
    if (layout.openAndClose) {
      log.add(closesAt, w.counter, 'staff.signedOut', { windowId: w.id, staffId: (pm ?? am)! });
      log.add(closesAt + 1, w.counter, 'window.closed', { windowId: w.id });
    }
  }
  const byService = new Map(services.map((s) => [s.id, windows.map((w, i) => (w.services.includes(s.id) ? i : -1)).filter((i) => i >= 0)]));
  const arrivals = Array.from({ length: tickets }, () => base + Math.round(issueMinute(rng) * MINUTE) + rng.int(0, 59_999)).sort((a, b) => a - b);
  const freeAt = windows.map(() => base + 8.5 * 60 * MINUTE);
  const numbers = new Map<number, number>();
  // The free window first (among those taking the service and staffed then) calls the next
  // citizen, a little walking time after the issue; -1 when no window takes it that day.
  const serveAt = (svc: string, ready: number) => {
    let best = -1;
    let call = Infinity;
    for (const i of byService.get(svc) ?? []) {
      let t = Math.max(ready + 30_000, freeAt[i]!);
      if (t < noon && !open(windows[i]!, 0)) t = noon;
      if (t >= noon && !open(windows[i]!, 1)) continue;
      if (t < call) [best, call] = [i, t];
    }
    return { w: best, call };
  };
  const number = (svc: number) => {
    const n = (numbers.get(svc) ?? 0) + 1;
    numbers.set(svc, n);
    return { n, text: `${services[svc]!.prefix}${String(n).padStart(layout.numberDigits, '0')}` };
  };
  for (const issuedAt of arrivals) {
    let svc = zipf(rng, services.length);
    const { n, text } = number(svc);
    const roll = rng.next();
    let acc = 0;
    const channel = CHANNEL_WEIGHTS.find(([, p]) => (acc += p) > roll)?.[0] ?? 'kiosk';
    const priority = channel === 'appointment' ? 'appointment' : channel === 'assisted' && rng.chance(0.2) ? 'green' : rng.chance(0.08) ? 'special' : 'normal';
    const anyWindow = () => windows[rng.int(0, windows.length - 1)]!.counter;
    const origin = channel === 'assisted' ? anyWindow() : rng.pick(layout.kiosks);
    const ticketId = `${day}-${services[svc]!.prefix}${n}`;
    log.add(issuedAt, origin, 'ticket.issued', {
      ticketId,
      serviceId: services[svc]!.id,
      number: text,
      numberSource: 'server',
      day,
      channel,
      priority,
      medium: 'paper',
      ...(priority === 'special' ? { priorityReason: 'elderly' as const } : {}),
    });
    tally.issued += 1;
    if (rng.chance(0.01)) {
      log.add(issuedAt + rng.int(5, 30) * MINUTE, anyWindow(), 'ticket.cancelled', { ticketId, reason: '群众离开' });
      tally.cancelled += 1;
      continue;
    }
    let ready = issuedAt;
    for (let segment = 0; segment < 2; segment++) {
      const { w, call } = serveAt(services[svc]!.id, ready);
      // Citizens still waiting at closing time stay unfinished.
      if (w < 0 || call > closing) break;
      const win = windows[w]!;
      log.add(call, win.counter, 'ticket.called', { ticketId, windowId: win.id, manual: false, claim: 'server' });
      if (rng.chance(0.04)) {
        freeAt[w] = call + 2 * MINUTE;
        log.add(freeAt[w]!, win.counter, 'ticket.skipped', { ticketId, windowId: win.id });
        tally.noShow += 1;
        break;
      }
      const start = call + rng.int(30, 90) * 1000;
      log.add(start, win.counter, 'ticket.started', { ticketId, windowId: win.id });
      const next = (svc + 1) % services.length;
      if (segment === 0 && rng.chance(0.02) && (byService.get(services[next]!.id)?.length ?? 0) > 0) {
        freeAt[w] = start + 3 * MINUTE;
        svc = next;
        log.add(freeAt[w]!, win.counter, 'ticket.transferred', { ticketId, windowId: win.id, toServiceId: services[svc]!.id });
        tally.transferred += 1;
        ready = freeAt[w]!;
        continue;
      }
      const finish = start + Math.round((2 + rng.next() * 6 + rng.next() * 4) * MINUTE);
      freeAt[w] = finish;
      const o = rng.next();
      const outcome = o < 0.9 ? 'done' : o < 0.93 ? 'not-done' : 'needs-material';
      log.add(finish, win.counter, 'ticket.finished', {
        ticketId,
        windowId: win.id,
        outcome,
        ...(outcome === 'not-done' ? { note: '材料涉及跨部门核查，当场无法办结' } : {}),
      });
      if (outcome === 'done') tally.served += 1;
      if (outcome === 'not-done') tally.notDone += 1;
      if (rng.chance(0.7)) {
        const l = rng.next();
        const level = l < 0.6 ? 5 : l < 0.85 ? 4 : l < 0.93 ? 3 : l < 0.97 ? 2 : 1;
        log.add(finish + 20_000, win.evaluator, 'evaluation.recorded', { ticketId, windowId: win.id, level, reasons: level <= 2 ? [rng.pick(BAD_REASONS)] : [], source: 'pad' });
        tally.rated += 1;
        if (level <= 2) tally.bad += 1;
      }
      break;
    }
  }
  return tally;
}

/** Bulk insert straight into the log: the batch goes as one JSON text, parsed once by the database. */
export async function insertEvents(db: Db, events: readonly HallEvent[]): Promise<void> {
  await db.query(
    `INSERT INTO events (hall, origin, seq, hlc, type, body)
     SELECT e->>'hall', e->>'origin', (e->>'seq')::int, e->>'hlc', e->>'type', e FROM jsonb_array_elements($1::jsonb) AS e`,
    [JSON.stringify(events)],
  );
}
