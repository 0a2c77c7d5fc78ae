/**
 * For the admin: events that took a ticket another window had called, or replaced a citizen's
 * rating, by being dated earlier (authored offline, or back-dated by a terminal in the wrong
 * hands), the device events kept quiet and the events refused for good (quarantined on their
 * terminal) per terminal over the last day (server/admission/).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listOverrides, quietSummary, refusedSummary } from '../../admission/overrides';
import { parse, principal, type ServerContext } from '../context';

const QuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) });

export function overrideRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/admin/overrides', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const { limit } = parse(QuerySchema, req.query, 'query');
    const [overrides, quietFaults, refused] = await Promise.all([
      listOverrides(ctx.db, who.hall, limit),
      quietSummary(ctx.db, who.hall, ctx.now()),
      refusedSummary(ctx.db, who.hall, ctx.now()),
    ]);
    return { now: ctx.now(), overrides, quietFaults, refused };
  });
}
