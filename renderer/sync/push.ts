/**
 * Pushing the outbox: own events in (origin, seq) order, in batches. A row leaves the outbox
 * only once the server's answer says it holds the event (`held[origin] >= seq`, or every event
 * of the batch counted as accepted or duplicate).
 *
 * A batch refused with a 4xx is split in halves until the bad event stands alone; that event
 * moves to quarantine with the server's error and the rest goes on, so one bad event never
 * blocks the outbox. Timing refusals (clock ahead of the server's) are retried later, never
 * quarantined. A server that lacks earlier events of this origin (seq-gap: say the hub was
 * down while central took them) gets them again from the local log first.
 */
import { MAX_PUSH_EVENTS } from '../../shared/sync/protocol';
import type { HallEvent } from '../../shared/events/envelope';
import type { OutboxRow, RefusalRecord, TerminalDatabase } from '../db/database';
import { classify } from './errors';
import { HttpError, type SyncTransport } from './transport';

export interface PushDeps {
  db: TerminalDatabase;
  transport: SyncTransport;
  /** Terminal time, for quarantine records. */
  now: () => number;
  batchSize?: number;
  /** Told about each event moved to quarantine. */
  onQuarantine?: (event: HallEvent, error: RefusalRecord) => void;
}

/** Why pushing stopped with rows left (shown on the status; retried on the next round). */
export interface PushBlock {
  code: string;
  message: string;
  messageZh?: string;
  origin: string;
  seq: number;
}

export interface PushOutcome {
  /** Rows the server acknowledged. */
  acknowledged: number;
  quarantined: number;
  blocked: PushBlock | null;
}

interface Step {
  acknowledged: number;
  quarantined: number;
  blocked: PushBlock | null;
}

const NONE: Step = { acknowledged: 0, quarantined: 0, blocked: null };

/** Push the whole outbox to one upstream. Throws what is not about the events (unreachable, auth). */
export async function pushOutbox(deps: PushDeps, upstream: string): Promise<PushOutcome> {
  const size = Math.min(deps.batchSize ?? MAX_PUSH_EVENTS, MAX_PUSH_EVENTS);
  const total: PushOutcome = { acknowledged: 0, quarantined: 0, blocked: null };
  for (;;) {
    const head = await deps.db.outboxHead(size);
    if (head.length === 0) return total;
    // One origin per batch (in practice there is only this install's), so a gap names it.
    const rows = head.filter((r) => r.origin === head[0]!.origin);
    const step = await pushRows(deps, upstream, rows, true);
    total.acknowledged += step.acknowledged;
    total.quarantined += step.quarantined;
    if (step.blocked) {
      total.blocked = step.blocked;
      return total;
    }
    if (step.acknowledged + step.quarantined === 0) return total; // no progress: next round
  }
}

async function pushRows(deps: PushDeps, upstream: string, rows: OutboxRow[], mayBackfill: boolean): Promise<Step> {
  let answer;
  try {
    answer = await deps.transport.push(
      upstream,
      rows.map((r) => r.event),
    );
  } catch (e) {
    const kind = classify(e);
    if (kind === 'refused') {
      if (rows.length === 1) {
        await deps.db.quarantineRows(rows, refusal(e), upstream, deps.now());
        deps.onQuarantine?.(rows[0]!.event, refusal(e));
        return { ...NONE, quarantined: 1 };
      }
      const mid = Math.ceil(rows.length / 2);
      const a = await pushRows(deps, upstream, rows.slice(0, mid), mayBackfill);
      if (a.blocked) return a;
      const b = await pushRows(deps, upstream, rows.slice(mid), mayBackfill);
      return { acknowledged: a.acknowledged + b.acknowledged, quarantined: a.quarantined + b.quarantined, blocked: b.blocked };
    }
    if (kind === 'gap' && mayBackfill && (await backfill(deps, upstream, rows[0]!))) return pushRows(deps, upstream, rows, false);
    if (kind === 'gap' || kind === 'later') return { ...NONE, blocked: block(e, rows[0]!) };
    throw e;
  }
  const everyEventHeld = answer.accepted + answer.duplicates === rows.length;
  const acknowledged = await deps.db.acknowledge(answer.held, everyEventHeld ? rows : [], upstream);
  const held = (r: OutboxRow) => everyEventHeld || (answer.held[r.origin] ?? 0) >= r.seq;
  const left = rows.find((r) => !held(r));
  if (left) {
    // A 2xx that does not cover the batch: not this protocol's server. Keep the rows, say so.
    return { acknowledged, quarantined: 0, blocked: { code: 'not-held', message: `the server answered but does not hold ${left.origin}:${left.seq}`, origin: left.origin, seq: left.seq } };
  }
  return { acknowledged, quarantined: 0, blocked: null };
}

/**
 * Resend own events the upstream lacks before `first` (already acknowledged by another server,
 * so gone from the outbox but still in the local log), from what this upstream last said it
 * held, else from the start. True when the upstream now holds everything before `first`.
 */
async function backfill(deps: PushDeps, upstream: string, first: OutboxRow): Promise<boolean> {
  const size = Math.min(deps.batchSize ?? MAX_PUSH_EVENTS, MAX_PUSH_EVENTS);
  const known = (await deps.db.getMeta('held'))?.[upstream]?.[first.origin] ?? 0;
  const starts = [...new Set([known + 1, 1])].filter((s) => s < first.seq);
  for (const start of starts) {
    let from = start;
    let ok = true;
    while (ok && from < first.seq) {
      const events = await deps.db.ownEvents(first.origin, from, first.seq - 1, size);
      if (events.length === 0) break;
      const rows = events.map((event) => ({ origin: event.origin, seq: event.seq, event, queuedAt: 0 }));
      const step = await pushRows(deps, upstream, rows, false);
      if (step.blocked) ok = false;
      from = events[events.length - 1]!.seq + 1;
    }
    if (ok) return true;
  }
  return false;
}

function refusal(e: unknown): RefusalRecord {
  if (e instanceof HttpError) return { status: e.status, code: e.code, message: e.message, ...(e.messageZh !== undefined ? { messageZh: e.messageZh } : {}) };
  return { status: 0, code: 'unknown', message: e instanceof Error ? e.message : String(e) };
}

function block(e: unknown, row: OutboxRow): PushBlock {
  const r = refusal(e);
  return { code: r.code, message: r.message, ...(r.messageZh !== undefined ? { messageZh: r.messageZh } : {}), origin: row.origin, seq: row.seq };
}
