/**
 * GET /api/sync/start: the hall's working set and the serverSeq to pull after (see
 * server/store/startSet.ts). A terminal that is new, or far behind, starts from it instead of
 * replaying the hall's history. Role-filtered exactly as pull: only counters and hubs receive
 * staff PIN verifiers (server/store/pinVisibility.ts).
 */
import type { FastifyInstance } from 'fastify';
import { startSet } from '../../store/startSet';
import { eventsFor } from '../../store/pinVisibility';
import { principal, type ServerContext } from '../context';

export function syncStartRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/sync/start', async (req) => {
    const who = await principal(ctx, req);
    const now = ctx.now();
    const set = eventsFor(who.role, await startSet(ctx.db, who.hall, now));
    return { events: set.events, last: set.last, since: set.since, now: ctx.now() };
  });
}
