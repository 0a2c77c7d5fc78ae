/**
 * The server's event log: idempotent ingest on (origin, seq), paged reads by serverSeq.
 *
 * serverSeq comes from one sequence for all halls; ingest holds the hall's advisory lock until
 * commit, so inside a hall serverSeqs become visible in order and a pull never skips one.
 */
import { ORIGIN_PATTERN, parseOrigin } from '../../shared/clock/origin';
import { hlcWall } from '../../shared/clock/hlc';
import { EnvelopeHeaderSchema, parseEvent, type HallEvent } from '../../shared/events/envelope';
import { MAX_FUTURE_MS, type Role } from '../../shared/sync/protocol';
import { mayAuthor } from '../../shared/sync/permissions';
import { lockHall, type Db, type Queryable } from '../db/db';
import { RequestError, refuse } from '../http/errors';
import { projectIngested } from './reportsProjection';
import { stableStringify } from './stable';
import { checkStaffSignIns } from './staffSignIn';
import { admitAtDoor, PERMANENT_DOOR_CODES } from '../admission/door';
import { cleanText, storable } from '../../shared/events/door';
import { checkBatch } from '../admission/batch';
import type { HallCache } from './halls';

export const EVENTS_CHANNEL = 'hallq_events';

/** Who is pushing, from their token. */
export interface Principal {
  hall: string;
  terminalId: string;
  role: Role;
  windowId?: string;
  epoch: number;
}

export interface StoredEvent {
  s: number;
  e: HallEvent;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  held: Record<string, number>;
  serverSeq: number;
  inserted: StoredEvent[];
  /** The hall's serverSeq before this batch: `visible` continues the log right after it. */
  after: number;
  /** The inserted events a pull serves (not quiet), by serverSeq: the live hub sends them at once. */
  visible: StoredEvent[];
}

/** Check one event against who sent it. Throws a RequestError naming the event. */
export function admit(raw: unknown, who: Principal, now: number, index: number): HallEvent {
  const parsed = parseEvent(raw);
  if (!parsed.ok) refuse(400, 'invalid-event', `event ${index}: ${parsed.error}`, `第 ${index} 条事件格式不正确`);
  // Input at the door (text, depth, masked forms, dates, configuration as parsed): server/admission/door.ts.
  const e = admitAtDoor((parsed as { ok: true; event: HallEvent }).event, raw, who, index);
  const where = `event ${index} (${e.origin}:${e.seq} ${e.type})`;
  if (e.hall !== who.hall) refuse(403, 'wrong-hall', `${where} belongs to hall ${e.hall}, not ${who.hall}`, '事件不属于本大厅');
  if (who.role !== 'hub') {
    const o = parseOrigin(e.origin);
    if (o.terminalId !== who.terminalId || o.epoch !== who.epoch) {
      refuse(403, 'not-your-origin', `${where} was not written by ${who.terminalId}~${who.epoch}`, '不能提交其他终端的事件');
    }
  }
  if (!mayAuthor(who.role, e.type)) refuse(403, 'type-not-allowed', `${where}: a ${who.role} may not write ${e.type}`, '该终端无权提交此类事件');
  // A hub relays events its own clock already admitted: refusing them here for a skew between
  // the two servers would stall the hall's replication, so the check is the first server's.
  if (who.role !== 'hub' && hlcWall(e.hlc) > now + MAX_FUTURE_MS) {
    refuse(422, 'clock-ahead', `${where} is dated ${Math.round((hlcWall(e.hlc) - now) / 1000)} s in the server's future; correct the terminal's clock`, '终端时钟超前，请校准时间');
  }
  const p = e.payload as { windowId?: string; channel?: string };
  if ((who.role === 'counter' || who.role === 'evaluator') && p.windowId !== undefined && p.windowId !== who.windowId) {
    refuse(403, 'other-window', `${where} is for window ${p.windowId}; this terminal serves ${who.windowId ?? 'no window'}`, '不能操作其他窗口');
  }
  if (e.type === 'ticket.issued') {
    if (who.role === 'kiosk' && p.channel === 'assisted') refuse(403, 'channel-not-allowed', `${where}: a kiosk cannot issue assisted tickets`, '取号机不能代办取号');
    if (who.role === 'counter' && p.channel !== 'assisted') refuse(403, 'channel-not-allowed', `${where}: a counter issues only assisted tickets`, '窗口只能代办取号');
  }
  return e;
}

/** Refusals that no retry can cure: the event itself is wrong for this terminal. */
const PERMANENT = new Set<string>(['invalid-event', 'type-not-allowed', 'other-window', 'channel-not-allowed', ...PERMANENT_DOOR_CODES]);

/**
 * `cache`: the hall's state, for the checks that need it (known services, ticket days, window
 * scope, noisy device events, overrides: server/admission/batch.ts); without it (tools,
 * benchmarks) only those are skipped.
 */
