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
}

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
    'UPDATE terminals SET token_hash = $1, epoch = $2, code_hash = NULL, code_expires_at = NULL, revoked_at = NULL, token_expires_at = NULL WHERE hall = $3 AND id = $4',
    [sha256(token), epoch, row.hall, row.id],
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
  return { hall: row.hall, terminalId: row.id, role: row.role, epoch: row.epoch, ...(row.window_id ? { windowId: row.window_id } : {}) };
}

export async function revoke(q: Queryable, hall: string, id: string, now: number): Promise<void> {
  const r = await q.query('UPDATE terminals SET revoked_at = $1 WHERE hall = $2 AND id = $3 RETURNING id', [now, hall, id]);
  if (!r.rows.length) refuse(404, 'unknown-terminal', `no terminal ${id} in hall ${hall}`, '没有该终端');
}

/** The first admin of a hall, from the server's configuration (there is no one to enroll it). */
export async function ensureAdmin(q: Queryable, hall: string, token: string, now: number): Promise<void> {
  await q.query(
    `INSERT INTO terminals (hall, id, role, epoch, token_hash, created_at) VALUES ($1, 'admin', 'admin', 1, $2, $3)
     ON CONFLICT (hall, id) DO UPDATE SET token_hash = EXCLUDED.token_hash, revoked_at = NULL`,
    [hall, sha256(token), now],
  );
}

/** A hall whose hub coordinates numbers and calls: the central server must not also do it. */
export async function hallHasHub(q: Queryable, hall: string): Promise<boolean> {
  const r = await q.query(`SELECT 1 FROM terminals WHERE hall = $1 AND role = 'hub' AND revoked_at IS NULL AND token_hash IS NOT NULL`, [hall]);
  return r.rows.length > 0;
}
