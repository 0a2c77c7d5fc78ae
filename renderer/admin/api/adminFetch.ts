/**
 * The admin screen's requests to the hall server with the terminal's own token: one place for
 * the timeout, cancellation, the server's bilingual refusals, and checking an answer against
 * its schema at the boundary. Reports, materials and terminal health build on it.
 */
import type { ZodType } from 'zod';
import type { Bilingual } from '../../../shared/config/text';

/** Why a request got nothing. */
export type Failure =
  /** No answer: the network, the server down, a timeout. */
  | { kind: 'unreachable'; detail: string }
  /** The server said no (its message in both languages). */
  | { kind: 'refused'; status: number; code: string; message: Bilingual }
  /** An answer that is not what this screen expects (another server version?). */
  | { kind: 'invalid'; detail: string };

export type Fetched<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface Access {
  server: string;
  token: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** Aborts the request (a newer query, the tab closed). */
  signal?: AbortSignal;
}

export const trimServer = (server: string): string => server.replace(/\/+$/, '');

/** A refusal's JSON ({ error, message, messageZh }) as something to show. */
export function refusal(status: number, body: unknown): Failure {
  const b = (body && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown; messageZh?: unknown };
  const code = typeof b.error === 'string' ? b.error : `http-${status}`;
  const en = typeof b.message === 'string' && b.message ? b.message : `HTTP ${status}`;
  const zh = typeof b.messageZh === 'string' && b.messageZh ? b.messageZh : en;
  return { kind: 'refused', status, code, message: { zh, en } };
}

/**
 * GET `url` with the token. `noStore`: personal data (citizens' documents) never goes through
 * the browser's cache.
 */
export async function adminRequest(access: Access, url: string, defaultTimeoutMs: number, o: { noStore?: boolean; method?: 'GET' | 'DELETE' } = {}): Promise<Fetched<Response>> {
  const abort = new AbortController();
  const timeoutMs = access.timeoutMs ?? defaultTimeoutMs;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, timeoutMs);
  const onAbort = () => abort.abort();
  access.signal?.addEventListener('abort', onAbort);
  try {
    const f = access.fetch ?? ((u, init) => fetch(u, init));
    const res = await f(url, { headers: { authorization: `Bearer ${access.token}` }, signal: abort.signal, ...(o.method ? { method: o.method } : {}), ...(o.noStore ? { cache: 'no-store' as const } : {}) });
    if (!res.ok) return { ok: false, failure: refusal(res.status, await res.json().catch(() => null)) };
    return { ok: true, value: res };
  } catch (e) {
    const detail = timedOut ? `${Math.round(timeoutMs / 1000)} s timeout` : e instanceof Error ? e.message : String(e);
    return { ok: false, failure: { kind: 'unreachable', detail } };
  } finally {
    clearTimeout(timer);
    access.signal?.removeEventListener('abort', onAbort);
  }
}

/** An answer checked against its schema; the first problem names where it is. */
export function checkAnswer<T>(schema: ZodType<T>, body: unknown, what: string): Fetched<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const first = parsed.error.issues[0];
  return { ok: false, failure: { kind: 'invalid', detail: first ? `${first.path.join('.') || 'body'}: ${first.message}` : what } };
}

export async function readJson<T>(res: Response, schema: ZodType<T>, what: string): Promise<Fetched<T>> {
  let body: unknown;
  try {
    body = await res.json();
  } catch (e) {
    return { ok: false, failure: { kind: 'invalid', detail: e instanceof Error ? e.message : String(e) } };
  }
  return checkAnswer(schema, body, what);
}

export async function readBlob(res: Response): Promise<Fetched<Blob>> {
  try {
    return { ok: true, value: await res.blob() };
  } catch (e) {
    return { ok: false, failure: { kind: 'unreachable', detail: e instanceof Error ? e.message : String(e) } };
  }
}
