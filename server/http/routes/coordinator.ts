/** Online coordination: the next number of a series, and "call next" claimed atomically. */
import type { FastifyInstance } from 'fastify';
import { ClaimRequestSchema, NumberRequestSchema } from '../../../shared/sync/protocol';
import { allocateNumber, claimNext } from '../../store/coordinator';
import { parse, principal, type ServerContext } from '../context';

export function coordinatorRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/api/numbers', async (req) => {
    const who = await principal(ctx, req, ['kiosk', 'counter']);
    const { serviceId } = parse(NumberRequestSchema, req.body);
    return allocateNumber(ctx.db, ctx.cache, who, serviceId, ctx.now(), { isHub: ctx.isHub });
  });

  app.post('/api/claims', async (req) => {
    const who = await principal(ctx, req, ['counter']);
    const { windowId } = parse(ClaimRequestSchema, req.body);
    return claimNext(ctx.db, ctx.cache, who, windowId, ctx.now(), { isHub: ctx.isHub });
  });
}
