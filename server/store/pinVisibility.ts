/**
 * Who receives the staff PIN verifiers. The event log keeps every `config.changed` of kind
 * staff whole (its `pinHash` is what a counter checks a PIN against offline, and a hub relays
 * the log to central byte for byte, so the replay check's stableStringify still matches). On
 * the way out, pull and the live socket (server/live/liveHub.ts) hand the hash only to counters
 * and hubs; every other
 * role (kiosk, evaluator, display, admin) gets the staff card with `pinSet: true` in its place,
 * which is all an admin needs to show "PIN set". A stripped event is only ever folded by its
 * receiver, never pushed back (terminals push their own origin only).
 */
import type { HallEvent } from '../../shared/events/envelope';
import type { Role } from '../../shared/sync/protocol';
import type { StoredEvent } from './events';

/** The roles that receive PIN hashes: counters check PINs offline; hubs replicate the log. */
export function readsPinHashes(role: Role): boolean {
  return role === 'counter' || role === 'hub';
}

/** The event as `role` may see it: the same object when nothing is to hide. */
export function eventFor(role: Role, e: HallEvent): HallEvent {
  if (readsPinHashes(role) || e.type !== 'config.changed') return e;
  const p = e.payload as { kind: string; value: unknown };
  if (p.kind !== 'staff' || !p.value || typeof p.value !== 'object' || !('pinHash' in p.value)) return e;
  const { pinHash, ...card } = p.value as Record<string, unknown>;
  const value = pinHash ? { ...card, pinSet: true } : card;
  return { ...e, payload: { ...e.payload, value } } as HallEvent;
}

/** A page of stored events as `role` may see it. */
export function eventsFor<T extends { events: StoredEvent[] }>(role: Role, page: T): T {
  if (readsPinHashes(role)) return page;
  return { ...page, events: page.events.map((x) => ({ s: x.s, e: eventFor(role, x.e) })) };
}
