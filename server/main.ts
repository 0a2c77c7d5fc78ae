/**
 * `node --import tsx server/main.ts`: the central server (DATABASE_URL set) or an embedded hub
 * (PGlite in HALLQ_DATA_DIR). Configuration comes from the environment, validated.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { openPostgres } from './db/postgres';
import { openPglite } from './db/pglite';
import { buildServer } from './http/app';
import { showGeneratedAdminToken } from './security/adminToken';
import { ensureAdmin, newToken } from './store/terminals';

const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  /** PGlite's directory when there is no DATABASE_URL; 'memory' keeps nothing. */
  HALLQ_DATA_DIR: z.string().default('data/pglite'),
  HALLQ_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HALLQ_HOST: z.string().default('127.0.0.1'),
  HALLQ_HALL: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/).default('demo-hall'),
  HALLQ_ADMIN_TOKEN: z.string().min(24).optional(),
  HALLQ_ROLE: z.enum(['central', 'hub']).default('central'),
  /** Serve the built screens (npm run build:web) from this directory. */
  HALLQ_SCREENS_DIR: z.string().optional(),
  HALLQ_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug']).default('info'),
  /** Old terminals' live sockets with `?token=` in the URL: 'allow' (flagged; this release) or 'refuse'. */
  HALLQ_LIVE_TOKEN_IN_URL: z.enum(['allow', 'refuse']).default('allow'),
  /** The reverse proxies whose X-Forwarded-For is believed (comma-separated addresses/CIDRs); default loopback. */
  HALLQ_TRUST_PROXY: z.string().default('loopback'),
  /** Where a generated admin token is written (0600) when stderr is not a terminal. */
  HALLQ_ADMIN_TOKEN_FILE: z.string().optional(),
  // A hub's central server, and the token of a terminal of role 'hub' enrolled there for HALLQ_HALL.
  HALLQ_UPSTREAM_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'the upstream is an http:// or https:// URL')
    .optional(),
  HALLQ_UPSTREAM_TOKEN: z.string().min(24, 'the upstream token is the one central gave the hub when it enrolled').optional(),
});

/** The settings that depend on each other: an upstream (both its variables) only for a hub. */
const CheckedEnvSchema = EnvSchema.superRefine((env, ctx) => {
  if (!env.HALLQ_UPSTREAM_URL !== !env.HALLQ_UPSTREAM_TOKEN) {
    const missing = env.HALLQ_UPSTREAM_URL ? 'HALLQ_UPSTREAM_TOKEN' : 'HALLQ_UPSTREAM_URL';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'set both HALLQ_UPSTREAM_URL and HALLQ_UPSTREAM_TOKEN, or neither' });
  }
  if (env.HALLQ_UPSTREAM_URL && env.HALLQ_ROLE !== 'hub') {
    ctx.addIssue({ code: 'custom', path: ['HALLQ_ROLE'], message: 'only a hub (HALLQ_ROLE=hub) has an upstream' });
  }
});

export async function main(): Promise<void> {
  const parsed = CheckedEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    console.error(`hallq server: bad configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    process.exit(2);
  }
  const env = parsed.data;
  const db = env.DATABASE_URL
    ? await openPostgres(env.DATABASE_URL)
    : await openPglite(env.HALLQ_DATA_DIR === 'memory' ? undefined : env.HALLQ_DATA_DIR);
  const server = await buildServer({
    db,
    serverId: env.HALLQ_ROLE === 'hub' ? 'hub' : 'srv',
    isHub: env.HALLQ_ROLE === 'hub',
    ...(env.HALLQ_UPSTREAM_URL && env.HALLQ_UPSTREAM_TOKEN ? { upstream: { url: env.HALLQ_UPSTREAM_URL, token: env.HALLQ_UPSTREAM_TOKEN, hall: env.HALLQ_HALL } } : {}),
    logger: { level: env.HALLQ_LOG_LEVEL },
    liveTokenInUrl: env.HALLQ_LIVE_TOKEN_IN_URL,
    trustProxy: env.HALLQ_TRUST_PROXY.split(',').map((s) => s.trim()).filter(Boolean),
    ...(env.HALLQ_SCREENS_DIR ? { screensDir: resolve(env.HALLQ_SCREENS_DIR) } : {}),
  });
  const adminToken = env.HALLQ_ADMIN_TOKEN ?? newToken();
  await ensureAdmin(db, env.HALLQ_HALL, adminToken, Date.now());
  if (env.HALLQ_ROLE === 'hub' && !server.upstream) server.app.log.warn({ hall: env.HALLQ_HALL }, 'hub without HALLQ_UPSTREAM_URL: this hall is not replicated to a central server');
  if (!env.HALLQ_ADMIN_TOKEN) {
    // Shown once to the operator (the terminal, or a 0600 file), never in the JSON log.
    const shown = showGeneratedAdminToken(adminToken, {
      hall: env.HALLQ_HALL,
      file: env.HALLQ_ADMIN_TOKEN_FILE ?? resolve(env.DATABASE_URL || env.HALLQ_DATA_DIR === 'memory' ? '.' : env.HALLQ_DATA_DIR, 'admin-token'),
    });
    server.app.log.warn({ hall: env.HALLQ_HALL, shownOn: shown }, 'no HALLQ_ADMIN_TOKEN set: generated an admin token for this run (not logged)');
  }
  await server.app.listen({ port: env.HALLQ_PORT, host: env.HALLQ_HOST });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    server.app.log.info({ signal }, 'shutting down: finishing requests in flight');
    await server.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
