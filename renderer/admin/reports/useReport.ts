/**
 * The report for the query bar's request, from the server with this admin terminal's token.
 * Reports need the server: when it cannot be reached the last report loaded stays on screen
 * (kept in memory across tabs, the newest one in localStorage across reloads) and the request
 * is tried again every RETRY_MS.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTerminal } from '../../app/context';
import { fetchReport, ReportMemory, type LoadedReport, type StorageLike } from './reportApi';
import type { Failure } from './reportFormat';
import { requestKey, requestProblem, type ReportRequest } from './reportQuery';

export const RETRY_MS = 30_000;

function browserStorage(): StorageLike | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** Shared by every mount of the tab (leaving the tab unmounts it). */
export const reportMemory = new ReportMemory(browserStorage());

/** The query bar's last request, so coming back to the tab shows what was looked at. */
let lastRequest: ReportRequest | undefined;
export const rememberedRequest = () => lastRequest;

export interface ReportState {
  /** What is on screen: the report for this request, or else the latest one loaded. */
  shown: LoadedReport | undefined;
  /** A request to the server is under way. */
  loading: boolean;
  /** Why the last request for this query got no report (cleared by the next answer). */
  failure: Failure | undefined;
  /** `shown` answers the current request and came from its last request. */
  current: boolean;
  reload(): void;
}

export function useReport(request: ReportRequest): ReportState {
  const { identity, params, terminal } = useTerminal();
  const key = requestKey(request);
  const valid = requestProblem(request) === null;
  const [state, setState] = useState<Omit<ReportState, 'reload'>>(() => ({
    shown: reportMemory.get(request) ?? reportMemory.latest(),
    loading: valid,
    failure: undefined,
    current: false,
  }));
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const requestRef = useRef(request);
  requestRef.current = request;

  useEffect(() => {
    lastRequest = requestRef.current;
  }, [key]);

  useEffect(() => {
    if (!valid) {
      setState((s) => ({ ...s, loading: false, failure: undefined, current: false }));
      return;
    }
    const r = requestRef.current;
    const abort = new AbortController();
    setState((s) => {
      const kept = reportMemory.get(r);
      return { shown: kept ?? s.shown, loading: true, failure: s.failure, current: false };
    });
    void fetchReport({ server: params.servers[0]!, token: identity.token, signal: abort.signal }, r).then((res) => {
      if (abort.signal.aborted) return;
      if (res.ok) {
        const entry: LoadedReport = { key: requestKey(r), request: r, report: res.value, loadedAt: terminal.local.now() };
        reportMemory.remember(entry);
        setState({ shown: entry, loading: false, failure: undefined, current: true });
      } else {
        setState((s) => ({ shown: reportMemory.get(r) ?? s.shown ?? reportMemory.latest(), loading: false, failure: res.failure, current: false }));
      }
    });
    return () => abort.abort();
  }, [key, valid, attempt, identity.token, params.servers, terminal]);

  // Unreachable: try again now and then (and as soon as the network says it is back).
  const unreachable = state.failure?.kind === 'unreachable';
  useEffect(() => {
    if (!unreachable) return;
    const h = setInterval(reload, RETRY_MS);
    window.addEventListener('online', reload);
    return () => {
      clearInterval(h);
      window.removeEventListener('online', reload);
    };
  }, [unreachable, reload]);

  return { ...state, reload };
}
