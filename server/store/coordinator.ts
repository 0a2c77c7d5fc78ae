/**
 * The decisions that need one coordinator while it is reachable: sequential ticket numbers per
 * hall, day and prefix, and an atomic "claim next" per window. Both run under the hall's lock.
 */
import { nextForWindow, waitingForWindow } from '../../shared/queue/select';
import { localDate } from '../../shared/schedule/zone';
import { lockHall, type Db } from '../db/db';
import { refuse } from '../http/errors';
import type { Principal } from './events';
import type { HallCache } from './halls';
import { hallHasHub } from './terminals';

/** How long a claimed ticket is held for the window's call event to arrive. */
export const CLAIM_MS = 15_000;

export interface CoordinatorOptions {
  /** This server is the hall's hub (not the central server). */
  isHub: boolean;
}

async function assertCoordinator(q: Parameters<typeof hallHasHub>[0], hall: string, opts: CoordinatorOptions): Promise<void> {
  // With a hub in the hall, only the hub hands out numbers and calls: two coordinators could
  // give the same number. A terminal that reaches only central falls back to offline rules.
  if (!opts.isHub && (await hallHasHub(q, hall))) {
    refuse(409, 'hub-coordinates', 'this hall has a hub that coordinates numbers and calls; use offline rules until it is back', '本大厅由大厅服务器协调');
  }
}

export async function allocateNumber(db: Db, cache: HallCache, who: Principal, serviceId: string, now: number, opts: CoordinatorOptions) {
  return db.tx(async (q) => {
    await lockHall(q, who.hall);
    await assertCoordinator(q, who.hall, opts);
    const fold = await cache.get(q, who.hall, now);
    const service = fold.state.config.services.get(serviceId);
    if (!service) return refuse(404, 'unknown-service', `no service ${serviceId} in hall ${who.hall}`, '没有该业务');
    const day = localDate(now, fold.state.config.schedule.timeZone);
    const r = await q.query<{ last: number }>(
      `INSERT INTO number_series (hall, day, prefix, last) VALUES ($1, $2, $3, 1)
       ON CONFLICT (hall, day, prefix) DO UPDATE SET last = number_series.last + 1 RETURNING last`,
      [who.hall, day, service.prefix],
    );
    return { day, prefix: service.prefix, seq: Number(r.rows[0]!.last) };
  });
}

export async function claimNext(db: Db, cache: HallCache, who: Principal, windowId: string, now: number, opts: CoordinatorOptions) {
  if (who.windowId !== windowId) refuse(403, 'other-window', `this terminal serves window ${who.windowId ?? '-'}, not ${windowId}`, '不能为其他窗口叫号');
  return db.tx(async (q) => {
    await lockHall(q, who.hall);
    await assertCoordinator(q, who.hall, opts);
    const fold = await cache.get(q, who.hall, now);
    if (!fold.state.config.windows.has(windowId)) refuse(404, 'unknown-window', `no window ${windowId} in hall ${who.hall}`, '没有该窗口');
    await q.query('DELETE FROM claims WHERE hall = $1 AND expires_at < $2', [who.hall, now]);
    const claims = await q.query<{ ticket_id: string; window_id: string }>('SELECT ticket_id, window_id FROM claims WHERE hall = $1', [who.hall]);
    const takenByOthers = new Set(claims.rows.filter((c) => c.window_id !== windowId).map((c) => c.ticket_id));
    const pick =
      takenByOthers.size === 0
        ? nextForWindow(fold.state, windowId, now)
        : waitingForWindow(fold.state, windowId, now).find((c) => !takenByOthers.has(c.ticket.id))?.ticket;
    const expiresAt = now + CLAIM_MS;
    if (!pick) return { ticket: null, expiresAt };
    // One live claim per window: a new claim releases the window's previous unconfirmed one.
    await q.query('DELETE FROM claims WHERE hall = $1 AND window_id = $2', [who.hall, windowId]);
    await q.query(
      `INSERT INTO claims (hall, ticket_id, window_id, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (hall, ticket_id) DO UPDATE SET window_id = EXCLUDED.window_id, expires_at = EXCLUDED.expires_at`,
      [who.hall, pick.id, windowId, expiresAt],
    );
    return { ticket: { id: pick.id, number: pick.number, serviceId: pick.serviceId }, expiresAt };
  });
}
