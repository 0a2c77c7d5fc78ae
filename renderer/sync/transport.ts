/**
 * The terminal's HTTP client for the sync protocol (shared/sync/protocol.ts). Every body is
 * validated with the protocol's zod schemas, every request has a timeout, every request
 * carries `Authorization: Bearer <token>`.
 *
 *   POST {base}/api/sync/push  {events}          -> PushResponse
 *   GET  {base}/api/sync/pull?after=N&limit=M    -> PullResponse
 *   POST {base}/api/numbers    {serviceId}       -> NumberResponse
 *   POST {base}/api/claims     {windowId}        -> ClaimResponse
 *   WS   {base as ws}/api/sync/live               -> {t:'auth', token} first, then LiveMessage (see live.ts)
 *
 * Failures come back as one of two errors: `HttpError` (the server answered 4xx/5xx, with its
 * code and messages) or `UnreachableError` (no usable answer: network, timeout, bad body).
 */
import type { z } from 'zod';
import type { HallEvent } from '../../shared/events/envelope';
import {
  ClaimResponseSchema,
  ErrorBodySchema,
  NumberResponseSchema,
  PullResponseSchema,
  PushResponseSchema,
  type ClaimResponse,
  type LiveAuth,
  type NumberResponse,
  type PullResponse,
  type PushResponse,
} from '../../shared/sync/protocol';
import { ApiError } from '../../shared/sync/errors';
import { StartResponseSchema, type StartResponse } from '../../shared/sync/workingSet';
import type { FetchLike, Timers } from './env';

/** The server refused: its status, code and messages (the protocol's ErrorBody). */
export class HttpError extends ApiError {
  override name = 'HttpError';
}

export class UnreachableError extends Error {
  constructor(
    readonly reason: 'network' | 'timeout' | 'bad-response' | 'offline',
    message: string,
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}

export const isUnreachable = (e: unknown): e is UnreachableError => e instanceof UnreachableError;

/** A sample of the server's clock: its `now`, between our `sentAt` and `receivedAt`. */
export interface ClockSample {
  upstream: string;
  serverNow: number;
  sentAt: number;
  receivedAt: number;
}

export interface TransportOptions {
  fetch: FetchLike;
  timers: Timers;
  now: () => number;
  /** The terminal's bearer token (read on each request: enrollment may replace it). */
  token: () => string;
  /** Default timeout per request. */
  timeoutMs?: number;
  /** Every answer from a server (2xx or 4xx/5xx): it is alive. */
  onContact?: (upstream: string, at: number) => void;
  /** Every answer that carries the server's `now`. */
  onClock?: (sample: ClockSample) => void;
}

export interface RequestOptions {
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** The working set of a busy hall is a few megabytes: more time than a page. */
export const START_TIMEOUT_MS = 30_000;

export class SyncTransport {
  private readonly active = new Set<AbortController>();

  constructor(private readonly opts: TransportOptions) {}

  /** Abort every request in flight (the engine stopping). */
  abortAll(): void {
    for (const c of this.active) c.abort();
  }

  async push(base: string, events: readonly HallEvent[], o?: RequestOptions): Promise<PushResponse> {
    const r = await this.request(base, 'POST', '/api/sync/push', { events }, PushResponseSchema, o);
    return r;
  }

  async pull(base: string, after: number, limit: number, o?: RequestOptions): Promise<PullResponse> {
    const q = `?after=${encodeURIComponent(String(after))}&limit=${encodeURIComponent(String(limit))}`;
    return this.request(base, 'GET', `/api/sync/pull${q}`, undefined, PullResponseSchema, o);
  }

  /** The hall's working set and the serverSeq to pull after (a new terminal, or one far behind). */
  start(base: string, o?: RequestOptions): Promise<StartResponse> {
    return this.request(base, 'GET', '/api/sync/start', undefined, StartResponseSchema, { timeoutMs: START_TIMEOUT_MS, ...o });
  }

  number(base: string, serviceId: string, o?: RequestOptions): Promise<NumberResponse> {
    return this.request(base, 'POST', '/api/numbers', { serviceId }, NumberResponseSchema, o);
  }

  claim(base: string, windowId: string, o?: RequestOptions): Promise<ClaimResponse> {
    return this.request(base, 'POST', '/api/claims', { windowId }, ClaimResponseSchema, o);
  }

  /**
   * The live socket's URL: http -> ws, https -> wss. No token: URLs are logged. Browsers cannot
   * set headers on a WebSocket, so the token goes in the socket's first message (liveAuth).
   */
  liveUrl(base: string): string {
    return `${base.replace(/^http/i, 'ws').replace(/\/+$/, '')}/api/sync/live`;
  }

  /** The live socket's first message: the terminal's token (read when the socket opens). */
  liveAuth(): string {
    return JSON.stringify({ t: 'auth', token: this.opts.token() } satisfies LiveAuth);
  }

  private async request<S extends z.ZodType>(base: string, method: 'GET' | 'POST', path: string, body: unknown, schema: S, o?: RequestOptions): Promise<z.output<S>> {
    const { timers, now } = this.opts;
    const url = `${base.replace(/\/+$/, '')}${path}`;
    const controller = new AbortController();
    this.active.add(controller);
    const timeoutMs = o?.timeoutMs ?? this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timedOut = false;
    const timer = timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.token()}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const sentAt = now();
    let status: number;
    let text: string;
    try {
      const res = await this.opts.fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: controller.signal });
      status = res.status;
      text = await res.text();
    } catch (e) {
      if (timedOut) throw new UnreachableError('timeout', `${method} ${url}: no answer in ${timeoutMs} ms`);
      throw new UnreachableError('network', `${method} ${url}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      timers.clearTimeout(timer);
      this.active.delete(controller);
    }
    const receivedAt = now();
    this.opts.onContact?.(base, receivedAt);
    const json = parseJson(text);
    if (status < 200 || status >= 300) {
      const err = ErrorBodySchema.safeParse(json);
      if (err.success) throw new HttpError(status, err.data.error, err.data.message, err.data.messageZh);
      // A proxy's error page, or a server that is not hallq: no answer we can use.
      if (status >= 500 || status === 404) throw new UnreachableError('bad-response', `${method} ${url}: HTTP ${status} without an error body`);
      throw new HttpError(status, `http-${status}`, `${method} ${url}: HTTP ${status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new UnreachableError('bad-response', `${method} ${url}: the answer does not follow the protocol: ${parsed.error.message}`);
    const data = parsed.data as z.output<S>;
    const serverNow = (data as { now?: unknown }).now;
    if (typeof serverNow === 'number') this.opts.onClock?.({ upstream: base, serverNow, sentAt, receivedAt });
    return data;
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
