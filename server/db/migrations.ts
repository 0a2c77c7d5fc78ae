/**
 * Schema migrations, the same SQL for PostgreSQL and PGlite. Applied in order, each once,
 * recorded in schema_migrations; never edited after release (add a new one).
 */
import type { Db } from './db';

const MIGRATIONS: Array<{ id: number; name: string; sql: string }> = [
  {
    id: 1,
    name: 'events, terminals, numbers, claims',
    sql: `
      CREATE TABLE events (
        server_seq BIGSERIAL PRIMARY KEY,
        hall TEXT NOT NULL,
        origin TEXT NOT NULL,
        seq INTEGER NOT NULL,
        hlc TEXT NOT NULL,
        type TEXT NOT NULL,
        body JSONB NOT NULL,
        received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        UNIQUE (origin, seq)
      );
      CREATE INDEX events_hall_seq ON events (hall, server_seq);
      CREATE INDEX events_hall_type ON events (hall, type);

      -- Highest contiguous seq held per origin: pushes must continue it, never leave a gap.
      CREATE TABLE origins (
        origin TEXT PRIMARY KEY,
        hall TEXT NOT NULL,
        held INTEGER NOT NULL
      );

      CREATE TABLE terminals (
        hall TEXT NOT NULL,
        id TEXT NOT NULL,
        role TEXT NOT NULL,
        window_id TEXT,
        epoch INTEGER NOT NULL DEFAULT 0,
        token_hash TEXT UNIQUE,
        token_expires_at BIGINT,
        code_hash TEXT UNIQUE,
        code_expires_at BIGINT,
        revoked_at BIGINT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (hall, id)
      );

      CREATE TABLE number_series (
        hall TEXT NOT NULL,
        day TEXT NOT NULL,
        prefix TEXT NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (hall, day, prefix)
      );

      CREATE TABLE claims (
        hall TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        window_id TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (hall, ticket_id)
      );

      -- Events the server itself writes (configuration API, appointments) get dense seqs here.
      CREATE TABLE server_origins (
        origin TEXT PRIMARY KEY,
        next_seq INTEGER NOT NULL
      );
    `,
  },
];

export async function migrate(db: Db): Promise<number> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  let applied = 0;
  for (const m of MIGRATIONS) {
    await db.tx(async (q) => {
      // Two instances starting together: one migrates, the other waits and sees it done.
      await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['hallq:migrate']);
      const done = await q.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (done.rows.length) return;
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied += 1;
    });
  }
  return applied;
}

export function latestMigration(): number {
  return MIGRATIONS[MIGRATIONS.length - 1]!.id;
}
