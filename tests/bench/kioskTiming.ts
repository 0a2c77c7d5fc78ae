/**
 * Where the time goes, for `npm run bench -- kiosk`: the server's database work, timed from the
 * outside (a wrapper around the Db the hall server is given, and around its live hub's sockets),
 * and the terminal's parts, timed in the page by wrapping the terminal's own objects. Nothing
 * here changes what the code does; every clock is `performance.timeOrigin + performance.now()`
 * (the browser's and Node's agree: one machine, one wall clock).
 */
import type { Page } from 'playwright-core';
import type { Db, Queryable, Row } from '../../server/db/db';
import type { LiveHub, LiveSocket } from '../../server/live/liveHub';

export const clock = () => performance.timeOrigin + performance.now();

/** One piece of server work: a transaction (named after what it does) or a lone query. */
export interface Span {
  what: string;
  from: number;
  to: number;
  /** Inside a transaction: the COMMIT (the log flush a durable answer waits for). */
  commit?: number;
}

/** What a transaction or lone statement does, from its SQL. */
function classify(sqls: readonly string[]): string {
  const all = sqls.join('\n');
  if (all.includes('number_series')) return 'number';
  if (all.includes('FROM claims') || all.includes('INTO claims')) return 'claim';
  if (all.includes('INSERT INTO events')) return 'ingest';
  if (all.includes('ticket_facts')) return 'report-facts';
  if (all.includes('token_hash')) return 'auth';
  if (all.includes('CASE WHEN quiet')) return 'pull';
  if (all.includes('last_seen_at')) return 'auth';
  return 'other';
}

/** The Db, with every transaction and lone query recorded in `spans` (oldest first). */
export function timedDb(db: Db): { db: Db; spans: Span[] } {
  const spans: Span[] = [];
  const timed: Db = Object.create(db) as Db;
  Object.assign(timed, {
    kind: db.kind,
    query: async <R extends Row>(sql: string, params?: unknown[]) => {
      const from = clock();
      try {
        return await db.query<R>(sql, params);
      } finally {
        spans.push({ what: classify([sql]), from, to: clock() });
      }
    },
    exec: (sql: string) => db.exec(sql),
    tx: async <T>(fn: (q: Queryable) => Promise<T>) => {
      const from = clock();
      const sqls: string[] = [];
      let bodyEnd = 0;
      try {
        return await db.tx(async (q) => {
          const inner: Queryable = {
            query: (sql, params) => {
              sqls.push(sql);
              return q.query(sql, params);
            },
            exec: (sql) => q.exec(sql),
          };
          try {
            return await fn(inner);
          } finally {
            bodyEnd = clock();
          }
        });
      } finally {
        const to = clock();
        spans.push({ what: classify(sqls), from, to, commit: bodyEnd ? to - bodyEnd : 0 });
      }
    },
    listen: (channel: string, on: (p: string) => void) => db.listen(channel, on),
    close: () => db.close(),
  });
  return { db: timed, spans };
}

/** When the live hub handed each message to a socket (the server's part of the fan-out ends there). */
export function timedLive(live: LiveHub): { sends: Array<{ at: number; terminal: string; bytes: number }> } {
  const sends: Array<{ at: number; terminal: string; bytes: number }> = [];
  const join = live.join.bind(live);
  live.join = (hall: string, socket: LiveSocket) => {
    const send = socket.send.bind(socket);
    const wrapped: LiveSocket = {
      send: (d: string) => {
        sends.push({ at: clock(), terminal: socket.terminalId, bytes: d.length });
        send(d);
      },
      close: (c?: number, r?: string) => socket.close(c, r),
      terminalId: socket.terminalId,
    };
    return join(hall, wrapped);
  };
  return { sends };
}

/** The spans of `what` that started inside [from, to]. */
export function spansIn(spans: readonly Span[], from: number, to: number, what?: string): Span[] {
  return spans.filter((s) => s.from >= from && s.from <= to && (what === undefined || s.what === what));
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * In the page: time the terminal's parts. Each call of a wrapped method adds
 * `{what, from, to}` to `window.__parts` (the page clock as above).
 */
export async function timeTerminalParts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __parts: Array<{ what: string; from: number; to: number }> };
    w.__parts = [];
    const now = () => performance.timeOrigin + performance.now();
    const wrap = (obj: Record<string, unknown> | undefined, name: string, what: string) => {
      const f = obj?.[name];
      if (!obj || typeof f !== 'function') return;
      obj[name] = function (this: unknown, ...args: unknown[]) {
        const from = now();
        const r = (f as (...a: unknown[]) => unknown).apply(this, args);
        if (r && typeof (r as Promise<unknown>).then === 'function') {
          return (r as Promise<unknown>).finally(() => w.__parts.push({ what, from, to: now() }));
        }
        w.__parts.push({ what, from, to: now() });
        return r;
      };
    };
    const t = window.__hallq!.terminal as unknown as Record<string, Record<string, unknown>>;
    wrap(t.db, 'appendOwn', 'idb_append');
    wrap(t.db, 'storeReceived', 'idb_store');
    wrap(t.local?.fold as Record<string, unknown>, 'addMany', 'fold');
    const transport = (t.engine as unknown as { transport?: Record<string, unknown> }).transport;
    wrap(transport, 'number', 'http_number');
    wrap(transport, 'claim', 'http_claim');
    wrap(transport, 'push', 'http_push');
  });
}

export interface Part {
  what: string;
  from: number;
  to: number;
}

/** Take (and clear) the page's recorded parts. */
export function takeParts(page: Page): Promise<Part[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __parts: Array<{ what: string; from: number; to: number }> };
    const out = w.__parts;
    w.__parts = [];
    return out;
  });
}
