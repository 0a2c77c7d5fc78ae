/**
 * Enrollment of a terminal that still holds events this server never received: a server that
 * lost its database (web mode in memory, restarted; a hub rebuilt from nothing) knows neither
 * the terminal's token nor its origin. The terminal, given a new code, asks to continue its
 * origin epoch (`continueEpoch`); when this server has never seen that epoch or a later one of
 * the terminal (not in its terminals row, not among the origins it holds, replicated ones
 * included), nothing of that origin exists here, so continuing it reuses no `origin:seq`: the
 * terminal re-pushes its own events (the seq-gap answer makes it resend from seq 1) and its
 * offline tickets arrive. Otherwise the usual new epoch is given and the terminal says what it
 * could not deliver.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/db';
import { enroll } from './terminals';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function enrollContinuing(q: Queryable, code: string, now: number, continueEpoch: number | undefined): Promise<Awaited<ReturnType<typeof enroll>>> {
  // Before the enrollment: the highest epoch this server knows of the code's terminal.
  const row = (await q.query<{ hall: string; id: string; epoch: number }>('SELECT hall, id, epoch FROM terminals WHERE code_hash = $1', [sha256(code.trim().toUpperCase())])).rows[0];
  let known = Infinity;
  if (row && continueEpoch !== undefined) {
    const seen = await q.query<{ origin: string }>('SELECT origin FROM origins WHERE hall = $1 AND origin LIKE $2', [row.hall, `${row.id}~%`]);
    known = Math.max(Number(row.epoch), ...seen.rows.map((r) => Number(r.origin.slice(row.id.length + 1)) || 0));
  }
  const enrolled = await enroll(q, code, now);
  if (continueEpoch === undefined || !row || continueEpoch <= known) return enrolled;
  await q.query('UPDATE terminals SET epoch = $1 WHERE hall = $2 AND id = $3', [continueEpoch, row.hall, row.id]);
  return { ...enrolled, epoch: continueEpoch };
}
