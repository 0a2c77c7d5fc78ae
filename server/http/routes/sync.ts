/** Push, pull after a serverSeq checkpoint, and the hall's version vector (the live socket: live.ts). */
import type { FastifyInstance } from 'fastify';
import { MAX_PUSH_EVENTS, PullQuerySchema, PushRequestSchema } from '../../../shared/sync/protocol';
import { heldVector, ingest, pull } from '../../store/events';
import { eventsFor } from '../../store/pinVisibility';
import { parse, principal, type ServerContext } from '../context';
import { refuse } from '../errors';

export function syncRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/sync/push', async (req) => {
    const who = await principal(ctx, req);
    const body = req.body as { events?: unknown } | null;
    if (body && Array.isArray(body.events) && body.events.length > MAX_PUSH_EVENTS) {
      refuse(413, 'too-many-events', `a push carries at most ${MAX_PUSH_EVENTS} events; this one has ${body.events.length}`, `每次最多提交 ${MAX_PUSH_EVENTS} 条事件`);
    }
    const { events } = parse(PushRequestSchema, req.body);
    const r = await ingest(ctx.db, who, events, ctx.now(), ctx.cache);
    // The hall's screens get the events now, not after the notification's round trip and read.
    ctx.live.deliver(who.hall, r.after, r.visible, r.serverSeq);
    return { accepted: r.accepted, duplicates: r.duplicates, held: r.held, serverSeq: r.serverSeq, now: ctx.now() };
  });

  app.get('/api/sync/pull', async (req) => {
    const who = await principal(ctx, req);
    const { after, limit } = parse(PullQuerySchema, req.query, 'query');
    const page = eventsFor(who.role, await pull(ctx.db, who.hall, after, limit, who.role === 'hub'));
    return { ...page, now: ctx.now() };
  });

  // The hall's version vector { origin: held }: what a hub (or a terminal) still has to push.
  app.get('/api/sync/held', async (req) => {
    const who = await principal(ctx, req);
    return heldVector(ctx.db, who.hall);
  });

  // The live socket: routes/live.ts.
}
