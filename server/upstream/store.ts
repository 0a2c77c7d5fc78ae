/**
 * What a hub keeps about its upstream, in its own database: the upstream serverSeq it has pulled
 * up to, and what the upstream is known to hold per origin (its version vector, a lower bound).
 * Both survive a restart, so a hub that comes back while central is down still knows how much it
 * owes central.
 */
import type { Queryable } from '../db/db';

export interface Checkpoint {
  pulledAfter: number;
  upstreamHeld: Record<string, number>;
}

export async function loadCheckpoint(q: Queryable, upstream: string, hall: string): Promise<Checkpoint> {
  const r = await q.query<{ pulled_after: number; upstream_held: Record<string, number> | string }>(
    'SELECT pulled_after, upstream_held FROM upstream_checkpoints WHERE upstream = $1 AND hall = $2',
    [upstream, hall],
  );
  const row = r.rows[0];
  if (!row) return { pulledAfter: 0, upstreamHeld: {} };
  const held = typeof row.upstream_held === 'string' ? (JSON.parse(row.upstream_held) as Record<string, number>) : row.upstream_held;
  return { pulledAfter: Number(row.pulled_after), upstreamHeld: { ...held } };
}

export async function saveCheckpoint(q: Queryable, upstream: string, hall: string, c: Checkpoint, now: number): Promise<void> {
  await q.query(
    `INSERT INTO upstream_checkpoints (upstream, hall, pulled_after, upstream_held, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (upstream, hall) DO UPDATE SET pulled_after = EXCLUDED.pulled_after, upstream_held = EXCLUDED.upstream_held, updated_at = EXCLUDED.updated_at`,
    [upstream, hall, c.pulledAfter, JSON.stringify(c.upstreamHeld), now],
  );
}

/** How many events `local` holds that `upstream` lacks. */
export function owed(local: Record<string, number>, upstream: Record<string, number>): number {
  let n = 0;
  for (const [origin, held] of Object.entries(local)) n += Math.max(0, held - (upstream[origin] ?? 0));
  return n;
}

/**
 * The next batch the upstream lacks: per origin, the events after what it holds, in seq order
 * (a push must continue each origin without a gap). At most `limit` events.
 */
export async function eventsToPush(q: Queryable, local: Record<string, number>, upstream: Record<string, number>, limit: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const origin of Object.keys(local).sort()) {
    const from = upstream[origin] ?? 0;
    const to = local[origin]!;
    if (to <= from) continue;
    const r = await q.query<{ body: unknown }>('SELECT body FROM events WHERE origin = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4', [
      origin,
      from,
      to,
      limit - out.length,
    ]);
    for (const row of r.rows) out.push(row.body);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * A hub whose database was rebuilt pulls its own earlier server-authored events back from
 * central: move its server_origins counter past them, so its next own event does not reuse a
 * seq (which central would refuse as a conflict).
 */
export async function advanceServerOrigin(q: Queryable, origin: string, held: number): Promise<void> {
  await q.query(
    `INSERT INTO server_origins (origin, next_seq) VALUES ($1, $2)
     ON CONFLICT (origin) DO UPDATE SET next_seq = GREATEST(server_origins.next_seq, EXCLUDED.next_seq)`,
    [origin, held],
  );
}
