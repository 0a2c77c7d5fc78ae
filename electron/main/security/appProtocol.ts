/**
 * The app:// protocol: the built pages (dist/web) served from inside the app, never from
 * file:// (which would give every page the whole disk as its origin). Only `app://hallq/...`,
 * only files under the root folder: every path segment is decoded and checked on its own, so
 * `..`, `%2e%2e`, `..%2f`, backslashes, drive letters and NUL never reach the filesystem, and the
 * resolved real path must still be inside the root. HTML comes with a strict CSP.
 */
import type { CustomScheme } from 'electron';
import * as nodeFs from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'hallq';

/**
 * The pages' Content-Security-Policy: our own scripts only, no plugins, no framing, no forms.
 * connect-src is open to http(s)/ws(s): the hall servers are configured per terminal, and the
 * device host listens on ws://127.0.0.1.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self' http: https: ws: wss:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** For `protocol.registerSchemesAsPrivileged` (before the app is ready). */
export function appSchemePrivileges(): CustomScheme[] {
  return [
    {
      scheme: APP_SCHEME,
      // standard: real origins and relative URLs; secure: a secure context (camera, crypto.subtle).
      privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true },
    },
  ];
}

export interface AppUrl {
  /** The first path segment: kiosk, counter, ..., setup. */
  page: string;
  /** The rest of the path after the page ('' or 'index.html' for the page itself). */
  rest: string;
  query: URLSearchParams;
}

/**
 * An app://hallq URL taken apart; undefined for any other URL (or none). Compares protocol and
 * host: `new URL('app://hallq/x').origin` is 'null' outside Electron (not a special scheme).
 */
export function parseAppUrl(url: string): AppUrl | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username !== '' || u.password !== '') return undefined;
  const [, page = '', ...rest] = u.pathname.split('/');
  return { page, rest: rest.join('/'), query: u.searchParams };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The parts of node:fs/promises used here. */
export interface ProtocolFs {
  stat(path: string): Promise<{ isFile(): boolean; isDirectory(): boolean }>;
  realpath(path: string): Promise<string>;
  readFile(path: string): Promise<Uint8Array>;
}

/**
 * The path segments of an app:// URL, decoded and checked one by one; undefined when the URL is
 * not ours or any segment could step outside the root.
 */
export function appPathSegments(url: string): string[] | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username || u.password) return undefined;
  const raw = u.pathname.split('/').slice(1);
  const segments: string[] = [];
  for (const [i, part] of raw.entries()) {
    let s: string;
    try {
      s = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    // An empty segment is fine only last ("/kiosk/" → its index.html); "//x" could be absolute.
    if (s === '') {
      if (i === raw.length - 1) continue;
      return undefined;
    }
    if (s === '.' || s === '..' || /[/\\:\0]/.test(s) || s.length > 255) return undefined;
    segments.push(s);
  }
  return segments;
}

export function appProtocolHandler(rootDir: string, fs: ProtocolFs = nodeFs): (request: { url: string; method?: string }) => Promise<Response> {
  const root = resolve(rootDir);
  const inside = (path: string, base: string) => path === base || path.startsWith(base.endsWith(sep) ? base : base + sep);

  return async (request) => {
    const method = (request.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } });
    const segments = appPathSegments(request.url);
    if (!segments) return notFound();
    try {
      let path = join(root, ...segments);
      if (!inside(path, root)) return notFound();
      let st = await fs.stat(path);
      if (st.isDirectory()) {
        path = join(path, 'index.html');
        st = await fs.stat(path);
      }
      if (!st.isFile()) return notFound();
      // A symlink inside the root must not lead out of it.
      const [real, realRoot] = await Promise.all([fs.realpath(path), fs.realpath(root)]);
      if (!inside(real, realRoot)) return notFound();
      const type = contentTypeOf(path);
      const headers: Record<string, string> = { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
      if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
      const body = method === 'HEAD' ? null : new Uint8Array(await fs.readFile(path));
      return new Response(body, { status: 200, headers });
    } catch {
      return notFound();
    }
  };
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });
}
