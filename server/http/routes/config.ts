/** The configuration API for the admin role: each change is validated, then stored as an event. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CONFIG_KINDS, IdSchema } from '../../../shared/config/schemas';
import { BilingualSchema } from '../../../shared/config/text';
import { admitConfigValue } from '../../../shared/events/door';
import { eventFor } from '../../store/pinVisibility';
import { parse, principal, type ServerContext } from '../context';
import { refuse } from '../errors';

const kinds = Object.keys(CONFIG_KINDS) as [keyof typeof CONFIG_KINDS, ...(keyof typeof CONFIG_KINDS)[]];
const ConfigChangeSchema = z.object({ kind: z.enum(kinds), id: IdSchema, value: z.unknown() });
const NoticeSchema = z.object({ noticeId: IdSchema, text: BilingualSchema, from: z.number().int().optional(), to: z.number().int().optional() });

export function configRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.put('/api/admin/config', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const change = parse(ConfigChangeSchema, req.body);
    // Refuse at the door (a bad value would be ignored by every fold anyway); stored as parsed:
    // unknown keys dropped, depth bounded, text clean (shared/events/door.ts).
    const admitted = admitConfigValue(change.kind, change.id, change.value);
    if (!admitted.ok) refuse(400, admitted.refusal.code, admitted.refusal.message, admitted.refusal.messageZh);
    const value = (admitted as { ok: true; value: unknown }).value;
    const [stored] = await ctx.author.write(who.hall, [{ type: 'config.changed', payload: { ...change, value } }]);
    return { serverSeq: stored!.s, event: eventFor(who.role, stored!.e) };
  });

  app.get('/api/admin/config', async (req) => {
    const who = await principal(ctx, req, ['admin', 'hub']);
    const fold = await ctx.db.tx((q) => ctx.cache.get(q, who.hall, ctx.now()));
    const c = fold.state.config;
    return {
      services: [...c.services.values()],
      windows: [...c.windows.values()],
      staff: [...c.staff.values()].map(({ pinHash: _pin, ...s }) => s),
      terminals: [...c.terminals.values()],
      schedule: c.schedule,
      policy: c.policy,
    };
  });

  app.post('/api/admin/notices', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const n = parse(NoticeSchema, req.body);
    const [stored] = await ctx.author.write(who.hall, [{ type: 'notice.published', payload: n }]);
    return { serverSeq: stored!.s };
  });
}
