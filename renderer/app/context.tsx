/**
 * What every screen holds: its terminal (local log, sync engine, coordinator), its devices and
 * its address parameters, with hooks that re-render on change. The hall state is folded in
 * place, so components subscribe to a version number and read `local.state` (coalesced to one
 * render per frame: a terminal catching up applies thousands of events in a burst).
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { DeviceEvent } from '../../shared/devices/contract';
import type { HallState } from '../../shared/fold/state';
import type { SyncStatus } from '../sync/status';
import type { Terminal } from '../sync/terminal';
import type { TerminalEnv } from './env';

export type { TerminalEnv } from './env';

export const TerminalContext = createContext<TerminalEnv | null>(null);

export function useTerminal(): TerminalEnv {
  const env = useContext(TerminalContext);
  if (!env) throw new Error('useTerminal outside a TerminalContext');
  return env;
}

/** One version counter per local log, bumped at most once per frame. */
const versions = new WeakMap<object, { version: number; subscribe: (cb: () => void) => () => void }>();

function versionStore(t: Terminal) {
  let v = versions.get(t.local);
  if (v) return v;
  const listeners = new Set<() => void>();
  let scheduled = false;
  const store = {
    version: 0,
    subscribe(cb: () => void) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
  const flush = () => {
    scheduled = false;
    store.version++;
    for (const l of listeners) l();
  };
  t.local.subscribe(() => {
    if (scheduled) return;
    scheduled = true;
    // A hidden page gets no animation frames; a timer keeps it current.
    if (typeof document !== 'undefined' && document.visibilityState === 'visible' && typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
    else setTimeout(flush, 16);
  });
  versions.set(t.local, store);
  v = store;
  return v;
}

/** The hall state and a version that changes whenever it does (use it as a memo key). */
export function useHall(): { state: HallState; version: number } {
  const { terminal } = useTerminal();
  const store = versionStore(terminal);
  const version = useSyncExternalStore(store.subscribe, () => store.version);
  return { state: terminal.local.state, version };
}

export function useSyncStatus(): SyncStatus {
  const { terminal } = useTerminal();
  const [status, setStatus] = useState<SyncStatus>(() => terminal.engine.status);
  useEffect(() => terminal.engine.subscribe(setStatus), [terminal]);
  // 'stale' depends on the clock: re-read it now and then.
  useEffect(() => {
    const h = setInterval(() => setStatus(terminal.engine.status), 5_000);
    return () => clearInterval(h);
  }, [terminal]);
  return status;
}

/** The terminal's corrected clock, ticking every `everyMs`. */
export function useNow(everyMs = 1_000): number {
  const { terminal } = useTerminal();
  const [now, setNow] = useState(() => terminal.local.now());
  useEffect(() => {
    const h = setInterval(() => setNow(terminal.local.now()), everyMs);
    return () => clearInterval(h);
  }, [terminal, everyMs]);
  return now;
}

/** Device events (card, scan, evaluator key, health) while the component is mounted. */
export function useDeviceEvents(listener: (e: DeviceEvent) => void): void {
  const { devices } = useTerminal();
  useEffect(() => devices.subscribe((e) => listener(e)), [devices, listener]);
}
