/**
 * The hub's HTTP client for its upstream (the central server): the same push / pull / held (and
 * material upload) endpoints a terminal uses, every answer validated with the protocol's zod schemas. Failures
 * are sorted into what to do about them: `unreachable` (network, timeout, 5xx, 429: retry with
 * backoff) and `refused` (a 4xx or an answer that does not parse: retrying alone will not fix
 * it, an operator has to look; the link still retries at its slowest pace).
 */
import { z } from 'zod';
import {
  ErrorBodySchema,
  HeldResponseSchema,
  MAX_PULL_EVENTS,
  PullResponseSchema,
  PushResponseSchema,
  type HeldResponse,
  type PullResponse,
  type PushResponse,
} from '../../shared/sync/protocol';

export type UpstreamFailure = 'unreachable' | 'refused';

const UploadStateSchema = z.object({ complete: z.boolean(), received: z.array(z.number().int().min(0)) });
const ChunkResultSchema = z.object({ complete: z.boolean(), received: z.number().int().min(0), chunks: z.number().int().min(0) });

export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    /** The server's error code ('seq-gap', 'bad-token'...), or ours ('network', 'timeout', 'bad-answer'). */
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface UpstreamClientOptions {
  /** The upstream's base URL, e.g. https://central.example.gov.cn */
  url: string;
  token: string;
  /** Each request gives up after this long. */
  timeoutMs: number;
  /** Aborts every request in flight (the link is stopping). */
  signal: AbortSignal;
}

export class UpstreamClient {
  readonly base: string;

  constructor(private readonly opts: UpstreamClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
  }

  /** The live socket's URL (ws:// or wss://); the token travels in the Authorization header. */
  liveUrl(): string {
    return this.base.replace(/^http/, 'ws') + '/api/sync/live';
  }

  authHeader(): string {
    return `Bearer ${this.opts.token}`;
  }

  pull(after: number, limit = MAX_PULL_EVENTS): Promise<PullResponse> {
    return this.request('GET', `/api/sync/pull?after=${after}&limit=${limit}`, PullResponseSchema);
  }

  push(events: readonly unknown[]): Promise<PushResponse> {
    return this.request('POST', '/api/sync/push', PushResponseSchema, { events });
  }

  registerTerminal(t: { id: string } & Record<string, unknown>): Promise<unknown> {
    return this.request('PUT', `/api/hub/terminals/${encodeURIComponent(t.id)}`, z.object({ registered: z.string() }), t);
  }

  held(): Promise<HeldResponse> {
    return this.request('GET', '/api/sync/held', HeldResponseSchema);
  }

  /** Announce a material file (as a counter does): complete, or the chunks the upstream already has. */
  announceMaterial(u: { sha256: string; bytes: number; mime: string; chunkBytes: number }): Promise<z.output<typeof UploadStateSchema>> {
    return this.request('POST', '/api/materials/uploads', UploadStateSchema, u);
  }

  /** One chunk of a material file, with its own hash. */
  putMaterialChunk(sha256: string, index: number, data: Uint8Array, chunkSha256: string): Promise<z.output<typeof ChunkResultSchema>> {
    return this.request('PUT', `/api/materials/uploads/${sha256}/chunks/${index}`, ChunkResultSchema, undefined, { data, headers: { 'x-chunk-sha256': chunkSha256 } });
  }

  /** Delete a material file of the hub's hall at the upstream (a deletion made at the hub: retention or its admin). */
  deleteMaterial(sha256: string): Promise<{ deleted: boolean }> {
    return this.request('DELETE', `/api/admin/materials/blobs/${sha256}`, z.object({ deleted: z.boolean() }));
  }

  private async request<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body?: unknown,
    raw?: { data: Uint8Array; headers: Record<string, string> },
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { authorization: this.authHeader() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (raw) Object.assign(headers, raw.headers, { 'content-type': 'application/octet-stream' });
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : raw ? { body: raw.data as Uint8Array<ArrayBuffer> } : {}),
        signal: AbortSignal.any([this.opts.signal, AbortSignal.timeout(this.opts.timeoutMs)]),
      });
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError') throw new UpstreamError('unreachable', 'timeout', `${method} ${path}: no answer within ${this.opts.timeoutMs} ms`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new UpstreamError('unreachable', 'network', `${method} ${path}: ${cause?.code ?? cause?.message ?? e.message}`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new UpstreamError('unreachable', 'network', `${method} ${path}: the answer was cut off (${(err as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const eb = ErrorBodySchema.safeParse(json);
      const code = eb.success ? eb.data.error : `http-${res.status}`;
      const message = `${method} ${path}: ${res.status} ${eb.success ? eb.data.message : text.slice(0, 200)}`;
      const transient = res.status >= 500 || res.status === 429 || res.status === 408;
      throw new UpstreamError(transient ? 'unreachable' : 'refused', code, message, res.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new UpstreamError('refused', 'bad-answer', `${method} ${path}: the upstream's answer does not match the protocol`, res.status);
    return parsed.data;
  }
}
