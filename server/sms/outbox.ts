/**
 * The SMS outbox: what to tell subscribers (enqueue), and getting it to the gateway (deliver).
 *
 * Enqueue reads the hall's fold and writes at most one 'near' notice (people ahead <= N) and
 * one 'called' notice (with the window) per ticket: the table's UNIQUE (hall, ticket_id, kind)
 * makes that hold whichever instance enqueues and however often.
 *
 * Delivery claims due rows with FOR UPDATE SKIP LOCKED in a short transaction and leases them
 * (attempts + 1, next_attempt_at = now + lease), then sends outside any transaction (PGlite runs
 * one transaction at a time for the whole database; a slow gateway must not stall the hall).
 * Two instances never claim the same row; the attempt number fences the result, so a late
 * answer cannot overwrite a newer attempt. A failure is retried with exponential backoff up to
 * maxAttempts; a notice older than maxAgeMs is dropped ("called" an hour late helps nobody).
 */
import { estimateForTicket } from '../../shared/estimate/wait';
import { localDate } from '../../shared/schedule/zone';
import type { Db, Queryable } from '../db/db';
import type { HallCache } from '../store/halls';
import { calledText, nearText } from './messages';
import type { SmsProvider } from './provider';

export interface EnqueueOptions {
  /** 'near' when this many people or fewer are ahead. */
  nearAhead: number;
  signature: string;
}

export interface DeliverOptions {
  batch: number;
  maxAttempts: number;
  /** How long a claimed row is held by the instance sending it; longer than the gateway timeout. */
  leaseMs: number;
  backoffMs: number;
  maxBackoffMs: number;
  maxAgeMs: number;
}

export const DEFAULT_DELIVER: DeliverOptions = {
  batch: 20,
  maxAttempts: 5,
  leaseMs: 60_000,
  backoffMs: 10_000,
  maxBackoffMs: 5 * 60_000,
  maxAgeMs: 30 * 60_000,
};

const DONE: ReadonlySet<string> = new Set(['serving', 'finished', 'cancelled', 'voided']);

async function insertNotice(q: Queryable, hall: string, ticketId: string, kind: 'near' | 'called', phone: string, body: string, now: number): Promise<number> {
  const r = await q.query(
    `INSERT INTO sms_outbox (hall, ticket_id, kind, phone, body, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
     ON CONFLICT (hall, ticket_id, kind) DO NOTHING RETURNING id`,
    [hall, ticketId, kind, phone, body, now],
  );
  return r.rows.length;
}

async function closeSubscription(q: Queryable, hall: string, ticketId: string, now: number, why: string): Promise<void> {
  await q.query('UPDATE sms_subscriptions SET closed_at = $3 WHERE hall = $1 AND ticket_id = $2 AND closed_at IS NULL', [hall, ticketId, now]);
  // A 'near' notice not yet sent is pointless once the ticket is called or gone.
  await q.query(`UPDATE sms_outbox SET status = 'failed', error = $3 WHERE hall = $1 AND ticket_id = $2 AND kind = 'near' AND status = 'pending'`, [
    hall,
    ticketId,
    `superseded: ${why}`,
  ]);
}

/** Look at every open subscription of a hall and enqueue the notices now due. */
export async function enqueueNotices(db: Db, cache: HallCache, hall: string, now: number, opts: EnqueueOptions): Promise<{ near: number; called: number }> {
  return db.tx(async (q) => {
    const out = { near: 0, called: 0 };
    const subs = await q.query<{ ticket_id: string; phone: string }>('SELECT ticket_id, phone FROM sms_subscriptions WHERE hall = $1 AND closed_at IS NULL', [hall]);
    if (!subs.rows.length) return out;
    const s = (await cache.get(q, hall, now)).state;
    const today = localDate(now, s.config.schedule.timeZone);
    for (const sub of subs.rows) {
      const t = s.tickets.get(sub.ticket_id);
      if (!t || t.day !== today || DONE.has(t.status)) {
        await closeSubscription(q, hall, sub.ticket_id, now, t ? `ticket ${t.status}` : 'ticket gone');
      } else if (t.status === 'called') {
        const label = (t.windowId ? s.config.windows.get(t.windowId)?.label : undefined) ?? t.windowId ?? '';
        out.called += await insertNotice(q, hall, t.id, 'called', sub.phone, calledText(opts.signature, t.number, label), now);
        await closeSubscription(q, hall, t.id, now, 'ticket called');
      } else if (t.status === 'waiting') {
        const e = estimateForTicket(s, t.id, now);
        if (e && e.ahead <= opts.nearAhead) {
          out.near += await insertNotice(q, hall, t.id, 'near', sub.phone, nearText(opts.signature, t.number, e.ahead, e.noOpenWindow ? undefined : e.minutes), now);
        }
      }
      // skipped: wait; a window may still put the ticket back or call it within the grace period.
    }
    return out;
  });
}

