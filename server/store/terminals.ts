/**
 * Terminal enrollment and authentication. An admin creates a terminal (role, hall, window) and
 * gets a one-time code; the terminal trades it for a token. Tokens are stored only as SHA-256
 * (they carry 256 random bits, so a fast hash is enough); codes expire in a day and work once.
 * Each enrollment starts a new origin epoch for that terminal.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Role } from '../../shared/sync/protocol';
import type { Queryable } from '../db/db';
import { refuse } from '../http/errors';
import type { Principal } from './events';

export const CODE_TTL_MS = 24 * 60 * 60 * 1000;
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function newToken(): string {
  return 'hq_' + randomBytes(32).toString('base64url');
}

function newCode(): string {
  let c = '';
  for (let i = 0; i < 10; i++) c += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return c;
}

interface TerminalRow {
  hall: string;
  id: string;
  role: Role;
  window_id: string | null;
  epoch: number;
  revoked_at: number | null;
  token_expires_at: number | null;
  code_expires_at: number | null;
  last_seen_at: number | string | null;
}

/** Terminal health (R17): `last_seen_at` is written at most this often per terminal. */
export const LAST_SEEN_EVERY_MS = 30_000;

export async function createTerminal(
  q: Queryable,
  hall: string,
  t: { id: string; role: Role; windowId?: string | undefined },
  now: number,
): Promise<{ code: string; expiresAt: number }> {
  if ((t.role === 'counter' || t.role === 'evaluator') && !t.windowId) {
    refuse(400, 'window-required', `a ${t.role} terminal serves one window: give windowId`, '窗口终端需要指定窗口');
  }
  const code = newCode();
  const expiresAt = now + CODE_TTL_MS;
  // Re-creating a terminal issues a new code; its current token keeps working until it enrolls.
  await q.query(
    `INSERT INTO terminals (hall, id, role, window_id, code_hash, code_expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (hall, id) DO UPDATE SET role = EXCLUDED.role, window_id = EXCLUDED.window_id,
       code_hash = EXCLUDED.code_hash, code_expires_at = EXCLUDED.code_expires_at`,
    [hall, t.id, t.role, t.windowId ?? null, sha256(code), expiresAt, now],
  );
  return { code, expiresAt };
}

export async function enroll(q: Queryable, code: string, now: number) {
  const r = await q.query<TerminalRow>('SELECT * FROM terminals WHERE code_hash = $1', [sha256(code.trim().toUpperCase())]);
  const row = r.rows[0];
  if (!row) return refuse(401, 'bad-code', 'this enrollment code is not valid (or was already used)', '注册码无效或已使用');
  if ((row.code_expires_at ?? 0) < now) return refuse(401, 'code-expired', 'this enrollment code has expired; ask the admin for a new one', '注册码已过期，请向管理员重新获取');
  const token = newToken();
  // Past every epoch this hall has seen from the terminal, including ones this server only
  // learned by replication (a rebuilt hub): a new install never writes under an old origin.
  const seen = await q.query<{ origin: string }>(`SELECT origin FROM origins WHERE hall = $1 AND origin LIKE $2`, [row.hall, `${row.id}~%`]);
  const highest = Math.max(row.epoch, ...seen.rows.map((r) => Number(r.origin.slice(row.id.length + 1)) || 0));
  const epoch = highest + 1;
  await q.query(
    'UPDATE terminals SET token_hash = $1, epoch = $2, code_hash = NULL, code_expires_at = NULL, revoked_at = NULL, token_expires_at = NULL, updated_at = $5 WHERE hall = $3 AND id = $4',
    [sha256(token), epoch, row.hall, row.id, now],
  );
  return {
    token,
    epoch,
    terminal: { id: row.id, role: row.role, hall: row.hall, ...(row.window_id ? { windowId: row.window_id } : {}) },
  };
}

