import pg from 'pg';
import { RESYNC, type Db, type Queryable, type Row } from './db';

// serverSeq and counts are int8; they stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

export async function openPostgres(url: string, opts: { max?: number } = {}): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  pool.on('error', () => {
    // A dropped idle connection: the pool replaces it; queries report their own errors.
  });
  await pool.query('SELECT 1');
  let listener: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  const handlers = new Map<string, Set<(p: string) => void>>();
  // The LISTEN connection must outlive a database restart: on error or end, reconnect with
  // backoff, LISTEN again, and tell every handler to resynchronise (notifications were missed).
  const connectListener = (attempt = 0): Promise<pg.Client> => {
    if (connecting) return connecting;
    connecting = (async () => {
      for (;;) {
        const client = new pg.Client({ connectionString: url });
        try {
          await client.connect();
          for (const channel of handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
          client.on('notification', (n) => {
            for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
          });
          const lost = () => {
            if (listener !== client || closed) return;
            listener = undefined;
            void connectListener(1).then(() => {
              for (const set of handlers.values()) for (const h of set) h(RESYNC);
            });
          };
          client.on('error', lost);
          client.on('end', lost);
          listener = client;
          return client;
        } catch (err) {
          await client.end().catch(() => {});
          if (closed) throw err;
          attempt += 1;
          await new Promise((r) => setTimeout(r, Math.min(10_000, 200 * 2 ** attempt)));
        }
      }
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };
  const query = async <R extends Row>(sql: string, params?: unknown[]) => {
    const r = await pool.query(sql, params as unknown[]);
    return { rows: r.rows as R[] };
  };
  return {
    kind: 'postgres',
    query,
    async exec(sql) {
      await pool.query(sql);
    },
    async tx(fn) {
      const client = await pool.connect();
      const q: Queryable = {
        async query<R extends Row>(sql: string, params?: unknown[]) {
          const r = await client.query(sql, params as unknown[]);
          return { rows: r.rows as R[] };
        },
        async exec(sql) {
          await client.query(sql);
        },
      };
      try {
        await client.query('BEGIN');
        const out = await fn(q);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      let set = handlers.get(channel);
      const fresh = !set;
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(onPayload);
      const client = listener ?? (await connectListener());
      if (fresh && client === listener) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
      return async () => {
        set.delete(onPayload);
      };
    },
    async close() {
      closed = true;
      const l = listener;
      listener = undefined;
      await l?.end().catch(() => {});
      await pool.end();
    },
  };
}
