/**
 * The server's check of `staff.signedIn` events from a counter: the clerk must be in the hall's
 * staff configuration at the moment of signing in (the configuration as of the event's hlc, so
 * a clerk removed later does not make an honest offline sign-in unacceptable), and, when the
 * clerk's card lists windows, the window must be one of them. (That the counter signs in only
 * at its own window is admit()'s window check.) A hub's relay is not checked again: the hub
 * admitted it, and a refusal here would stall the hall's replication.
 *
 * The PIN itself cannot be checked here: a counter offline checked it against the hash it holds;
 * online, the counter asks POST /api/staff/sign-in first (server/http/routes/staff.ts).
 */
import { StaffSchema, type Staff } from '../../shared/config/schemas';
import { compareEvents, type HallEvent } from '../../shared/events/envelope';
import type { Queryable } from '../db/db';
import { refuse } from '../http/errors';
import type { Principal } from './events';

export async function checkStaffSignIns(q: Queryable, who: Principal, events: readonly HallEvent[]): Promise<void> {
  if (who.role === 'hub') return;
  const signIns = events.filter((e): e is HallEvent<'staff.signedIn'> => e.type === 'staff.signedIn');
  if (!signIns.length) return;
  const ids = [...new Set(signIns.map((e) => e.payload.staffId))];
  const configs = await staffConfigEvents(q, who.hall, ids);
  for (const e of signIns) {
    const { staffId, windowId } = e.payload;
    const staff = staffAsOf(configs, staffId, e);
    const where = `${e.origin}:${e.seq} staff.signedIn`;
    if (!staff) return refuse(403, 'unknown-staff', `${where}: no staff member ${staffId} in hall ${who.hall}`, `本大厅没有工号为 ${staffId} 的工作人员`);
    if (staff.windows && !staff.windows.includes(windowId)) {
      refuse(403, 'staff-not-at-window', `${where}: ${staffId} is not assigned to window ${windowId}`, `工作人员 ${staffId} 未被分配到窗口 ${windowId}`);
    }
  }
}

/** The hall's staff configuration events for these staff ids, in log order. */
async function staffConfigEvents(q: Queryable, hall: string, ids: string[]): Promise<HallEvent<'config.changed'>[]> {
  const r = await q.query<{ body: HallEvent<'config.changed'> }>(
    `SELECT body FROM events WHERE hall = $1 AND type = 'config.changed' AND body->'payload'->>'kind' = 'staff' AND body->'payload'->>'id' = ANY($2)`,
    [hall, ids],
  );
  return r.rows.map((x) => x.body).sort(compareEvents);
}

/** The clerk's card as the fold had it just before `at` (last writer wins; an invalid value changes nothing). */
function staffAsOf(configs: readonly HallEvent<'config.changed'>[], staffId: string, at: HallEvent): Staff | undefined {
  let staff: Staff | undefined;
  for (const c of configs) {
    if (compareEvents(c, at) >= 0) break;
    if (c.payload.id !== staffId) continue;
    if (c.payload.value === null) {
      staff = undefined;
      continue;
    }
    const v = StaffSchema.safeParse(c.payload.value);
    if (v.success && v.data.id === staffId) staff = v.data;
  }
  return staff;
}
