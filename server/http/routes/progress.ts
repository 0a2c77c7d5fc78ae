/**
 * The citizen's progress page behind the ticket's QR code: `GET /p/:token` (HTML) and
 * `GET /api/progress/:token` (JSON), plus SMS notices (`POST /api/progress/:token/sms`, and the
 * same as a plain HTML form for the page, which runs no script). No sign-in: the token is the
 * capability. An unknown token answers 404 with the same body whatever the reason, and every
 * answer takes at least FLOOR_MS, so neither content nor timing tells which tokens exist.
 * Rate limits per client address (429 with Retry-After): lookups of tokens no ticket has
 * (a scan of the token space), lookups overall, and SMS subscriptions.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { TicketTokens, progressView, SUBSCRIBABLE, type ProgressView, type TokenEntry } from '../../store/progress';
import { PROGRESS_CSP, busyPage, notFoundPage, progressPage, smsFormPage } from '../../store/progressPage';
import { RateLimitedError } from '../../security/limits';
import { PHONE_PATTERN, isSubscribed, maskPhone, subscribe } from '../../sms/subscriptions';
import type { ServerContext } from '../context';
import { refuse } from '../errors';

/** Every progress answer takes at least this long: a miss is not faster than a hit. */
export const FLOOR_MS = 40;
const NOT_FOUND = {
  error: 'unknown-ticket',
  message: 'no ticket has this link; check the QR code on your ticket or ask at the information desk',
  messageZh: '未找到该号码，请核对二维码或到咨询台询问',
};
const BAD_PHONE = { zh: '请输入 11 位手机号码', en: 'Enter an 11-digit mainland China mobile number' };
const CLOSED = { zh: '该号码已办结或失效，无需提醒', en: 'This ticket is finished or no longer valid' };
// Spaces and dashes as people type them (138 1234 5678) are dropped before the check.
const PhoneSchema = z.object({ phone: z.string().transform((p) => p.replace(/[\s-]/g, '')) });

async function floor<T>(fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    const left = FLOOR_MS - (performance.now() - start);
    if (left > 0) await sleep(left);
  }
}

export function progressRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const tokens = new TicketTokens();

  const load = async (token: string, address: string): Promise<{ entry: TokenEntry; view: ProgressView } | undefined> => {
    ctx.limits.checkProgress(address);
    const entry = await tokens.find(ctx.db, token);
    if (!entry) {
      ctx.limits.progressMissed(address);
      return undefined;
    }
    const now = ctx.now();
    return ctx.db.tx(async (q) => {
      const fold = await ctx.cache.get(q, entry.hall, now);
      return { entry, view: progressView(fold.state, entry, now, await isSubscribed(q, entry.hall, entry.ticketId)) };
    });
  };

  /** Subscribe, or say why not: 'bad-phone' | 'closed'. */
  const subscribeTo = async (entry: TokenEntry, view: ProgressView, phone: string): Promise<'ok' | 'bad-phone' | 'closed'> => {
    if (!PHONE_PATTERN.test(phone)) return 'bad-phone';
    if (!SUBSCRIBABLE.has(view.status)) return 'closed';
    await subscribe(ctx.db, entry.hall, entry.ticketId, phone, ctx.now());
    return 'ok';
  };

  const html = (reply: FastifyReply, status: number, body: string) => reply.status(status).type('text/html; charset=utf-8').send(body);
  /** The pages' 429 is a page too (the JSON routes' goes through the error handler). */
  const page = async (reply: FastifyReply, fn: () => Promise<unknown>) => {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      return html(reply.header('retry-after', String(err.retryAfterS)), 429, busyPage(err.retryAfterS));
    }
  };

  // Encapsulated: the form body parser and the headers apply to these routes only.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('cache-control', 'no-store');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-frame-options', 'DENY');
      reply.header('content-security-policy', PROGRESS_CSP);
      return payload;
    });

    scope.get('/p/:token', (req, reply) =>
      floor(() =>
        page(reply, async () => {
          const { token } = req.params as { token: string };
          const found = await load(token, req.ip);
          return found ? html(reply, 200, progressPage(found.view, token)) : html(reply, 404, notFoundPage());
        }),
      ),
    );

    scope.get('/api/progress/:token', (req) =>
      floor(async () => {
        const found = await load((req.params as { token: string }).token, req.ip);
        return found ? found.view : refuse(404, NOT_FOUND.error, NOT_FOUND.message, NOT_FOUND.messageZh);
      }),
    );

    scope.post('/api/progress/:token/sms', (req) =>
      floor(async () => {
        const found = await load((req.params as { token: string }).token, req.ip);
        if (!found) return refuse(404, NOT_FOUND.error, NOT_FOUND.message, NOT_FOUND.messageZh);
        ctx.limits.takeSms(req.ip);
        const r = PhoneSchema.safeParse(req.body);
        const phone = r.success ? r.data.phone : '';
        const outcome = await subscribeTo(found.entry, found.view, phone);
        if (outcome === 'bad-phone') return refuse(400, 'bad-phone', BAD_PHONE.en, BAD_PHONE.zh);
        if (outcome === 'closed') return refuse(409, 'ticket-closed', CLOSED.en, CLOSED.zh);
        return { subscribed: true, phone: maskPhone(phone) };
      }),
    );

    scope.get('/p/:token/sms', (req, reply) =>
      floor(() =>
        page(reply, async () => {
          const { token } = req.params as { token: string };
          const found = await load(token, req.ip);
          return found ? html(reply, 200, smsFormPage(token, found.view.number)) : html(reply, 404, notFoundPage());
        }),
      ),
    );

    scope.post('/p/:token/sms', (req, reply) =>
      floor(() =>
        page(reply, async () => {
          const { token } = req.params as { token: string };
          const found = await load(token, req.ip);
          if (!found) return html(reply, 404, notFoundPage());
          ctx.limits.takeSms(req.ip);
          const r = PhoneSchema.safeParse(req.body);
          const outcome = await subscribeTo(found.entry, found.view, r.success ? r.data.phone : '');
          if (outcome === 'ok') return reply.status(303).header('location', `/p/${token}`).send();
          return html(reply, outcome === 'bad-phone' ? 400 : 409, smsFormPage(token, found.view.number, outcome === 'bad-phone' ? BAD_PHONE : CLOSED));
        }),
      ),
    );
  });
}