export async function ingest(db: Db, who: Principal, raws: readonly unknown[], now: number, cache?: HallCache): Promise<IngestResult> {
  try {
    return await ingestAdmitted(db, who, raws, now, cache);
  } catch (err) {
    // A terminal isolates a bad event by pushing it alone; then it is recorded and skipped.
    if (raws.length === 1 && err instanceof RequestError && PERMANENT.has(err.code)) await recordRefusal(db, who, raws[0], err, now);
    throw err;
  }
}

async function ingestAdmitted(db: Db, who: Principal, raws: readonly unknown[], now: number, cache?: HallCache): Promise<IngestResult> {
  const events = raws.map((r, i) => admit(r, who, now, i));
  const byOrigin = new Map<string, HallEvent[]>();
  for (const e of events) {
    let list = byOrigin.get(e.origin);
    if (!list) byOrigin.set(e.origin, (list = []));
    list.push(e);
  }
  for (const [origin, list] of byOrigin) {
    list.sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.seq === list[i - 1]!.seq) {
        if (stableStringify(list[i]) !== stableStringify(list[i - 1])) refuse(409, 'event-conflict', `${origin}:${list[i]!.seq} appears twice with different content`);
      } else if (list[i]!.seq !== list[i - 1]!.seq + 1) {
        refuse(409, 'seq-gap', `${origin}: seq ${list[i - 1]!.seq} is followed by ${list[i]!.seq} in the batch; events must be contiguous`, '事件序号不连续');
      }
    }
  }
  const result = await db.tx(async (q) => {
    await lockHall(q, who.hall);
    const origins = [...byOrigin.keys()];
    const heldRows = await q.query<{ origin: string; held: number; hall: string; last_hlc: string | null }>(
      'SELECT origin, held, hall, last_hlc FROM origins WHERE origin = ANY($1)',
      [origins],
    );
    const held = new Map(heldRows.rows.map((r) => [r.origin, r]));
    const fresh: HallEvent[] = [];
    const replayed: HallEvent[] = [];
    for (const [origin, list] of byOrigin) {
      const h = held.get(origin);
      if (h && h.hall !== who.hall) refuse(403, 'wrong-hall', `${origin} writes to hall ${h.hall}`);
      const top = h?.held ?? 0;
      let expect = top + 1;
      for (const e of list) {
        if (e.seq <= top) {
          replayed.push(e);
          continue;
        }
        if (fresh.length && fresh[fresh.length - 1]!.origin === origin && fresh[fresh.length - 1]!.seq === e.seq) continue;
        if (e.seq !== expect) {
          refuse(409, 'seq-gap', `${origin}: the server holds up to seq ${top}; next must be ${top + 1}, got ${e.seq}`, '事件序号不连续，请先补传之前的事件');
        }
        fresh.push(e);
        expect += 1;
      }
    }
    await checkReplays(q, replayed);
    await checkStaffSignIns(q, who, fresh);
    const verdict = await checkBatch(q, who, fresh, held, now, cache);
    // The hall's top before the insert, under the lock: nothing of the hall commits in between,
    // so the top after is the greater of it and what this batch got.
    const before = fresh.length ? await q.query<{ s: number | null }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [who.hall]) : undefined;
    const inserted = await insertEvents(q, fresh, verdict.quiet);
    const heldOut: Record<string, number> = {};
    for (const [origin, list] of byOrigin) {
      const top = Math.max(held.get(origin)?.held ?? 0, list[list.length - 1]!.seq);
      heldOut[origin] = top;
      if (top !== (held.get(origin)?.held ?? 0)) {
        await q.query(
          `INSERT INTO origins (origin, hall, held, last_hlc) VALUES ($1, $2, $3, $4) ON CONFLICT (origin)
           DO UPDATE SET held = EXCLUDED.held, last_hlc = GREATEST(origins.last_hlc, EXCLUDED.last_hlc)`,
          [origin, who.hall, top, verdict.lastHlc.get(origin) ?? null],
        );
      }
    }
    if (inserted.length > verdict.quiet.size) await q.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, who.hall]);
    const after = before
      ? Number(before.rows[0]?.s ?? 0)
      : Number((await q.query<{ s: number | null }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [who.hall])).rows[0]?.s ?? 0);
    const serverSeq = inserted.reduce((top, x) => Math.max(top, x.s), after);
    const visible = verdict.quiet.size ? inserted.filter((x) => !verdict.quiet.has(`${x.e.origin}:${x.e.seq}`)) : inserted;
    const dupes = new Set(replayed.map((e) => `${e.origin}:${e.seq}`)).size;
    return { accepted: inserted.length, duplicates: dupes, held: heldOut, serverSeq, inserted, after, visible };
  });
  // Reports read facts projected from the log: the projector takes the committed events from here.
  await projectIngested(db, who.hall, result.inserted, now);
  return result;
}

/**
 * Record a permanently refused event that sits right after what its origin holds, and move the
 * origin's held past it. Only the terminal's own events, and only at the head: never a gap.
 */
