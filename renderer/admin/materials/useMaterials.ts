/**
 * The day's list of tickets with materials, from the server with this admin terminal's token:
 * asked when the day changes, on "refresh", when the terminal is back online, when the hall's
 * log brings new materials for the day, and every POLL_MS while the day is today or files are
 * still uploading. A failed request keeps the last answer for the day, with its time. The list
 * is kept in memory only (this module), never in localStorage; the images are not kept at all.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useHall, useSyncStatus, useTerminal } from '../../app/context';
import { fetchMaterials, type Access, type Failure, type MaterialsAnswer } from './materialsApi';
import { daySummary, localMaterialsKey } from './materialsModel';

export const POLL_MS = 15_000;
/** Days of answers kept for going back and forth. */
const REMEMBERED_DAYS = 7;

export interface LoadedList {
  day: string;
  answer: MaterialsAnswer;
  /** Terminal time the answer arrived. */
  loadedAt: number;
}

const memory = new Map<string, LoadedList>();

function remember(l: LoadedList): void {
  memory.delete(l.day);
  memory.set(l.day, l);
  while (memory.size > REMEMBERED_DAYS) memory.delete(memory.keys().next().value!);
}

export interface MaterialsList {
  /** The last answer for the day (fresh, or kept from before a failure). */
  shown: LoadedList | undefined;
  /** Why the newest request failed (cleared by the next success). */
  failure: Failure | undefined;
  loading: boolean;
  reload: () => void;
  /** Access for the files (same server and token). */
  access: Access;
}

export function useMaterialsList(day: string, enabled: boolean, today: string): MaterialsList {
  const { identity, params, terminal } = useTerminal();
  const { state, version } = useHall();
  const sync = useSyncStatus();
  const access = useMemo<Access>(() => ({ server: params.servers[0]!, token: identity.token }), [params.servers, identity.token]);
  const [shown, setShown] = useState<LoadedList | undefined>(() => memory.get(day));
  const [failure, setFailure] = useState<Failure | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [asked, setAsked] = useState(0);
  const reload = useCallback(() => setAsked((n) => n + 1), []);

  useEffect(() => {
    setShown(memory.get(day));
    setFailure(undefined);
  }, [day]);

  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    setLoading(true);
    void fetchMaterials({ ...access, signal: abort.signal }, day).then((r) => {
      if (abort.signal.aborted) return;
      setLoading(false);
      if (r.ok) {
        const l = { day, answer: r.value, loadedAt: terminal.local.now() };
        remember(l);
        setShown(l);
        setFailure(undefined);
      } else {
        setFailure(r.failure);
      }
    });
    return () => {
      abort.abort();
      setLoading(false);
    };
  }, [access, day, enabled, asked, terminal]);

  // Poll while something can still change: today's list, or files on their way.
  const missing = shown ? daySummary(shown.answer).missing : 0;
  const live = enabled && (day === today || missing > 0 || failure !== undefined);
  useEffect(() => {
    if (!live) return;
    const h = setInterval(reload, POLL_MS);
    return () => clearInterval(h);
  }, [live, reload]);

  // Back online after a failure: ask again at once.
  const online = sync.state === 'online';
  const wasOnline = useRef(online);
  useEffect(() => {
    if (online && !wasOnline.current && enabled) reload();
    wasOnline.current = online;
  }, [online, enabled, reload]);

  // New materials in the hall's log for this day: the server has them too (they came from it).
  const key = useMemo(() => localMaterialsKey(state, day), [state, day, version]);
  const firstKey = useRef(key);
  useEffect(() => {
    if (key === firstKey.current) return;
    firstKey.current = key;
    if (enabled) reload();
  }, [key, enabled, reload]);

  return { shown: shown?.day === day ? shown : undefined, failure, loading, reload, access };
}