export async function authenticate(q: Queryable, token: string | undefined, now: number): Promise<Principal> {
  if (!token) return refuse(401, 'no-token', 'sign in: this request needs a terminal token (Authorization: Bearer ...)', '缺少终端令牌');
  const r = await q.query<TerminalRow>('SELECT * FROM terminals WHERE token_hash = $1', [sha256(token)]);
  const row = r.rows[0];
  if (!row) return refuse(401, 'bad-token', 'this token is not known to the server', '终端令牌无效');
  if (row.revoked_at !== null) return refuse(401, 'token-revoked', `terminal ${row.id}'s token was revoked; enroll it again`, '终端令牌已被吊销，请重新注册');
  if (row.token_expires_at !== null && row.token_expires_at < now) {
    return refuse(401, 'token-expired', `terminal ${row.id}'s token has expired; enroll it again`, '终端令牌已过期，请重新注册');
  }
  await touchLastSeen(q, row, now);
  return { hall: row.hall, terminalId: row.id, role: row.role, epoch: row.epoch, ...(row.window_id ? { windowId: row.window_id } : {}) };
}

/**
 * Record that the terminal was heard from, at most every LAST_SEEN_EVERY_MS: the row just read
 * says when it was last written, and the guarded UPDATE keeps concurrent requests (or other
 * instances) from writing it again inside the interval.
 */
async function touchLastSeen(q: Queryable, row: TerminalRow, now: number): Promise<void> {
  const seen = row.last_seen_at === null ? null : Number(row.last_seen_at);
  if (seen !== null && seen > now - LAST_SEEN_EVERY_MS && seen <= now) return;
  await q.query('UPDATE terminals SET last_seen_at = $3 WHERE hall = $1 AND id = $2 AND (last_seen_at IS NULL OR last_seen_at <= $4 OR last_seen_at > $3)', [
    row.hall,
    row.id,
    now,
    now - LAST_SEEN_EVERY_MS,
  ]);
}

/** A hall's terminals as the admin's health view lists them (live sockets are added by the route). */
export interface TerminalHealthRow {
  id: string;
  role: Role;
  windowId: string | null;
  /** Server time this server last authenticated it; null = never. */
  lastSeenAt: number | null;
  /** Holds a token (enrolled at least once); false = created, code not used yet. */
  enrolled: boolean;
  revoked: boolean;
}

export async function listTerminals(q: Queryable, hall: string): Promise<TerminalHealthRow[]> {
  const r = await q.query<TerminalRow & { token_hash: string | null }>('SELECT * FROM terminals WHERE hall = $1 ORDER BY id', [hall]);
  return r.rows.map((t) => ({
    id: t.id,
    role: t.role,
    windowId: t.window_id,
    lastSeenAt: t.last_seen_at === null ? null : Number(t.last_seen_at),
    enrolled: t.token_hash !== null,
    revoked: t.revoked_at !== null,
  }));
}

export async function revoke(q: Queryable, hall: string, id: string, now: number): Promise<void> {
  const r = await q.query('UPDATE terminals SET revoked_at = $1, updated_at = $1 WHERE hall = $2 AND id = $3 RETURNING id', [now, hall, id]);
  if (!r.rows.length) refuse(404, 'unknown-terminal', `no terminal ${id} in hall ${hall}`, '没有该终端');
}

/**
 * The first admin of a hall, from the server's configuration (there is no one to enroll it).
 * Restores the row whole: role admin, no window, this token, not revoked or expired, whatever
 * was done to it (issue 15: a hub once could turn it into a kiosk). Another row that holds the
 * same token hash loses it: the operator's configured token wins.
 */
export async function ensureAdmin(q: Queryable, hall: string, token: string, now: number): Promise<void> {
  const hash = sha256(token);
  await q.query(`UPDATE terminals SET token_hash = NULL, revoked_at = $3, updated_at = $3 WHERE token_hash = $1 AND NOT (hall = $2 AND id = 'admin')`, [hash, hall, now]);
  await q.query(
    `INSERT INTO terminals (hall, id, role, epoch, token_hash, created_at) VALUES ($1, 'admin', 'admin', 1, $2, $3)
     ON CONFLICT (hall, id) DO UPDATE SET role = 'admin', window_id = NULL, token_hash = EXCLUDED.token_hash, revoked_at = NULL,
       token_expires_at = NULL, code_hash = NULL, code_expires_at = NULL`,
    [hall, hash, now],
  );
}

/** The rows of a hall's enrolled, unrevoked hubs; `hall` is the hall's placeholder ($1, $2...). */
export function hubSql(hall: string): string {
  return `SELECT 1 FROM terminals WHERE hall = ${hall} AND role = 'hub' AND revoked_at IS NULL AND token_hash IS NOT NULL`;
}

