/**
 * Tokens never travel in URLs (issue 15, finding 1): URLs end up in server logs, proxy logs and
 * browser history. Every HTTP route refuses `?token=` with a 401 that says to use the header.
 *
 * The upgrade: terminals enrolled before this change keep their tokens (nothing about the token
 * changes, only where it travels). Their HTTP calls already sent `Authorization: Bearer`. Their
 * live socket opened `/api/sync/live?token=...`; the new client sends `{t:'auth', token}` as
 * its first message instead. During the transition (`HALLQ_LIVE_TOKEN_IN_URL=allow`, the
 * default of this release) the old socket URL is still accepted on that one route: the token is
 * redacted from every log line and the terminal is flagged in terminal health
 * (`liveTokenInUrlAt`), so the hall sees which terminals still run the old app. Once none is
 * flagged, `HALLQ_LIVE_TOKEN_IN_URL=refuse` refuses them too (the next release's default).
 */
import type { FastifyInstance } from 'fastify';
import { refuse } from '../http/errors';

export type LiveTokenMode = 'allow' | 'refuse';

/** Query keys that carry a token. */
const TOKEN_KEYS = ['token', 'access_token'];

export function queryToken(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const k of TOKEN_KEYS) {
    const v = params.get(k);
    if (v !== null) return v;
  }
  return undefined;
}

export const LIVE_PATH = '/api/sync/live';

export const TOKEN_IN_URL = {
  error: 'token-in-url',
  message: 'a token in the URL is refused (URLs are logged): send it in the header "Authorization: Bearer <token>" (the live socket: as its first message {"t":"auth","token":...})',
  messageZh: '令牌不能放在网址中（网址会被记录）：请放在请求头 Authorization: Bearer <令牌> 中',
};

/** Every HTTP route (the live socket decides for itself) refuses a token in its query. */
export function refuseTokenInUrl(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    if (queryToken(req.url) === undefined) return;
    if (req.url.split('?')[0] === LIVE_PATH) return;
    refuse(401, TOKEN_IN_URL.error, TOKEN_IN_URL.message, TOKEN_IN_URL.messageZh);
  });
}

/** Which terminals still open the live socket with the token in its URL (per server instance). */
export class LiveTokenInUrl {
  private readonly seen = new Map<string, number>();

  constructor(readonly mode: LiveTokenMode = 'allow') {}

  mark(hall: string, terminalId: string, at: number): boolean {
    const key = `${hall}\u0000${terminalId}`;
    const first = !this.seen.has(key);
    this.seen.set(key, at);
    return first;
  }

  /** When the terminal last opened its socket the old way (undefined: never, here). */
  lastAt(hall: string, terminalId: string): number | undefined {
    return this.seen.get(`${hall}\u0000${terminalId}`);
  }
}
