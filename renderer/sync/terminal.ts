/**
 * Putting a terminal's sync together: its database, local log, engine and coordinator. The
 * screens call this once at start with the browser's objects; tests with fakes.
 */
import { TerminalDatabase, requestPersistence, type DatabaseOptions } from '../db/database';
import { ViewWriter } from '../db/views';
import { Coordinator } from './coordinator';
import { SyncEngine, type SyncEngineOptions } from './engine';
import type { StoragePersistence } from './env';
import { LocalLog } from './local';

export interface OpenTerminalOptions extends Omit<SyncEngineOptions, 'db' | 'local'> {
  terminalId: string;
  dexie?: DatabaseOptions['dexie'];
  /** `navigator.storage`: asked for persistent storage when there is one. */
  storage?: StoragePersistence;
  /** Coordinator timeout (1.5 s). */
  coordinatorTimeoutMs?: number;
  onDrift?: (driftMs: number, remote: string) => void;
}

export interface Terminal {
  db: TerminalDatabase;
  local: LocalLog;
  engine: SyncEngine;
  coordinator: Coordinator;
  /** Keeps the screens' tables (ticketsView, windowsView) in step with the fold. */
  views: ViewWriter;
  persisted: boolean;
  close(): Promise<void>;
}

/** Open an enrolled terminal (its identity is in its database) and start syncing. */
export async function openTerminal(o: OpenTerminalOptions): Promise<Terminal> {
  const { terminalId, dexie, storage, coordinatorTimeoutMs, onDrift, ...engineOptions } = o;
  const db = new TerminalDatabase(terminalId, dexie ? { dexie } : {});
  const persisted = await requestPersistence(storage);
  const local = await LocalLog.open({ db, now: o.now, ...(onDrift ? { onDrift } : {}) });
  const engine = new SyncEngine({ ...engineOptions, db, local });
  const coordinator = new Coordinator({ local, engine, ...(coordinatorTimeoutMs !== undefined ? { timeoutMs: coordinatorTimeoutMs } : {}) });
  // The screens' tables follow the fold: one write after each burst of changes, by the leader.
  const views = new ViewWriter(db);
  await views.load();
  // A change during a write is not lost: it marks the views dirty and one more write follows.
  let pending: Promise<unknown> | null = null;
  let dirty = false;
  const refresh = () => {
    if (!engine.isLeader) return;
    if (pending) {
      dirty = true;
      return;
    }
    dirty = false;
    pending = Promise.resolve()
      .then(() => views.write(local.state, local.now()))
      .catch((err: unknown) => o.onError?.(err, 'views'))
      .finally(() => {
        pending = null;
        if (dirty) refresh();
      });
  };
  const stopViews = local.subscribe(refresh);
  await engine.start();
  // A window that is not the leader never writes views (the leader's window does).
  void engine.whenLeader().then(refresh);
  return {
    db,
    local,
    engine,
    coordinator,
    persisted,
    views,
    async close() {
      stopViews();
      dirty = false;
      while (pending) await pending;
      await engine.stop();
      db.close();
    },
  };
}
