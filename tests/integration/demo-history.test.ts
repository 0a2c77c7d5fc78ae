/**
 * Web mode's demo history: weeks of past tickets written into the log before the terminals
 * start. The reports must count exactly what was generated, and every bad rating and not-done
 * ticket must stand in the hall's fold as an item to rectify (R8) or a ledger line (R18).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HallFold } from '../../shared/fold/fold';
import type { HallState } from '../../shared/fold/state';
import { pull } from '../../server/store/events';
import { HallCache } from '../../server/store/halls';
import { insertEvents } from '../../scripts/sim/hallHistory';
import { formatHlc } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import { ReportSchema } from '../../shared/reports/report';
import { addDays, localDate } from '../../shared/schedule/zone';
import { startWebHall, type WebHall } from '../../scripts/web/webHall';

const ZONE = 'Asia/Shanghai';
const DAY = 24 * 60 * 60 * 1000;
let hall: WebHall;

/** The hall's whole log folded, as a terminal pulling from the start folds it. */
async function wholeFold(): Promise<HallState> {
  const fold = new HallFold(hall.hall);
  for (let after = 0; ; ) {
    const page = await pull(hall.db, hall.hall, after, 5000);
    fold.addMany(page.events.map((x) => x.e));
    after = page.last;
    if (!page.more) return fold.state;
  }
}

beforeAll(async () => {
  hall = await startWebHall({ history: { days: 40, perDay: 40 } });
});
afterAll(async () => {
  await hall?.close();
});

describe('the demo hall\'s past', () => {
  it('covers the days before today, none of today', () => {
    const today = localDate(Date.now(), ZONE);
    const days = hall.history!.days.map((d) => d.day);
    expect(days).toHaveLength(40);
    expect(days[0]).toBe(addDays(today, -40));
    expect(days.at(-1)).toBe(addDays(today, -1));
    expect(hall.history!.events).toBeGreaterThan(1000);
  });

  it('R16: the month report counts exactly the tickets generated in that month', async () => {
    // Ten days back is always inside the history; its whole month may start before it.
    const day = addDays(localDate(Date.now(), ZONE), -10);
    const r = ReportSchema.parse(await hall.admin('GET', `/api/admin/reports?period=month&date=${day}&groupBy=service`));
    const inRange = hall.history!.days.filter((d) => d.day >= r.from && d.day <= r.to);
    const sum = (k: 'issued' | 'served' | 'noShow' | 'notDone' | 'cancelled' | 'rated' | 'bad') => inRange.reduce((n, d) => n + d[k], 0);
    expect(r.totals.issued).toBe(sum('issued'));
    expect(r.totals.served).toBe(sum('served'));
    expect(r.totals.noShow).toBe(sum('noShow'));
    expect(r.totals.notDone).toBe(sum('notDone'));
    expect(r.totals.cancelled).toBe(sum('cancelled'));
    expect(r.totals.rated).toBe(sum('rated'));
    expect(r.totals.bad).toBe(sum('bad'));
    expect(r.groups.length).toBeGreaterThan(3);
  });

  it('R8/R18: every bad rating is an item to rectify and every not-done ticket a ledger line in the hall\'s fold', async () => {
    const state = await wholeFold();
    const h = hall.history!;
    expect(h.badRatings.length).toBeGreaterThan(0);
    expect(h.notDone.length).toBeGreaterThan(0);
    for (const b of h.badRatings) expect(state.rectifications.get(b.itemId)).toMatchObject({ kind: 'bad-rating', ticketId: b.ticketId, number: b.number, status: 'open' });
    for (const n of h.notDone) expect(state.rectifications.get(n.itemId)).toMatchObject({ kind: 'not-done', ticketId: n.ticketId, number: n.number });
    expect(state.rectifications.size).toBe(h.badRatings.length + h.notDone.length);
  });

  it('leaves every window closed and nobody waiting today, so the live hall starts clean', async () => {
    const state = await wholeFold();
    for (const w of state.windows.values()) expect(w.state).toBe('closed');
    expect(state.config.services.size).toBeGreaterThan(5);
    expect(state.notes.filter((n) => !['priority-not-granted'].includes(n.code))).toEqual([]);
  });

  it('the server\'s cache of a hall with weeks behind it folds only the recent part, and catches up from the top of the log', async () => {
    // A kiosk back after three days offline pushes what it saw then: the newest row of the log
    // is old, outside the cache's window.
    await insertEvents(hall.db, [
      { v: 1, origin: 'h-late~1', seq: 1, hlc: formatHlc({ wall: Date.now() - 3 * DAY, count: 0 }), hall: hall.hall, type: 'device.recovered', payload: { device: 'printer' } } as HallEvent,
    ]);
    const cache = new HallCache();
    const fold = await cache.get(hall.db, hall.hall, Date.now());
    const top = await hall.db.query<{ s: string }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [hall.hall]);
    expect(cache.appliedSeq(fold)).toBe(Number(top.rows[0]!.s));
    const loaded = fold.size;
    expect(loaded).toBeLessThan(hall.history!.events / 4);
    // Nothing new: the next use reads nothing (it used to re-read every day since the last configuration change).
    await cache.get(hall.db, hall.hall, Date.now());
    expect(fold.size).toBe(loaded);
  });
});
