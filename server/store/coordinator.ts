/**
 * The decisions that need one coordinator while it is reachable: sequential ticket numbers per
 * hall, day and prefix, and an atomic "claim next" per window. Both run under the hall's lock.
 */
import { nextForWindow, waitingForWindow } from '../../shared/queue/select';
import { localDate } from '../../shared/schedule/zone';
import { hallLockKey, lockHall, type Db, type Queryable } from '../db/db';
import { refuse } from '../http/errors';
import type { Principal } from './events';
import type { HallCache } from './halls';
import { hubSql } from './terminals';

/** How long a claimed ticket is held for the window's call event to arrive. */
export const CLAIM_MS = 15_000;

export interface CoordinatorOptions {
  /** This server is the hall's hub (not the central server). */
  isHub: boolean;
}

/**
 * Take the hall's lock and, on central, make sure no hub coordinates the hall: one round trip
 * (a kiosk's tap and a clerk's call wait for each). The hub check needs no lock (enrolling a
 * hub does not take it), so it may read the snapshot from before the lock was granted.
 */
async function lockAsCoordinator(q: Queryable, hall: string, opts: CoordinatorOptions): Promise<void> {
  if (opts.isHub) return lockHall(q, hall);
  const r = await q.query<{ hub: boolean }>(`SELECT pg_advisory_xact_lock(hashtext($1)), EXISTS (${hubSql('$2')}) AS hub`, [hallLockKey(hall), hall]);
  // With a hub in the hall, only the hub hands out numbers and calls: two coordinators could
  // give the same number. A terminal that reaches only central falls back to offline rules.
  if (r.rows[0]?.hub) {
    refuse(409, 'hub-coordinates', 'this hall has a hub that coordinates numbers and calls; use offline rules until it is back', '本大厅由大厅服务器协调');
  }
}

export async function allocateNumber(db: Db, cache: HallCache, who: Principal, serviceId: string, now: number, opts: CoordinatorOptions) {
  return db.tx(async (q) => {
    await lockAsCoordinator(q, who.hall, opts);
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
    await lockAsCoordinator(q, who.hall, opts);
    const fold = await cache.get(q, who.hall, now);
    if (!fold.state.config.windows.has(windowId)) refuse(404, 'unknown-window', `no window ${windowId} in hall ${who.hall}`, '没有该窗口');
    // Expired holds go, the live ones are read: one statement (its read sees the table as it was
    // before the delete, hence the explicit filter).
    const claims = await q.query<{ ticket_id: string; window_id: string }>(
      `WITH gone AS (DELETE FROM claims WHERE hall = $1 AND expires_at < $2)
       SELECT ticket_id, window_id FROM claims WHERE hall = $1 AND expires_at >= $2`,
      [who.hall, now],
    );
    const takenByOthers = new Set(claims.rows.filter((c) => c.window_id !== windowId).map((c) => c.ticket_id));
    const pick =
      takenByOthers.size === 0
        ? nextForWindow(fold.state, windowId, now)
        : waitingForWindow(fold.state, windowId, now).find((c) => !takenByOthers.has(c.ticket.id))?.ticket;
    const expiresAt = now + CLAIM_MS;
    if (!pick) return { ticket: null, expiresAt };
    // One live claim per window: a new claim releases the window's previous unconfirmed one
    // (the picked ticket's own row, if any, is updated in place: one statement may not both
    // delete and upsert a row).
    await q.query(
      `WITH released AS (DELETE FROM claims WHERE hall = $1 AND window_id = $3 AND ticket_id <> $2)
       INSERT INTO claims (hall, ticket_id, window_id, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (hall, ticket_id) DO UPDATE SET window_id = EXCLUDED.window_id, expires_at = EXCLUDED.expires_at`,
      [who.hall, pick.id, windowId, expiresAt],
    );
    return { ticket: { id: pick.id, number: pick.number, serviceId: pick.serviceId }, expiresAt };
  });
}
