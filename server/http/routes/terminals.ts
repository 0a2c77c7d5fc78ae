/** Enrollment: admins create terminals and get one-time codes; terminals trade codes for tokens. */
import type { FastifyInstance } from 'fastify';
import { CreateTerminalSchema, EnrollRequestSchema, RelayedTerminalSchema } from '../../../shared/sync/protocol';
import { adoptRelayed, createTerminal, listTerminals, revoke } from '../../store/terminals';
import { enrollContinuing } from '../../store/enrollContinue';
import { parse, principal, type ServerContext } from '../context';
import { RequestError, refuse } from '../errors';

export function terminalRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/admin/terminals', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const t = parse(CreateTerminalSchema, req.body);
    return createTerminal(ctx.db, who.hall, t, ctx.now());
  });

  // Terminal health for the leader on duty (R17): when each was last heard from, and whether
  // it holds a live socket here. `now` is the server's clock, the one lastSeenAt is measured in.
  app.get('/api/admin/terminals', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const rows = await listTerminals(ctx.db, who.hall);
    const live = ctx.live.liveTerminals(who.hall);
    // liveTokenInUrlAt: the terminal still opens its live socket the old way (`?token=`): update it.
    return {
      now: ctx.now(),
      terminals: rows.map((t) => ({ ...t, live: live.has(t.id), liveTokenInUrlAt: ctx.liveTokenInUrl.lastAt(who.hall, t.id) ?? null })),
    };
  });

  app.delete('/api/admin/terminals/:id', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const { id } = req.params as { id: string };
    await revoke(ctx.db, who.hall, id, ctx.now());
    ctx.live.kick(who.hall, id);
    return { revoked: id };
  });

  // A hub relays its terminals' registrations, so they can fail over to central (hub role only).
  app.put('/api/hub/terminals/:id', async (req) => {
    const who = await principal(ctx, req, ['hub']);
    const t = parse(RelayedTerminalSchema, { ...(req.body as object), id: (req.params as { id: string }).id });
    try {
      await ctx.db.tx((q) => adoptRelayed(q, who.hall, t, ctx.now()));
    } catch (err) {
      // Two registrations racing for one token hash: the unique index decides, the answer is 409.
      if ((err as { code?: unknown }).code === '23505') refuse(409, 'token-clash', `another terminal already holds this token; enroll ${t.id} again at the hub`, '该令牌已被其他终端使用');
      throw err;
    }
    if (t.revoked) ctx.live.kick(who.hall, t.id);
    return { registered: t.id };
  });

  // Wrong codes count against the client address (429 past the budget); enrollments do not.
  app.post('/api/enroll', async (req) => {
    ctx.limits.checkEnroll(req.ip);
    const { code, continueEpoch } = parse(EnrollRequestSchema, req.body);
    try {
      return await ctx.db.tx((q) => enrollContinuing(q, code, ctx.now(), continueEpoch));
    } catch (err) {
      if (err instanceof RequestError && err.status === 401) ctx.limits.enrollFailed(req.ip);
      throw err;
    }
  });
}
