/**
 * Pulling: pages of the hall's events after this upstream's checkpoint, until the server says
 * there is no more. The checkpoint is the server's `serverSeq` (`last` of each page), stored in
 * the same transaction as the page's events; never a client timestamp.
 */
import { parseEvent, type HallEvent } from '../../shared/events/envelope';
import { MAX_PULL_EVENTS } from '../../shared/sync/protocol';
import { rectificationKeys } from '../../shared/sync/workingSet';
import type { TerminalDatabase } from '../db/database';
import type { LocalLog } from './local';
import { HttpError, type SyncTransport } from './transport';

export interface PullDeps {
  db: TerminalDatabase;
  local: LocalLog;
  transport: SyncTransport;
  limit?: number;
  /** An event in a page that does not parse: skipped (the checkpoint still moves past it). */
  onInvalid?: (serverSeq: number, error: string) => void;
}

export interface PullOutcome {
  pages: number;
  fresh: number;
  /** The checkpoint reached. */
  last: number;
}

/**
 * Start from the hall's working set (GET /api/sync/start): stored and folded in one go, the
 * checkpoint set to the serverSeq it was read at, so the pull that follows only brings what
 * came after. Past days are never replayed onto the screens. A server without the route (an
 * older version) answers 404: then the terminal pulls as before. Returns the events stored, or
 * null when the server had no start set to give.
 */
export async function takeStartSet(deps: PullDeps, upstream: string): Promise<number | null> {
  let set;
  try {
    set = await deps.transport.start(upstream);
  } catch (e) {
    if (e instanceof HttpError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
  const events = parseStored(set.events, deps.onInvalid);
  const stored = await deps.local.receive(events, { upstream, serverSeq: set.last });
  // The rectification tickets it brought (older than the window) are loaded at the next start.
  const now = deps.local.now();
  await deps.db.setMeta('keep', rectificationKeys(deps.local.state, now));
  await deps.db.setMeta('workingSetAt', now);
  return stored.length;
}

export async function pullAll(deps: PullDeps, upstream: string): Promise<PullOutcome> {
  const limit = Math.min(deps.limit ?? MAX_PULL_EVENTS, MAX_PULL_EVENTS);
  let after = await deps.db.checkpoint(upstream);
  let pages = 0;
  let fresh = 0;
  let next = deps.transport.pull(upstream, after, limit);
  for (;;) {
    const page = await next;
    pages += 1;
    // A page that does not move forward would loop forever: stop and try again next round.
    const more = page.more && page.last > after;
    // Ask for the next page while this one is stored: the network and the server's query
    // overlap the local write (a terminal back from a day offline catches up in pages).
    if (more) {
      next = deps.transport.pull(upstream, page.last, limit);
      next.catch(() => undefined); // awaited next turn; not an unhandled rejection if we stop here
    }
    const events = parseStored(page.events, deps.onInvalid);
    const stored = await deps.local.receive(events, { upstream, serverSeq: page.last });
    fresh += stored.length;
    if (!more) return { pages, fresh, last: Math.max(after, page.last) };
    after = page.last;
  }
}

/** The events of a page or a live message that parse; the others are reported and skipped. */
export function parseStored(stored: ReadonlyArray<{ s: number; e: unknown }>, onInvalid?: (serverSeq: number, error: string) => void): HallEvent[] {
  const out: HallEvent[] = [];
  for (const { s, e } of stored) {
    const r = parseEvent(e);
    if (r.ok) out.push(r.event);
    else onInvalid?.(s, r.error);
  }
  return out;
}
