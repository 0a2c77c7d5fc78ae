/**
 * The board's data: today's waiting and called tickets and every window, from the fold in
 * memory (a new call repaints as soon as it is folded), and which call is the latest (a new
 * one flashes for FRESH_MS).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { localDate } from '../../shared/schedule/zone';
import { useHall, useNow, useSyncStatus } from '../app/context';
import { boardTickets, windowRows, type TicketRow, type WindowRow } from './rows';
import { CallMemory, FRESH_MS, activeCalls, type BoardCall } from './board';

export function useBoardRows(timeZone: string): { tickets: TicketRow[]; windows: WindowRow[]; loaded: boolean } {
  const { state, version } = useHall();
  const now = useNow(30_000);
  const today = localDate(now, timeZone);
  // Issue 17: no call counts as new (flashes, chimes) before this screen has caught up with
  // the hall; what it shows then is what was there. Windows left open on a past day are closed.
  const caughtUp = !useSyncStatus().syncing;
  // The fold changes in place: its version says when.
  return useMemo(() => ({ tickets: boardTickets(state, today), windows: windowRows(state, today), loaded: caughtUp }), [state, version, today, caughtUp]);
}

export interface CallsOnBoard {
  /** Active calls, newest announcement first. */
  calls: BoardCall[];
  latest: BoardCall | undefined;
  fresh: boolean;
}

/** The active calls in announcement order; re-renders when the latest call stops being fresh. */
export function useCalls(tickets: TicketRow[], windows: WindowRow[], loaded: boolean): CallsOnBoard {
  const memory = useRef<CallMemory>(null);
  memory.current ??= new CallMemory();
  const mem = memory.current;
  const calls = useMemo(() => {
    const active = activeCalls(tickets, windows);
    // Nothing is "new" before the tables were first read.
    if (loaded) mem.observe(active, Date.now());
    return mem.order(active);
  }, [tickets, windows, loaded, mem]);
  const latest = calls[0];
  const [, setTick] = useState(0);
  const seenAt = latest ? mem.seenAt(latest) : Number.NEGATIVE_INFINITY;
  const fresh = latest !== undefined && mem.isFresh(latest, Date.now());
  useEffect(() => {
    if (!fresh) return;
    const h = setTimeout(() => setTick((n) => n + 1), Math.max(0, seenAt + FRESH_MS - Date.now()) + 20);
    return () => clearTimeout(h);
  }, [fresh, seenAt]);
  return { calls, latest, fresh };
}
