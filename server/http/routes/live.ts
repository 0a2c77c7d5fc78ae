/**
 * The live socket: `GET /api/sync/live` (WebSocket). The token never travels in its URL:
 *
 * - a browser terminal sends `{t:'auth', token}` as its first message (within
 *   LIVE_AUTH_DEADLINE_MS, else the socket is closed);
 * - a program that can set headers (a hub following central) sends `Authorization: Bearer`;
 * - an old client's `?token=` is accepted only while `HALLQ_LIVE_TOKEN_IN_URL=allow` (the
 *   upgrade's transition; see server/security/tokenInUrl.ts), flagged in terminal health.
 *
 * Then `hello` (serverSeq, clock) and the hall's new events as they are stored. A refusal is one
 * `{t:'error'}` message and close code 4001; failures count against the address's budget.
 */
import type { FastifyInstance } from 'fastify';
import { LIVE_AUTH_DEADLINE_MS, LiveAuthSchema } from '../../../shared/sync/protocol';
import type { Principal } from '../../store/events';
import { LIVE_PATH, TOKEN_IN_URL, queryToken } from '../../security/tokenInUrl';
import { bearer, type ServerContext } from '../context';
import { RequestError } from '../errors';

export function liveRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(LIVE_PATH, { websocket: true }, (socket, req) => {
    let state: 'waiting' | 'authenticating' | 'joined' | 'closed' = 'waiting';
    let left: (() => void) | undefined;

    const refuseSocket = (error: string, message: string) => {
      if (state === 'closed') return;
      state = 'closed';
      try {
        socket.send(JSON.stringify({ t: 'error', error, message }));
        socket.close(4001, error);
      } catch {
        // already closing
      }
    };

    const start = async (token: string | undefined, how: 'header' | 'message' | 'url') => {
      clearTimeout(deadline);
      state = 'authenticating';
      let who: Principal;
      try {
        who = await ctx.limits.authenticate(ctx.db, req.ip, token, ctx.now());
      } catch (err) {
        const e = err instanceof RequestError ? err : new RequestError(401, 'bad-token', 'not authenticated');
        refuseSocket(e.code, e.message);
        return;
      }
      if (state !== 'authenticating') return; // closed meanwhile
      if (how === 'url' && ctx.liveTokenInUrl.mark(who.hall, who.terminalId, ctx.now())) {
        req.log.warn({ hall: who.hall, terminal: who.terminalId }, 'live socket with the token in its URL (an old client): update this terminal; HALLQ_LIVE_TOKEN_IN_URL=refuse turns these away');
      }
      const hall = who.hall;
      const member = { send: (d: string) => socket.send(d), close: (c?: number, r?: string) => socket.close(c, r), terminalId: who.terminalId };
      state = 'joined';
      left = () => ctx.live.leave(hall, member);
      const serverSeq = await ctx.live.join(hall, member);
      if ((state as string) === 'closed') {
        left();
        return;
      }
      socket.send(JSON.stringify({ t: 'hello', serverSeq, now: ctx.now() }));
    };

    const deadline = setTimeout(() => {
      if (state === 'waiting') {
        ctx.limits.authPerAddress.spend(req.ip, ctx.limits.now());
        refuseSocket('auth-timeout', `send {"t":"auth","token":...} within ${LIVE_AUTH_DEADLINE_MS} ms of opening the live socket`);
      }
    }, LIVE_AUTH_DEADLINE_MS);
    socket.on('close', () => {
      clearTimeout(deadline);
      const was = state;
      state = 'closed';
      if (was === 'joined') left?.();
    });

    const header = bearer(req);
    const inUrl = queryToken(req.url);
    if (header) return void start(header, 'header');
    if (inUrl !== undefined) {
      if (ctx.liveTokenInUrl.mode === 'allow') return void start(inUrl, 'url');
      clearTimeout(deadline);
      return refuseSocket(TOKEN_IN_URL.error, TOKEN_IN_URL.message);
    }
    socket.once('message', (data: Buffer | string) => {
      if (state !== 'waiting') return;
      let json: unknown;
      try {
        json = JSON.parse(String(data));
      } catch {
        json = undefined;
      }
      const m = LiveAuthSchema.safeParse(json);
      if (!m.success) {
        clearTimeout(deadline);
        ctx.limits.authPerAddress.spend(req.ip, ctx.limits.now());
        refuseSocket('auth-expected', 'the first message on the live socket is {"t":"auth","token":...}');
        return;
      }
      void start(m.data.token, 'message');
    });
  });
}
