/**
 * The one database interface the server uses. Two implementations with the same SQL: PostgreSQL
 * (central server, `DATABASE_URL`) and PGlite (embedded hub / web mode / tests).
 */
/** A result row; callers name the columns they selected. */
export type Row = object;

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** PGlite's data directory (undefined: in memory, or PostgreSQL). */
  readonly dataDir?: string;
  /** Run `fn` in one transaction; rolled back if it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel; returns the unlisten function. After a lost connection the handler is
   * called with RESYNC: notifications may have been missed, so look at everything.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The advisory lock key of a hall (for a statement that takes the lock along with other work). */
export const hallLockKey = (hall: string): string => 'hallq:' + hall;

/** Serialise work per hall across every server instance: a transaction-scoped advisory lock. */
export async function lockHall(q: Queryable, hall: string): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [hallLockKey(hall)]);
}

/** The payload a listener gets when notifications may have been lost. */
export const RESYNC = '*';
