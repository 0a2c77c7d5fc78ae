/**
 * The board's data: today's waiting and called tickets and every window, read from the
 * terminal's view tables with Dexie live queries (they repaint as soon as the views change),
 * and which call is the latest (a new one flashes for FRESH_MS).
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { localDate } from '../../shared/schedule/zone';
import { useNow, useTerminal } from '../app/context';
import type { TicketView, WindowView } from '../db/database';
import { CallMemory, FRESH_MS, activeCalls, type BoardCall } from './board';

const NONE: never[] = [];

export function useBoardViews(timeZone: string): { tickets: TicketView[]; windows: WindowView[]; loaded: boolean } {
  const { terminal } = useTerminal();
  const now = useNow(30_000);
  const today = localDate(now, timeZone);
  const tickets = useLiveQuery(
    () =>
      terminal.db.ticketsView
        .where('[day+status]')
        .anyOf([
          [today, 'waiting'],
          [today, 'called'],
          [today, 'serving'],
        ])
        .toArray(),
    [terminal, today],
  );
  const windows = useLiveQuery(() => terminal.db.windowsView.toArray(), [terminal]);
  return { tickets: tickets ?? NONE, windows: windows ?? NONE, loaded: tickets !== undefined && windows !== undefined };
}

export interface CallsOnBoard {
  /** Active calls, newest announcement first. */
  calls: BoardCall[];
  latest: BoardCall | undefined;
  fresh: boolean;
}

/** The active calls in announcement order; re-renders when the latest call stops being fresh. */
export function useCalls(tickets: TicketView[], windows: WindowView[], loaded: boolean): CallsOnBoard {
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
