/**
 * The checks of a push that need the database or the hall's state, run inside ingest's
 * transaction under the hall's lock, on the events not held yet (`fresh`, in seq order per
 * origin): clocks move forward per origin, the hall checks (services, days, window scope),
 * noisy device events kept quiet, and overrides recorded for the admin.
 */
import type { HallEvent } from '../../shared/events/envelope';
import type { Queryable } from '../db/db';
import type { Principal } from '../store/events';
import type { HallCache } from '../store/halls';
import { checkClockForward } from './door';
import { checkAgainstHall, type BatchTickets } from './hallChecks';
import { quietEvents } from './noisy';
import { findOverrides, recordOverrides } from './overrides';

export interface HeldRow {
  held: number;
  last_hlc?: string | null;
}

export interface BatchVerdict {
  /** Events to store quiet (`origin:seq`). */
  quiet: Set<string>;
  /** The newest hlc per origin after this batch, for origins.last_hlc. */
  lastHlc: Map<string, string>;
}

export async function checkBatch(
  q: Queryable,
  who: Principal,
  fresh: readonly HallEvent[],
  held: ReadonlyMap<string, HeldRow>,
  now: number,
  cache: HallCache | undefined,
): Promise<BatchVerdict> {
  const lastHlc = checkClockForward(who, fresh, (o) => held.get(o)?.last_hlc ?? undefined);
  if (!fresh.length) return { quiet: new Set(), lastHlc };
  // Without the hall's state (a hub taking its upstream's events, tools) only the rate bounds noise.
  if (!cache) return { quiet: await quietEvents(q, who.hall, undefined, fresh, now), lastHlc };
  const fold = (await cache.get(q, who.hall, now)).state;
  // Origins of tickets acted upon: to tell a ticket still on its way from one that never comes.
  const ticketOrigins = new Set<string>();
  for (const e of fresh) {
    const id = (e.payload as { ticketId?: unknown }).ticketId;
    const m = typeof id === 'string' && e.type !== 'ticket.issued' ? /^(.+):(\d+)$/.exec(id) : null;
    if (m && !fold.tickets.has(id as string) && !held.has(m[1]!)) ticketOrigins.add(m[1]!);
  }
  const others = new Map<string, number>();
  if (ticketOrigins.size) {
    const r = await q.query<{ origin: string; held: number }>('SELECT origin, held FROM origins WHERE origin = ANY($1)', [[...ticketOrigins]]);
    for (const row of r.rows) others.set(row.origin, Number(row.held));
  }
  const heldOf = (o: string) => held.get(o)?.held ?? others.get(o) ?? 0;
  const batch: BatchTickets = { issued: new Map() };
  fresh.forEach((e, i) => checkAgainstHall(fold, who, e, i, now, batch, heldOf));
  const quiet = await quietEvents(q, who.hall, fold, fresh, now);
  await recordOverrides(q, who.hall, findOverrides(fold, fresh, now));
  return { quiet, lastHlc };
}
