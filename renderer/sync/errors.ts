/**
 * What a failed request means for the engine: try another server, try later, stop, or (for an
 * event) refuse it for good.
 */
import { HttpError, UnreachableError } from './transport';

export type FailureKind =
  /** No usable answer (network, timeout, 5xx, not a hallq server): try the next upstream, later. */
  | 'unreachable'
  /** The token was refused: nothing will work until the terminal is enrolled again. */
  | 'auth'
  /** The server is fine but asks to come back later (rate limit, clock ahead of the server's). */
  | 'later'
  /** The server lacks earlier events of this origin (seq-gap): resend them first. */
  | 'gap'
  /** The server refused the request's content for good (4xx): for a push, the event is bad. */
  | 'refused'
  /** Not a transport failure at all (a bug, a database error): report it, blame no server. */
  | 'internal';

/**
 * Central answers numbers and claims with this when the hall has a hub: only the hub
 * coordinates (two coordinators could give the same number), so the terminal uses the offline
 * rules until the hub is back.
 */
export const OFFLINE_RULES_CODES: ReadonlySet<string> = new Set(['hub-coordinates']);

/** Error codes that are about timing, not about the event: retried, never quarantined. */
export const LATER_CODES: ReadonlySet<string> = new Set(['clock-ahead', 'ticket-not-yet-held']);
export const GAP_CODES: ReadonlySet<string> = new Set(['seq-gap']);

export function classify(e: unknown): FailureKind {
  if (e instanceof UnreachableError) return 'unreachable';
  if (e instanceof HttpError) {
    // A route the server does not have (Fastify's own 404 is "Not Found"): not a hallq server
    // of this protocol. A hallq 404 names what is unknown (unknown-service): a refusal.
    if (e.status >= 500 || (e.status === 404 && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(e.code))) return 'unreachable';
    if (e.status === 401) return 'auth';
    if (e.status === 408 || e.status === 429 || LATER_CODES.has(e.code)) return 'later';
    if (GAP_CODES.has(e.code)) return 'gap';
    return 'refused';
  }
  return 'internal';
}
