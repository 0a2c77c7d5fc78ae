import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, Row } from './db';

/** Embedded PostgreSQL (WASM). `dataDir` undefined = in memory. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = dataDir ? new PGlite(dataDir) : new PGlite();
  await pg.waitReady;
  const norm = <R extends Row>(rows: unknown[]): R[] =>
    rows.map((r) => {
      const o = r as Record<string, unknown>;
      for (const k of Object.keys(o)) if (typeof o[k] === 'bigint') o[k] = Number(o[k]);
      return o as R;
    });
  // PGlite runs one statement at a time; chain transactions so they never interleave.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => {});
    return run;
  };
  return {
    kind: 'pglite',
    ...(dataDir ? { dataDir } : {}),
    async query<R extends Row>(sql: string, params?: unknown[]) {
      return exclusive(async () => ({ rows: norm<R>((await pg.query(sql, params)).rows) }));
    },
    async exec(sql) {
      await exclusive(() => pg.exec(sql));
    },
    async tx(fn) {
      return exclusive(() =>
        pg.transaction(async (t) => {
          const q: Queryable = {
            async query<R extends Row>(sql: string, params?: unknown[]) {
              return { rows: norm<R>((await t.query(sql, params)).rows) };
            },
            async exec(sql) {
              await t.exec(sql);
            },
          };
          return fn(q);
        }),
      );
    },
    async listen(channel, onPayload) {
      const unsub = await pg.listen(channel, onPayload);
      return async () => {
        await unsub();
      };
    },
    async close() {
      await pg.close();
    },
  };
}
