/**
 * History leaves the terminal (R21: tickets carry personal data): events older than the
 * working set's window (shared/sync/workingSet.ts) are deleted from the terminal's database
 * once a server has them, so a restart loads the working set and a year of a busy hall never
 * piles up in a kiosk. What stays, whatever its age:
 *
 *   - every own event not yet acknowledged (the outbox): it exists nowhere else;
 *   - the pinned types (configuration, appointments, notices, rectification steps);
 *   - the events of rectification items' tickets (`keep`, from the folded state), so the
 *     admin's lists stay whole after a restart.
 *
 * The fold in memory is not touched: what the screens show does not change, only what the
 * next start loads. Deletes go in chunks, each its own transaction, so a tap is never held up.
 */
import { formatHlc, hlcWall } from '../../shared/clock/hlc';
import type { HallState } from '../../shared/fold/state';
import { isPinned, rectificationKeys, workingSince } from '../../shared/sync/workingSet';
import type { TerminalDatabase } from './database';

export interface SweepOutcome {
  deleted: number;
  kept: number;
}

const CHUNK = 500;
const DAY = 24 * 60 * 60 * 1000;

/** Delete what left the working set (see above). `state` is the terminal's fold now. */
export async function sweepHistory(db: TerminalDatabase, state: HallState, now: number, stopped: () => boolean = () => false): Promise<SweepOutcome> {
  const since = workingSince(now);
  const keepKeys = rectificationKeys(state, now);
  await db.setMeta('keep', keepKeys);
  const keep = new Set(keepKeys.map(([o, s]) => `${o}:${s}`));
  let deleted = 0;
  let kept = 0;
  // What stayed below the last sweep's line stays (pinned, kept, or unpushed then): start a day
  // before that line, not at the beginning, so an hourly sweep reads an hour and a day, not a year.
  // Once a day the whole store (an item closed, an own event acknowledged since: they go too).
  const [before, fullAt] = await Promise.all([db.getMeta('sweptBelow'), db.getMeta('sweptFullAt')]);
  const full = !before || fullAt === undefined || now - fullAt > DAY;
  let from = full ? '' : formatHlc({ wall: Math.max(0, hlcWall(before) - DAY), count: 0 });
  while (!stopped()) {
    const n = await db.transaction('rw', [db.events, db.outbox], async () => {
      const rows = await db.events.where('hlc').between(from, since, true, false).limit(CHUNK).toArray();
      if (rows.length === 0) return -1;
      const unacked = await db.outbox.bulkGet(rows.map((e): [string, number] => [e.origin, e.seq]));
      const gone: Array<[string, number]> = [];
      rows.forEach((e, i) => {
        if (unacked[i] !== undefined || isPinned(e.type) || keep.has(`${e.origin}:${e.seq}`)) kept += 1;
        else gone.push([e.origin, e.seq]);
      });
      if (gone.length) await db.events.bulkDelete(gone);
      from = rows[rows.length - 1]!.hlc;
      deleted += gone.length;
      // Rows that stay are passed over by the next chunk starting after this one's last hlc.
      return rows.length < CHUNK ? -1 : rows.length;
    });
    if (n < 0) break;
    // Same hlc at a chunk's edge: step just past it (hlc strings are unique per origin event,
    // ties only across origins; those rows were in this chunk's range or the next one's).
    from = `${from}\u0000`;
  }
  if (!stopped()) {
    await db.setMeta('sweptBelow', since);
    if (full) await db.setMeta('sweptFullAt', now);
  }
  await db.setMeta('sweptAt', now);
  return { deleted, kept };
}
