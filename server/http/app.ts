/**
 * The hall server: HTTP + WebSocket on Fastify, over one Db. Holds no state of its own beyond
 * connections and caches refreshed from the database, so several instances can share one
 * PostgreSQL.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { Db } from '../db/db';
import { migrate } from '../db/migrations';
import { LiveHub } from '../live/liveHub';
import { HallCache } from '../store/halls';
import { ServerAuthor } from '../store/serverAuthor';
import { startSms } from '../sms/service';
import { UpstreamLink, type UpstreamOptions } from '../upstream/link';
import { HallLimits, RateLimitedError, type RateBudgets } from '../security/limits';
import { loggerOptions } from '../security/logging';
import { LiveTokenInUrl, refuseTokenInUrl, type LiveTokenMode } from '../security/tokenInUrl';
import { notFoundBody, zhFor } from '../security/errorBodies';
import type { ServerContext } from './context';
import { RequestError } from './errors';
import { appointmentRoutes } from './routes/appointments';
import { configRoutes } from './routes/config';
import { staffRoutes } from './routes/staff';
import { materialRoutes } from './routes/materials';
import { overrideRoutes } from './routes/overrides';
import { coordinatorRoutes } from './routes/coordinator';
import { liveRoutes } from './routes/live';
import { progressRoutes } from './routes/progress';
import { reportRoutes } from './routes/reports';
import { syncRoutes } from './routes/sync';
import { syncStartRoutes } from './routes/syncStart';
import { terminalRoutes } from './routes/terminals';
import { screenRoutes } from './screens';

export interface ServerOptions {
  db: Db;
  /** Names this server's own events' origin: 'srv' (central) or 'hub'. */
  serverId?: string;
  /** This server is a hall's hub (it coordinates numbers and calls for its hall). */
  isHub?: boolean;
  /** A hub's link to the central server: replicate its hall both ways (needs isHub). */
  upstream?: UpstreamOptions;
  now?: () => number;
  /** JSON lines (pino), secrets redacted (server/security/logging.ts); `stream` for tests. */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
  /** Rate limit budgets (default DEFAULT_BUDGETS) and their clock (default the real one). */
  rateLimits?: { budgets?: Partial<RateBudgets>; clock?: () => number };
  /** Old clients' live sockets with `?token=`: 'allow' (this release's default, flagged) or 'refuse'. */
  liveTokenInUrl?: LiveTokenMode;
  /**
   * Which proxies' X-Forwarded-For is believed for the client address (rate limits): Fastify's
   * trustProxy (addresses or CIDRs, or true). Default: loopback only, so a client on
   * the LAN cannot pick its own address.
   */
  trustProxy?: boolean | string | string[];
  /** Serve the built screens (dist/web) from this directory: web mode. */
  screensDir?: string;
}

export interface HallServer {
  app: FastifyInstance;
  ctx: ServerContext;
  /** The hub's link to central, when it has one. */
  upstream?: UpstreamLink;
  /** Stop taking requests, finish the ones in flight (every acknowledged event is committed). */
  close(): Promise<void>;
}

export const BODY_LIMIT = 4 * 1024 * 1024;

export async function buildServer(opts: ServerOptions): Promise<HallServer> {
  const now = opts.now ?? Date.now;
  // A hub's own events must never share central's origin for the hall.
  const serverId = opts.serverId ?? (opts.isHub ? 'hub' : 'srv');
  if (opts.upstream && !opts.isHub) throw new Error('a server with an upstream is a hall hub: set isHub');
  await migrate(opts.db);
  const app = Fastify({
    logger: opts.logger ? loggerOptions(opts.logger === true ? { level: 'info' } : opts.logger) : false,
    bodyLimit: BODY_LIMIT,
    // Behind a hall's reverse proxy the client address comes from X-Forwarded-For.
    trustProxy: opts.trustProxy ?? 'loopback',
  });
  const live = new LiveHub(opts.db, (err) => app.log.error({ err }, 'live delivery failed'));
  const ctx: ServerContext = {
    db: opts.db,
    cache: new HallCache(),
    live,
    author: new ServerAuthor(opts.db, serverId, now),
    now,
    isHub: opts.isHub ?? false,
    limits: new HallLimits(opts.rateLimits?.budgets, opts.rateLimits?.clock),
    liveTokenInUrl: new LiveTokenInUrl(opts.liveTokenInUrl ?? 'allow'),
  };
  const upstream = opts.upstream ? new UpstreamLink(opts.db, opts.upstream, { serverId, now, log: app.log }) : undefined;

  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  app.setErrorHandler((err: FastifyError | RequestError, req, reply) => {
    if (err instanceof RequestError) {
      if (err instanceof RateLimitedError) reply.header('retry-after', String(err.retryAfterS));
      return reply.status(err.status).send({ error: err.code, message: err.message, messageZh: err.messageZh ?? zhFor(err.status) });
    }
    const status = err.statusCode ?? 500;
    if (status < 500) {
      const code =
        err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
          ? 'bad-json'
          : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'too-large'
            : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? 'bad-content-type'
              : 'bad-request';
      const message =
        code === 'bad-json' ? `the body is not valid JSON: ${err.message}` : code === 'too-large' ? `the body is larger than ${BODY_LIMIT} bytes` : err.message;
      return reply.status(status).send({ error: code, message, messageZh: code === 'bad-request' ? zhFor(status) : code === 'too-large' ? '请求内容过大' : '请求格式不正确' });
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: 'server-error', message: 'the server failed; nothing was stored, try again', messageZh: '服务器错误，请重试' });
  });

  // Unknown routes: the same bilingual body as every other refusal.
  app.setNotFoundHandler((req, reply) => reply.status(404).send(notFoundBody(req.method, req.url)));
  refuseTokenInUrl(app);

  app.get('/health', async () => {
    await opts.db.query('SELECT 1');
    return { ok: true, db: opts.db.kind, live: live.connections(), now: now(), ...(upstream ? { upstream: upstream.status() } : {}) };
  });
  syncRoutes(app, ctx);
  syncStartRoutes(app, ctx);
  liveRoutes(app, ctx);
  terminalRoutes(app, ctx);
  coordinatorRoutes(app, ctx);
  configRoutes(app, ctx);
  staffRoutes(app, ctx);
  appointmentRoutes(app, ctx);
  progressRoutes(app, ctx);
  reportRoutes(app, ctx);
  materialRoutes(app, ctx);
  overrideRoutes(app, ctx);
  startSms(app, ctx);
  if (opts.screensDir) await screenRoutes(app, opts.screensDir);

  let closing = false;
  app.addHook('onSend', async (_req, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  await live.start();
  await app.ready();
  await upstream?.start();
  return {
    app,
    ctx,
    ...(upstream ? { upstream } : {}),
    async close() {
      await upstream?.stop();
      await live.stop();
      // Requests in flight finish and are answered (every acknowledged event is committed), but
      // their keep-alive connections would then hold the close open until the client drops
      // them: answer with Connection: close, and reap connections as soon as they are idle.
      closing = true;
      const closed = app.close();
      const reap = setInterval(() => app.server.closeIdleConnections(), 50);
      try {
        await closed;
      } finally {
        clearInterval(reap);
      }
    },
  };
}
