/**
 * Serving the built screens (dist/web) in web mode: every role's page from the same origin as
 * the API, under a strict content security policy. Pages may talk to hall servers (http/ws)
 * and the device host on 127.0.0.1; nothing runs that was not built into dist/web.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const SCREENS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React sets style attributes; no style sheet comes from elsewhere.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  // Upstream servers (hub, central) may be other origins; the device host is ws://127.0.0.1.
  'connect-src http: https: ws: wss:',
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export async function screenRoutes(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    index: 'index.html',
    redirect: true,
    wildcard: true,
    // (@fastify/static 10 hands setHeaders the Fastify reply.)
    setHeaders(reply: { header(name: string, value: string): unknown }, path: string) {
      reply.header('content-security-policy', SCREENS_CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      // Hashed assets never change; pages always revalidate (a new build is picked up at once).
      reply.header('cache-control', /\/assets\//.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
