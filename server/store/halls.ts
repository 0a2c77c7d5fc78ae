/**
 * Each instance's cache of the halls it coordinates: a fold of today's events (and all
 * configuration), caught up from the database by serverSeq before every use. The database is
 * the only truth: the cache is refreshed under the hall's lock, so two instances agree.
 */
import { HallFold } from '../../shared/fold/fold';
import { formatHlc } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import { localDate } from '../../shared/schedule/zone';
import type { Queryable } from '../db/db';

const WINDOW_MS = 36 * 60 * 60 * 1000;

interface Entry {
  fold: HallFold;
  last: number;
  day: string;
}

export class HallCache {
  private readonly halls = new Map<string, Entry>();

  async get(q: Queryable, hall: string, now: number): Promise<HallFold> {
    let entry = this.halls.get(hall);
    if (entry && entry.day !== localDate(now, entry.fold.state.config.schedule.timeZone)) entry = undefined;
    if (!entry) {
      // Configuration, appointments and notices of all time (a booking made last week is for
      // today); everything else of the last day and a half. The catch-up point is the log's top,
      // not the newest row loaded: after a quiet spell that row can be weeks old, and the next
      // catch-up would pull everything since. (Ingest commits a hall's events under its lock, so
      // no lower seq commits after a higher one is read.)
      const top = await q.query<{ s: string | number | null }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [hall]);
      const last = Number(top.rows[0]?.s ?? 0);
      const r = await q.query<{ s: number; body: HallEvent }>(
        `SELECT server_seq AS s, body FROM events WHERE hall = $1 AND server_seq <= $3
           AND (type IN ('config.changed', 'appointment.booked', 'appointment.cancelled', 'notice.published', 'notice.withdrawn') OR hlc >= $2)
         ORDER BY server_seq`,
        [hall, formatHlc({ wall: now - WINDOW_MS, count: 0 }), last],
      );
      const fold = new HallFold(hall);
      fold.addMany(r.rows.map((x) => x.body));
      entry = { fold, last, day: localDate(now, fold.state.config.schedule.timeZone) };
      this.halls.set(hall, entry);
      return fold;
    }
    const r = await q.query<{ s: number; body: HallEvent }>('SELECT server_seq AS s, body FROM events WHERE hall = $1 AND server_seq > $2 ORDER BY server_seq', [
      hall,
      entry.last,
    ]);
    if (r.rows.length) {
      entry.fold.addMany(r.rows.map((x) => x.body));
      // Two catch-ups in flight may finish out of order: the fold holds the later one's events.
      entry.last = Math.max(entry.last, Number(r.rows[r.rows.length - 1]!.s));
    }
    return entry.fold;
  }

  /**
   * The serverSeq up to which `fold` (from `get`) has applied the hall's events, or undefined
   * if it is no longer this cache's fold. Read it in the same tick as the fold's state.
   */
  appliedSeq(fold: HallFold): number | undefined {
    const entry = this.halls.get(fold.hall);
    return entry?.fold === fold ? entry.last : undefined;
  }

  forget(hall: string): void {
    this.halls.delete(hall);
  }
}
