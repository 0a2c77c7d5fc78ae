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

export type TerminalCondition = 'live' | 'online' | 'offline' | 'never-seen' | 'not-enrolled' | 'revoked';

/** `now` is the server's clock from the same response (lastSeenAt is measured in it). */
export function terminalCondition(t: TerminalHealth, now: number): TerminalCondition {
  if (t.revoked) return 'revoked';
  if (!t.enrolled) return 'not-enrolled';
  if (t.live) return 'live';
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
};
