/**
 * What every screen shows about sync: is this terminal in touch with a server, since when not,
 * and how much is waiting to go.
 *
 *   online   the last exchange with an upstream succeeded and something was heard from it in
 *            the last `staleAfterMs` (30 s; the engine talks to it at least every 15 s)
 *   stale    no exchange has failed yet, but nothing has been heard for longer than that (a
 *            half-open socket, a server that hangs, a machine that slept): shown as "not live"
 *   offline  the last attempt to reach every upstream failed, or none was made yet
 *
 * `lastContact` (terminal time of the last answer from any server, kept across restarts) is
 * the "since when" a screen shows when it is not online.
 */
import type { PushBlock } from './push';

export type SyncState = 'online' | 'offline' | 'stale';

export interface SyncStatus {
  state: SyncState;
  lastContact: number | null;
  /** The upstream in use (base URL); null when none answers. */
  upstream: string | null;
  /** Own events not yet acknowledged by a server (outbox size). */
  pending: number;
  /** Own events a server refused, kept aside with the error. */
  quarantined: number;
  /** The live socket is open (else events arrive by polling). */
  live: boolean;
  /** This window runs the sync; the others only read the local database. */
  leader: boolean;
  /** Pushing stopped at an event the server will take later (its clock, a gap it must fill). */
  blocked: PushBlock | null;
  /** The server refused this terminal's token: it must be enrolled again. */
  authError: { code: string; message: string; messageZh?: string } | null;
  /** When not connected (or the live socket is down): terminal time of the next attempt. */
  nextAttemptAt: number | null;
  /**
   * Not caught up with a server since this screen started: what it shows may be behind the
   * hall, and every screen says it is syncing until the first complete round.
   */
  syncing: boolean;
  /** The first attempt since this screen started is under way (none failed, none completed). */
  connecting: boolean;
}

export const STALE_AFTER_MS = 30_000;

export interface StatusInputs {
  connected: boolean;
  lastContact: number | null;
  now: number;
  staleAfterMs: number;
}

export function syncState(i: StatusInputs): SyncState {
  if (!i.connected) return 'offline';
  if (i.lastContact === null || i.now - i.lastContact > i.staleAfterMs) return 'stale';
  return 'online';
}

export function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function offlineStatus(lastContact: number | null = null): SyncStatus {
  return { state: 'offline', lastContact, upstream: null, pending: 0, quarantined: 0, live: false, leader: false, blocked: null, authError: null, nextAttemptAt: null, syncing: true, connecting: true };
}
