/**
 * SMS subscriptions (R2 silent calling): a citizen leaves a mobile number on the progress page
 * to be told when their turn is near and which window calls them. The number is kept in this
 * table only, never in an event (events travel to every terminal of the hall); one per ticket.
 */
import type { Queryable } from '../db/db';

/** A mainland China mobile number, 11 digits. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
/** Subscribing wakes the SMS service of every instance at once (instead of at its next sweep). */
export const SMS_CHANNEL = 'hallq_sms';

/** 13812341234 -> 138****1234: what logs and answers show. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/** Subscribe (or change the number of) a ticket: one subscription per ticket, the last one wins. */
export async function subscribe(q: Queryable, hall: string, ticketId: string, phone: string, now: number): Promise<void> {
  await q.query(
    `INSERT INTO sms_subscriptions (hall, ticket_id, phone, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (hall, ticket_id) DO UPDATE SET phone = EXCLUDED.phone, created_at = EXCLUDED.created_at, closed_at = NULL`,
    [hall, ticketId, phone, now],
  );
  await q.query('SELECT pg_notify($1, $2)', [SMS_CHANNEL, hall]);
}

export async function isSubscribed(q: Queryable, hall: string, ticketId: string): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM sms_subscriptions WHERE hall = $1 AND ticket_id = $2', [hall, ticketId]);
  return r.rows.length > 0;
}
