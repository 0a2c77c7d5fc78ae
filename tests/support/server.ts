/**
 * Start a real hall server for a test: on PGlite (in memory), or on PostgreSQL in a database of
 * its own when HALLQ_TEST_DATABASE_URL is set (CI sets it; in CI it is required).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../server/db/db';
import { openPglite } from '../../server/db/pglite';
import { openPostgres } from '../../server/db/postgres';
import { buildServer, type HallServer, type ServerOptions } from '../../server/http/app';
import { ensureAdmin, newToken } from '../../server/store/terminals';

export type DbKind = 'pglite' | 'postgres';

export const POSTGRES_URL = process.env.HALLQ_TEST_DATABASE_URL;
if (process.env.CI && !POSTGRES_URL) throw new Error('CI must run the server tests on PostgreSQL too: set HALLQ_TEST_DATABASE_URL (scripts/start-postgres.sh)');

/** The databases this run tests against. */
export const DB_KINDS: DbKind[] = POSTGRES_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDb {
  db: Db;
  url?: string;
  drop(): Promise<void>;
}

/** A fresh database: PGlite in memory, or a new PostgreSQL database dropped afterwards. */
export async function freshDb(kind: DbKind): Promise<TestDb> {
  if (kind === 'pglite') {
    const db = await openPglite();
    return { db, drop: () => db.close() };
  }
  const name = `hallq_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = POSTGRES_URL!.replace(/\/[^/]*$/, `/${name}`);
  const db = await openPostgres(url);
  return {
    db,
    url,
    async drop() {
      await db.close().catch(() => {});
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      try {
        // An autovacuum worker on the database is a process FORCE may not end for a role
        // without pg_signal_backend (42501), and a session may still be leaving (55006): it
        // finishes in moments, so try again rather than fail the suite's teardown.
        for (let attempt = 0; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            break;
          } catch (err) {
            const code = (err as { code?: string }).code;
            if (attempt >= 40 || (code !== '42501' && code !== '55006')) throw err;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}

export interface RunningServer {
  server: HallServer;
  url: string;
  adminToken: string;
  hall: string;
  stop(): Promise<void>;
}

export async function startServer(db: Db, opts: Partial<ServerOptions> & { hall?: string; port?: number } = {}): Promise<RunningServer> {
  const server = await buildServer({ db, ...opts });
  const hall = opts.hall ?? 'hall-1';
  const adminToken = newToken();
  await ensureAdmin(db, hall, adminToken, Date.now());
  await server.app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const addr = server.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { server, url: `http://127.0.0.1:${port}`, adminToken, hall, stop: () => server.close() };
}

/** A tiny JSON client for tests: status and body, never throws on 4xx. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

/** Create a terminal as the admin and enroll it: its token, origin epoch and identity. */
export async function enrollTerminal(s: RunningServer, id: string, role: string, windowId?: string) {
  const created = await call(s.url, 'POST', '/api/admin/terminals', { token: s.adminToken, body: { id, role, ...(windowId ? { windowId } : {}) } });
  if (created.status !== 200) throw new Error(`create ${id}: ${JSON.stringify(created.body)}`);
  const enrolled = await call(s.url, 'POST', '/api/enroll', { body: { code: created.body.code } });
  if (enrolled.status !== 200) throw new Error(`enroll ${id}: ${JSON.stringify(enrolled.body)}`);
  return enrolled.body as { token: string; epoch: number; terminal: { id: string; role: string; hall: string; windowId?: string } };
}
