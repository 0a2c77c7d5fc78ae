/**
 * Terminal health for the leader on duty (R17), from the server's GET /api/admin/terminals:
 * a terminal with a live socket is up; one not heard from for over two minutes is offline.
 * The response is checked at the boundary (zod) like every other input.
 */
import { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';

/** Not seen for longer than this (and no live socket): offline. */
export const OFFLINE_AFTER_MS = 2 * 60_000;
/** How often the admin asks. */
export const HEALTH_POLL_MS = 15_000;

export const TerminalHealthSchema = z.object({
  id: z.string(),
  role: z.string(),
  windowId: z.string().nullable(),
  lastSeenAt: z.number().nullable(),
  enrolled: z.boolean().default(true),
  live: z.boolean(),
  revoked: z.boolean(),
  /** Still opens its live socket with the token in the URL (an old app): update it (SECURITY.md). */
  liveTokenInUrlAt: z.number().nullable().default(null),
});
export type TerminalHealth = z.infer<typeof TerminalHealthSchema>;

export const HealthResponseSchema = z.object({ now: z.number(), terminals: z.array(TerminalHealthSchema) });
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

export type TerminalCondition = 'live' | 'online' | 'offline' | 'never-seen' | 'not-enrolled' | 'revoked' | 'this-screen' | 'server-token' | 'console-closed';

/**
 * The server's own admin credential (server/store/terminals.ts ensureAdmin): the row `admin`
 * holds the token the operator configured (HALLQ_ADMIN_TOKEN, the setup script's), not a screen.
 */
export const SERVER_ADMIN_ID = 'admin';

/**
 * `now` is the server's clock from the same response (lastSeenAt is measured in it); `self` is
 * the admin terminal asking. Admin consoles are not devices the hall needs running: one that is
 * not open is closed, not offline (issue 17: a phantom "admin" showed offline in red).
 */
export function terminalCondition(t: TerminalHealth, now: number, self?: string): TerminalCondition {
  if (t.revoked) return 'revoked';
  if (t.role === 'admin' && t.id === SERVER_ADMIN_ID) return 'server-token';
  if (!t.enrolled) return 'not-enrolled';
  if (self !== undefined && t.id === self) return 'this-screen';
  if (t.live) return 'live';
  if (t.role === 'admin') return t.lastSeenAt !== null && now - t.lastSeenAt <= OFFLINE_AFTER_MS ? 'online' : 'console-closed';
  if (t.lastSeenAt === null) return 'never-seen';
  return now - t.lastSeenAt > OFFLINE_AFTER_MS ? 'offline' : 'online';
}

/** Terminals that should be running and are not. The hall's own admin consoles are not devices of the hall. */
export function offlineTerminals(h: HealthResponse): TerminalHealth[] {
  return h.terminals.filter((t) => t.role !== 'admin' && ['offline', 'never-seen'].includes(terminalCondition(t, h.now)));
}

/** Shown next to a terminal that still runs an app from before tokens left URLs. */
export const OLD_CLIENT_TEXT: Bilingual = { zh: '旧版程序，请升级', en: 'Old app: update it' };

export const CONDITION_TEXT: Record<TerminalCondition, Bilingual> = {
  live: { zh: '在线（实时）', en: 'Online (live)' },
  online: { zh: '在线', en: 'Online' },
  offline: { zh: '离线', en: 'Offline' },
  'never-seen': { zh: '已注册，从未连接', en: 'Enrolled, never connected' },
  'not-enrolled': { zh: '未注册', en: 'Not enrolled' },
  revoked: { zh: '已吊销', en: 'Revoked' },
  'this-screen': { zh: '本机（正在使用）', en: 'This screen (in use)' },
  'server-token': { zh: '服务器管理令牌，不是终端', en: "The server's admin token, not a terminal" },
  'console-closed': { zh: '管理端未打开', en: 'Admin console not open' },
};
