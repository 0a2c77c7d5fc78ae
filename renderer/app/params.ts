/**
 * What a page learns from its address in web mode (the Electron shell passes the same through
 * its preload): which terminal it is, the servers, a one-time enrollment code, the device host.
 *   /kiosk/?terminal=kiosk-1&code=XXXX&server=http://hub:8080&server=http://central&devices=ws://127.0.0.1:PORT&dt=TOKEN
 */
import { z } from 'zod';
import type { Bilingual } from '../../shared/config/text';

const Url = z.string().url().refine((u) => /^https?:\/\//.test(u), 'http(s) only');

export const PageParamsSchema = z.object({
  terminal: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'terminal ids are lowercase letters, digits and "-"'),
  code: z.string().min(6).max(64).optional(),
  servers: z.array(Url).max(4),
  devices: z.string().regex(/^wss?:\/\/[^\s]+$/, 'the device host is a ws:// address').optional(),
  dt: z.string().min(8).max(128).optional(),
  /** Kiosk: show the simulated-device hints (web mode demo). */
  demo: z.boolean().default(false),
});
export type PageParams = z.infer<typeof PageParamsSchema>;

export type ParamsResult = { ok: true; params: PageParams } | { ok: false; message: Bilingual };

export function readPageParams(href: string): ParamsResult {
  const u = new URL(href);
  const q = u.searchParams;
  const servers = q.getAll('server');
  const raw = {
    terminal: q.get('terminal') ?? undefined,
    code: q.get('code') ?? undefined,
    servers: servers.length > 0 ? servers : [u.origin],
    devices: q.get('devices') ?? undefined,
    dt: q.get('dt') ?? undefined,
    demo: q.get('demo') === '1',
  };
  const parsed = PageParamsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, params: parsed.data };
  const issue = parsed.error.issues[0]!;
  return {
    ok: false,
    message: {
      zh: `本机地址参数有误（${issue.path.join('.') || '地址'}），请联系大厅信息管理员。`,
      en: `This terminal's address is wrong (${issue.path.join('.') || 'address'}: ${issue.message}). Please call hall IT.`,
    },
  };
}