interface OutboxRow {
  id: number;
  phone: string;
  body: string;
  attempts: number;
  created_at: number;
}

export interface DeliverResult {
  sent: number;
  retried: number;
  failed: number;
  /** Rows claimed: a full batch means more may be due. */
  claimed: number;
}

/** Deliver one batch of due notices. */
export async function deliverDue(db: Db, provider: SmsProvider, now: () => number, o: DeliverOptions = DEFAULT_DELIVER): Promise<DeliverResult> {
  const result: DeliverResult = { sent: 0, retried: 0, failed: 0, claimed: 0 };
  const rows = await db.tx(async (q) => {
    const t = now();
    const due = await q.query<OutboxRow>(
      `SELECT id, phone, body, attempts, created_at FROM sms_outbox
       WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [t, o.batch],
    );
    const stale = due.rows.filter((r) => t - Number(r.created_at) > o.maxAgeMs);
    const fresh = due.rows.filter((r) => t - Number(r.created_at) <= o.maxAgeMs);
    if (stale.length) {
      await q.query(`UPDATE sms_outbox SET status = 'failed', error = 'expired: not delivered in time' WHERE id = ANY($1::bigint[])`, [stale.map((r) => r.id)]);
      result.failed += stale.length;
    }
    if (fresh.length) {
      await q.query('UPDATE sms_outbox SET attempts = attempts + 1, next_attempt_at = $2 WHERE id = ANY($1::bigint[])', [fresh.map((r) => r.id), t + o.leaseMs]);
    }
    result.claimed = due.rows.length;
    return fresh.map((r) => ({ ...r, attempts: r.attempts + 1 }));
  });
  await Promise.all(
    rows.map(async (r) => {
      try {
        await provider.send({ to: r.phone, text: r.body });
        await db.query(`UPDATE sms_outbox SET status = 'sent', sent_at = $3, error = NULL WHERE id = $1 AND attempts = $2`, [r.id, r.attempts, now()]);
        result.sent += 1;
      } catch (err) {
        const error = (err instanceof Error ? err.message : String(err)).slice(0, 300);
        if (r.attempts >= o.maxAttempts) {
          await db.query(`UPDATE sms_outbox SET status = 'failed', error = $3 WHERE id = $1 AND attempts = $2`, [r.id, r.attempts, error]);
          result.failed += 1;
        } else {
          const wait = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** (r.attempts - 1));
          await db.query(`UPDATE sms_outbox SET next_attempt_at = $3, error = $4 WHERE id = $1 AND attempts = $2`, [r.id, r.attempts, now() + wait, error]);
          result.retried += 1;
        }
      }
    }),
  );
  return result;
}

/**
 * R21: phone numbers are kept only while they are needed. After `retentionMs` the outbox keeps
 * the masked number (for the record of what was sent) and subscriptions are deleted.
 */
export async function purgePhones(db: Db, now: number, retentionMs: number): Promise<void> {
  const before = now - retentionMs;
  await db.query(
    `UPDATE sms_outbox SET phone = left(phone, 3) || '****' || right(phone, 4)
     WHERE created_at < $1 AND status <> 'pending' AND position('*' in phone) = 0`,
    [before],
  );
  await db.query('DELETE FROM sms_subscriptions WHERE created_at < $1', [before]);
}
