/**
 * Wrong-PIN lockouts for online sign-in, by the rule of shared/identity/pinLockout.ts, one state
 * per subject: the staff number ('staff:s1': one clerk's PIN guessed from many counters) and the
 * terminal ('terminal:counter-1': many clerks' PINs guessed from one counter).
 *
 * An attempt is counted as a failure before the PIN is checked (`reserve`), and cleared when it
 * turns out right (`clear`): so parallel guesses cannot all slip in under the limit while the
 * slow hash runs, and no transaction is held open during the hash.
 */
import { FRESH, canTry, parseLockout, recordFailure, type LockoutState } from '../../shared/identity/pinLockout';
import type { Db, Queryable } from '../db/db';

export const staffSubject = (staffId: string) => `staff:${staffId}`;
export const terminalSubject = (terminalId: string) => `terminal:${terminalId}`;

export type Reservation = { ok: true; triesLeft: number } | { ok: false; waitMs: number };

async function read(q: Queryable, hall: string, subject: string): Promise<LockoutState> {
  const r = await q.query<{ failures: number; locks: number; locked_until: number }>('SELECT failures, locks, locked_until FROM pin_lockouts WHERE hall = $1 AND subject = $2', [hall, subject]);
  const row = r.rows[0];
  return row ? parseLockout({ failures: Number(row.failures), locks: Number(row.locks), lockedUntil: Number(row.locked_until) }) : { ...FRESH };
}

async function write(q: Queryable, hall: string, subject: string, s: LockoutState): Promise<void> {
  await q.query(
    `INSERT INTO pin_lockouts (hall, subject, failures, locks, locked_until) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (hall, subject) DO UPDATE SET failures = EXCLUDED.failures, locks = EXCLUDED.locks, locked_until = EXCLUDED.locked_until`,
    [hall, subject, s.failures, s.locks, s.lockedUntil],
  );
}

/** Refuse while any subject is locked; else count this attempt as a failure for every subject. */
export async function reserve(db: Db, hall: string, subjects: readonly string[], now: number): Promise<Reservation> {
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['hallq:pin:' + hall]);
    const states = await Promise.all(subjects.map((s) => read(q, hall, s)));
    let waitMs = 0;
    for (const s of states) {
      const c = canTry(s, now);
      if (!c.ok) waitMs = Math.max(waitMs, c.waitMs);
    }
    if (waitMs > 0) return { ok: false, waitMs };
    let triesLeft = Infinity;
    for (let i = 0; i < subjects.length; i++) {
      const next = recordFailure(states[i]!, now);
      await write(q, hall, subjects[i]!, next);
      const c = canTry(next, now);
      triesLeft = Math.min(triesLeft, c.ok ? c.triesLeft : 0);
    }
    return { ok: true, triesLeft };
  });
}

/** The state after a reserved attempt failed: how many tries are left, or how long the lock lasts. */
export async function after(db: Db, hall: string, subjects: readonly string[], now: number): Promise<Reservation> {
  const states = await Promise.all(subjects.map((s) => read(db, hall, s)));
  let waitMs = 0;
  let triesLeft = Infinity;
  for (const s of states) {
    const c = canTry(s, now);
    if (!c.ok) waitMs = Math.max(waitMs, c.waitMs);
    else triesLeft = Math.min(triesLeft, c.triesLeft);
  }
  return waitMs > 0 ? { ok: false, waitMs } : { ok: true, triesLeft };
}

/** A right PIN: every subject starts over. */
export async function clear(db: Db, hall: string, subjects: readonly string[]): Promise<void> {
  await db.query('DELETE FROM pin_lockouts WHERE hall = $1 AND subject = ANY($2)', [hall, [...subjects]]);
}