/** A hall whose hub coordinates numbers and calls: the central server must not also do it. */
export async function hallHasHub(q: Queryable, hall: string): Promise<boolean> {
  const r = await q.query(hubSql('$1'), [hall]);
  return r.rows.length > 0;
}

/** What a hub tells central about one of its terminals. */
export interface RelayedTerminal {
  id: string;
  role: Role;
  windowId?: string | undefined;
  epoch: number;
  tokenHash: string;
  revoked: boolean;
}

/** The roles a hub may register at central: the hall's own devices, never an admin, hub or booking platform. */
export const RELAYABLE_ROLES: readonly Role[] = ['kiosk', 'counter', 'evaluator', 'display'];

/** The hub's side: registrations central has not heard of yet (terminal roles only: never hubs, admins or booking). */
export async function terminalsToRelay(q: Queryable, hall: string): Promise<Array<RelayedTerminal & { updatedAt: number }>> {
  const r = await q.query<TerminalRow & { token_hash: string; updated_at: number }>(
    `SELECT * FROM terminals WHERE hall = $1 AND role IN (${RELAYABLE_ROLES.map((r) => `'${r}'`).join(', ')}) AND token_hash IS NOT NULL
       AND updated_at IS NOT NULL AND (upstream_synced_at IS NULL OR upstream_synced_at < updated_at)`,
    [hall],
  );
  return r.rows.map((t) => ({
    id: t.id,
    role: t.role,
    ...(t.window_id ? { windowId: t.window_id } : {}),
    epoch: t.epoch,
    tokenHash: t.token_hash,
    revoked: t.revoked_at !== null,
    updatedAt: Number(t.updated_at),
  }));
}

export async function markRelayed(q: Queryable, hall: string, id: string, updatedAt: number): Promise<void> {
  await q.query('UPDATE terminals SET upstream_synced_at = $3 WHERE hall = $1 AND id = $2', [hall, id, updatedAt]);
}

/**
 * Central's side: a hub registers one of its hall's terminals. The same token then works at
 * central, under the same epoch, so the terminal can fail over to central. A hub registers only
 * in its own hall (the caller passes the hub's hall) and only terminal roles; it never
 * overwrites a row of another role (an admin, a hub, or a terminal central's admin created
 * as something else), never takes a token hash another row holds, and never moves a terminal
 * backwards in epochs.
 */
export async function adoptRelayed(q: Queryable, hall: string, t: RelayedTerminal, now: number): Promise<void> {
  if (!RELAYABLE_ROLES.includes(t.role)) refuse(403, 'role-not-relayable', `a hub cannot register a ${t.role} (only ${RELAYABLE_ROLES.join(', ')})`, '大厅服务器不能注册该类终端');
  const cur = await q.query<TerminalRow>('SELECT * FROM terminals WHERE hall = $1 AND id = $2', [hall, t.id]);
  const row = cur.rows[0];
  if (row && row.role !== t.role) {
    refuse(409, 'role-mismatch', `${t.id} is a ${row.role} here, not a ${t.role}: a hub never changes another role's terminal (re-create it at central)`, '该终端在中心的类型不同，大厅服务器不能修改');
  }
  if (row && row.epoch > t.epoch) refuse(409, 'epoch-behind', `${t.id} is at epoch ${row.epoch} here; the hub says ${t.epoch}`, '终端注册信息已过期');
  const clash = await q.query('SELECT 1 FROM terminals WHERE token_hash = $1 AND NOT (hall = $2 AND id = $3)', [t.tokenHash, hall, t.id]);
  if (clash.rows.length) refuse(409, 'token-clash', `another terminal already holds this token; enroll ${t.id} again at the hub`, '该令牌已被其他终端使用，请在大厅服务器重新注册该终端');
  await q.query(
    `INSERT INTO terminals (hall, id, role, window_id, epoch, token_hash, revoked_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
     ON CONFLICT (hall, id) DO UPDATE SET role = EXCLUDED.role, window_id = EXCLUDED.window_id, epoch = EXCLUDED.epoch,
       token_hash = EXCLUDED.token_hash, revoked_at = EXCLUDED.revoked_at, code_hash = NULL, code_expires_at = NULL, updated_at = EXCLUDED.updated_at`,
    [hall, t.id, t.role, t.windowId ?? null, t.epoch, t.tokenHash, t.revoked ? now : null, now],
  );
}
