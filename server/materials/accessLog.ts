/**
 * Who opened which material (issue 15, finding 12; R21; 等保 2.0 security audit): one row per
 * read of a material file: the terminal, its role and window, the clerk signed in at that
 * window when the server knows one, the time, the file, and the outcome.
 *
 * Refused reads are recorded too (outcome 'refused': a terminal whose role may not read
 * materials; 'not-found': a hash this hall does not hold, which is how a guess or another
 * hall's hash looks): an attempt is what an audit most needs to see. A request without a valid
 * token names no terminal and is not recorded here (the failed-authentication limit and the
 * server log count it).
 */
import type { Queryable } from '../db/db';
import type { Principal } from '../store/events';

export type AccessOutcome = 'read' | 'refused' | 'not-found';

export interface AccessEntry {
  sha256: string;
  terminal: string;
  role: string;
  windowId?: string;
  staffId?: string;
  outcome: AccessOutcome;
  at: number;
}

export async function recordAccess(q: Queryable, who: Principal, sha256: string, outcome: AccessOutcome, at: number, staffId?: string): Promise<void> {
  await q.query('INSERT INTO material_access (hall, sha256, terminal, role, window_id, staff_id, outcome, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    who.hall,
    sha256,
    who.terminalId,
    who.role,
    who.windowId ?? null,
    staffId ?? null,
    outcome,
    at,
  ]);
}

/** The hall's access log, newest first; of one file when `sha256` is given. */
export async function accessLog(q: Queryable, hall: string, o: { sha256?: string; from?: number; to?: number; limit: number }): Promise<AccessEntry[]> {
  const r = await q.query<{ sha256: string; terminal: string; role: string; window_id: string | null; staff_id: string | null; outcome: AccessOutcome; at: number | string }>(
    `SELECT sha256, terminal, role, window_id, staff_id, outcome, at FROM material_access
     WHERE hall = $1 AND ($2::text IS NULL OR sha256 = $2) AND at >= $3 AND at < $4
     ORDER BY at DESC, id DESC LIMIT $5`,
    [hall, o.sha256 ?? null, o.from ?? 0, o.to ?? Number.MAX_SAFE_INTEGER, o.limit],
  );
  return r.rows.map((x) => ({
    sha256: x.sha256,
    terminal: x.terminal,
    role: x.role,
    ...(x.window_id ? { windowId: x.window_id } : {}),
    ...(x.staff_id ? { staffId: x.staff_id } : {}),
    outcome: x.outcome,
    at: Number(x.at),
  }));
}
