/**
 * The kiosk bench's breakdown: each tap and each call cut into its parts (kioskTiming.ts
 * records them), then summarised as the median of every part over all runs and over the slow
 * tail (the runs at or above the 95th percentile of the total: what makes the p99).
 */
import type { Part, Span } from './kioskTiming';
import { spansIn, sum } from './kioskTiming';

const d = (x: { from: number; to: number }) => x.to - x.from;
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Every value in ms; `total` is the whole measured path. */
export type Breakdown = Record<string, number> & { total: number };

export interface TapBreakdown extends Breakdown {
  /** The number request, as the page saw it (HTTP, the server's work, the answer). */
  number_http_ms: number;
  /** The server's database work for it (authentication, the numbering transaction). */
  server_db_ms: number;
  /** Of which the COMMIT (the server's log flush). */
  server_commit_ms: number;
  /** The number request minus the database: HTTP, Fastify, validation, JSON, both ways. */
  http_overhead_ms: number;
  /** The strict IndexedDB append of the ticket and its outbox row. */
  idb_ms: number;
  /** Folding the new ticket into the hall state. */
  fold_ms: number;
  /** The rest: the screen's click handling, the local checks, waiting for the event loop. */
  other_ms: number;
}

export function tapBreakdown(taps: ReadonlyArray<{ from: number; to: number }>, parts: readonly Part[], server: readonly Span[]): TapBreakdown[] {
  return taps.map((t) => {
    const inTap = parts.filter((p) => p.from >= t.from - 0.5 && p.from <= t.to);
    const of = (what: string) => sum(inTap.filter((p) => p.what === what).map(d));
    const http = inTap.filter((p) => p.what === 'http_number');
    const srv = http.flatMap((h) => spansIn(server, h.from - 0.5, h.to)).filter((s) => s.what === 'number' || s.what === 'auth');
    const number_http_ms = sum(http.map(d));
    const server_db_ms = sum(srv.map(d));
    const idb_ms = of('idb_append');
    const fold_ms = of('fold');
    const total = t.to - t.from;
    return {
      total,
      number_http_ms,
      server_db_ms,
      server_commit_ms: sum(srv.map((s) => s.commit ?? 0)),
      http_overhead_ms: Math.max(0, number_http_ms - server_db_ms),
      idb_ms,
      fold_ms,
      other_ms: Math.max(0, total - number_http_ms - idb_ms - fold_ms),
    };
  });
}

export interface CallBreakdown extends Breakdown {
  /** The claim request on the counter (HTTP and the server's claim). */
  claim_http_ms: number;
  /** The server's database work for the claim (authentication, the claim transaction). */
  claim_db_ms: number;
  /** The counter's strict IndexedDB append of the call. */
  call_idb_ms: number;
  /** From the call stored on the counter to its push leaving. */
  push_wait_ms: number;
  /** The push request (HTTP and the server's ingest). */
  push_http_ms: number;
  /** The server's ingest transaction (admission, insert, notify) and its COMMIT. */
  ingest_db_ms: number;
  ingest_commit_ms: number;
  /** From the ingest's COMMIT to the live hub handing the call to the board's socket. */
  fanout_ms: number;
  /** From the board's socket message to the call in the board's fold (store, fold). */
  board_receive_ms: number;
  board_idb_ms: number;
  board_fold_ms: number;
  /** From the call in the board's fold to the repaint showing it. */
  paint_ms: number;
}

export function callBreakdown(
  at: { t0: number; authored: number; got: number; seen: number },
  counter: readonly Part[],
  board: readonly Part[],
  server: readonly Span[],
  sends: ReadonlyArray<{ at: number; terminal: string }>,
): CallBreakdown {
  const claim = counter.find((p) => p.what === 'http_claim' && p.from >= at.t0 - 0.5);
  const claimDb = claim ? spansIn(server, claim.from - 0.5, claim.to).filter((s) => s.what === 'claim' || s.what === 'auth') : [];
  const idb = counter.find((p) => p.what === 'idb_append' && p.from >= at.t0 - 0.5);
  const push = counter.find((p) => p.what === 'http_push' && p.from >= at.authored - 0.5);
  const ingest = push ? spansIn(server, push.from - 0.5, push.to, 'ingest')[0] : undefined;
  const send = ingest ? sends.find((s) => s.terminal === 'display-1' && s.at >= ingest.to - 0.5) : undefined;
  const store = send ? board.find((p) => p.what === 'idb_store' && p.from >= send.at - 0.5 && p.from <= at.got) : undefined;
  const fold = send ? sum(board.filter((p) => p.what === 'fold' && p.from >= send.at - 0.5 && p.from <= at.got).map(d)) : 0;
  return {
    total: at.seen - at.t0,
    claim_http_ms: claim ? d(claim) : 0,
    claim_db_ms: sum(claimDb.map(d)),
    call_idb_ms: idb ? d(idb) : 0,
    push_wait_ms: push ? Math.max(0, push.from - at.authored) : 0,
    push_http_ms: push ? d(push) : 0,
    ingest_db_ms: ingest ? d(ingest) : 0,
    ingest_commit_ms: ingest?.commit ?? 0,
    fanout_ms: send && ingest ? Math.max(0, send.at - ingest.to) : 0,
    board_receive_ms: send ? Math.max(0, at.got - send.at) : 0,
    board_idb_ms: store ? d(store) : 0,
    board_fold_ms: fold,
    paint_ms: at.seen - at.got,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return 0;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The median of every part, over all runs and over the slow tail (total at or above its p95). */
export function partsSummary(runs: readonly Breakdown[]): { p50: Record<string, number>; tail: Record<string, number> } {
  const keys = runs.length ? Object.keys(runs[0]!) : [];
  const sorted = [...runs].sort((a, b) => a.total - b.total);
  const tail = sorted.slice(Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95)));
  const summary = (rs: readonly Breakdown[]) => Object.fromEntries(keys.map((k) => [k === 'total' ? 'total_ms' : k, r1(median(rs.map((r) => r[k]!)))]));
  return { p50: summary(runs), tail: summary(tail) };
}

export function prefixed(prefix: string, o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [prefix + k, v]));
}

const line = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k.replace(/_ms$/, '')} ${v}`)
    .join(', ');

export function printTapParts(what: string, runs: readonly TapBreakdown[]): void {
  const s = partsSummary(runs);
  console.log(`${what}, where the time goes (ms, median): ${line(s.p50)}`);
  console.log(`${what}, slow tail (>= p95, median): ${line(s.tail)}`);
}

export function printCallParts(runs: readonly CallBreakdown[]): void {
  const s = partsSummary(runs);
  console.log(`call to board, where the time goes (ms, median): ${line(s.p50)}`);
  console.log(`call to board, slow tail (>= p95, median): ${line(s.tail)}`);
}
