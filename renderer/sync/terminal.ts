/**
 * Putting a terminal's sync together: its database, local log, engine and coordinator. The
 * screens call this once at start with the browser's objects; tests with fakes.
 */
import { TerminalDatabase, requestPersistence, type DatabaseOptions } from '../db/database';
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
  await engine.start();
  return {
    db,
    local,
    engine,
    coordinator,
    persisted,
    async close() {
      await engine.stop();
      db.close();
    },
  };
}