async function recordRefusal(db: Db, who: Principal, raw: unknown, err: RequestError, now: number): Promise<void> {
  const head = EnvelopeHeaderSchema.safeParse(raw);
  if (!head.success || head.data.hall !== who.hall) return;
  const o = ORIGIN_PATTERN.test(head.data.origin) ? parseOrigin(head.data.origin) : undefined;
  if (!o || o.terminalId !== who.terminalId || o.epoch !== who.epoch) return;
  const { origin, seq } = head.data;
  await db.tx(async (q) => {
    await lockHall(q, who.hall);
    const h = await q.query<{ held: number }>('SELECT held FROM origins WHERE origin = $1', [origin]);
    if ((h.rows[0]?.held ?? 0) + 1 !== seq) return;
    await q.query(
      `INSERT INTO refused_events (origin, seq, hall, body, status, code, message, refused_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (origin, seq) DO NOTHING`,
      // Kept as storable text: the refused event may hold exactly what PostgreSQL cannot (a NUL).
      [origin, seq, who.hall, JSON.stringify(storable(raw)), err.status, err.code, cleanText(err.message), now],
    );
    await q.query('INSERT INTO origins (origin, hall, held) VALUES ($1, $2, $3) ON CONFLICT (origin) DO UPDATE SET held = EXCLUDED.held', [origin, who.hall, seq]);
  });
}

/** A retry of events already held is fine; the same origin:seq with other content is not. */
async function checkReplays(q: Queryable, replayed: HallEvent[]): Promise<void> {
  if (!replayed.length) return;
  const refused = await q.query<{ origin: string; seq: number; status: number; code: string; message: string }>(
    'SELECT origin, seq, status, code, message FROM refused_events WHERE (origin, seq) IN (SELECT * FROM unnest($1::text[], $2::int[]))',
    [replayed.map((e) => e.origin), replayed.map((e) => e.seq)],
  );
  const r = refused.rows[0];
  // The same refused event again gets the same answer (it was never stored).
  if (r) throw new RequestError(r.status, r.code, `${r.origin}:${r.seq} was refused: ${r.message}`);
  const rows = await q.query<{ origin: string; seq: number; body: unknown }>(
    'SELECT origin, seq, body FROM events WHERE (origin, seq) IN (SELECT * FROM unnest($1::text[], $2::int[]))',
    [replayed.map((e) => e.origin), replayed.map((e) => e.seq)],
  );
  const stored = new Map(rows.rows.map((r) => [`${r.origin}:${r.seq}`, r.body]));
  for (const e of replayed) {
    const s = stored.get(`${e.origin}:${e.seq}`);
    if (s === undefined || stableStringify(s) !== stableStringify(e)) {
      throw new RequestError(409, 'event-conflict', `${e.origin}:${e.seq} is already held with different content; nothing was stored`, '事件编号已被占用，内容不同');
    }
  }
}

/** `quiet`: events (`origin:seq`) held but never served by pull (noisy device events). */
export async function insertEvents(q: Queryable, events: readonly HallEvent[], quiet: ReadonlySet<string> = new Set()): Promise<StoredEvent[]> {
  if (!events.length) return [];
  // One statement per batch: unnest keeps it to 7 parameters however large the batch.
  const r = await q.query<{ s: number; origin: string; seq: number }>(
    `INSERT INTO events (hall, origin, seq, hlc, type, body, quiet)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::jsonb[], $7::boolean[])
     ORDER BY 4, 2, 3
     RETURNING server_seq AS s, origin, seq`,
    [
      events.map((e) => e.hall),
      events.map((e) => e.origin),
      events.map((e) => e.seq),
      events.map((e) => e.hlc),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e)),
      events.map((e) => quiet.has(`${e.origin}:${e.seq}`)),
    ],
  );
  const byKey = new Map(events.map((e) => [`${e.origin}:${e.seq}`, e]));
  return r.rows.map((row) => ({ s: Number(row.s), e: byKey.get(`${row.origin}:${row.seq}`)! })).sort((a, b) => a.s - b.s);
}

/**
 * `withQuiet`: also the quiet events (noisy device events, server/admission/noisy.ts), for a hub,
 * which holds every origin densely; terminals never get them.
 */
export async function pull(db: Queryable, hall: string, after: number, limit: number, withQuiet = false): Promise<{ events: StoredEvent[]; last: number; more: boolean }> {
  const r = await db.query<{ s: number; body: HallEvent | null }>(
    'SELECT server_seq AS s, CASE WHEN quiet AND NOT $4 THEN NULL ELSE body END AS body FROM events WHERE hall = $1 AND server_seq > $2 ORDER BY server_seq LIMIT $3',
    [hall, after, limit + 1, withQuiet],
  );
  const more = r.rows.length > limit;
  const rows = more ? r.rows.slice(0, limit) : r.rows;
  const events = rows.filter((row) => row.body !== null).map((row) => ({ s: Number(row.s), e: row.body! }));
  return { events, last: rows.length ? Number(rows[rows.length - 1]!.s) : after, more };
}

/** The version vector of a hall: the highest contiguous seq held per origin. */
export async function heldVector(q: Queryable, hall: string): Promise<Record<string, number>> {
  const r = await q.query<{ origin: string; held: number }>('SELECT origin, held FROM origins WHERE hall = $1', [hall]);
  const out: Record<string, number> = {};
  for (const row of r.rows) out[row.origin] = Number(row.held);
  return out;
}
