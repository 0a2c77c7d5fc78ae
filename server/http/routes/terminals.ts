/** Enrollment: admins create terminals and get one-time codes; terminals trade codes for tokens. */
import type { FastifyInstance } from 'fastify';
import { CreateTerminalSchema, EnrollRequestSchema, RelayedTerminalSchema } from '../../../shared/sync/protocol';
import { adoptRelayed, createTerminal, enroll, revoke } from '../../store/terminals';
import { parse, principal, type ServerContext } from '../context';

export function terminalRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/admin/terminals', async (req) => {
    const who = await principal(ctx, req, ['admin']);
    const t = parse(CreateTerminalSchema, req.body);
    return createTerminal(ctx.db, who.hall, t, ctx.now());
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
    await ctx.db.tx((q) => adoptRelayed(q, who.hall, t, ctx.now()));
    if (t.revoked) ctx.live.kick(who.hall, t.id);
    return { registered: t.id };
  });

  app.post('/api/enroll', async (req) => {
    const { code } = parse(EnrollRequestSchema, req.body);
    return ctx.db.tx((q) => enroll(q, code, ctx.now()));
  });
}
