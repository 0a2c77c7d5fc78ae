import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { formatIssues } from '../../shared/events/envelope';
import type { Role } from '../../shared/sync/protocol';
import type { Db } from '../db/db';
import type { LiveHub } from '../live/liveHub';
import type { Principal } from '../store/events';
import type { HallCache } from '../store/halls';
import type { ServerAuthor } from '../store/serverAuthor';
import type { HallLimits } from '../security/limits';
import type { LiveTokenInUrl } from '../security/tokenInUrl';
import { refuse } from './errors';

/** What every route needs, built once per server instance. */
export interface ServerContext {
  db: Db;
  cache: HallCache;
  live: LiveHub;
  author: ServerAuthor;
  now: () => number;
  isHub: boolean;
  /** Rate limits of the doors that answer strangers (enrollment, sign-in, progress page, SMS). */
  limits: HallLimits;
  /** Old clients' live sockets with `?token=` (the upgrade's transition): allowed and flagged, or refused. */
  liveTokenInUrl: LiveTokenInUrl;
}

/** The terminal's token: only ever from `Authorization: Bearer` (a token in a URL is refused, see tokenInUrl.ts). */
export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  return undefined;
}

/** The caller, and a 403 unless their role is one of `roles`. */
export async function principal(ctx: ServerContext, req: FastifyRequest, roles?: readonly Role[]): Promise<Principal> {
  const who = await ctx.limits.authenticate(ctx.db, req.ip, bearer(req), ctx.now());
  if (roles && !roles.includes(who.role)) {
    refuse(403, 'role-not-allowed', `a ${who.role} terminal may not do this (needs ${roles.join(' or ')})`, '该终端无权进行此操作');
  }
  return who;
}

export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) return refuse(400, 'bad-request', `${what}: ${formatIssues(r.error)}`, '请求内容不正确');
  return r.data;
}
