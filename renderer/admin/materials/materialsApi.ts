/**
 * Talking to the server about the materials received at the windows (issue 8), with the admin
 * terminal's own token:
 *
 *   GET {server}/api/admin/materials?day=YYYY-MM-DD   -> the day's tickets that have materials
 *   GET {server}/api/materials/blobs/{sha256}         -> one page image or a material's PDF
 *
 * The list is checked against MaterialsAnswerSchema at the boundary. The files are citizens'
 * documents (R21): they are fetched into memory only (never a cache, never localStorage).
 */
import { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';

/** The list may make the server fold a past day from its log: allow it a moment. */
export const LIST_TIMEOUT_MS = 20_000;
/** A page image or a PDF (up to 20 MB) over the hall's network. */
export const BLOB_TIMEOUT_MS = 60_000;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a content hash is 64 lowercase hex digits');

export const ListedMaterialSchema = z.object({
  id: z.string(),
  /** The material's name as the clerk attached it (the service guide's Chinese name, or typed in). */
  name: z.string(),
  pages: z.number().int().nonnegative(),
  /** The pages' hashes, in page order. */
  hashes: z.array(Sha256),
  pdf: Sha256.optional(),
  bytes: z.number().nonnegative(),
  windowId: z.string(),
  at: z.number(),
  /** Files (pages or the PDF) the server does not hold yet: the counter has not uploaded them. */
  missing: z.array(Sha256),
});
export type ListedMaterial = z.infer<typeof ListedMaterialSchema>;

export const ListedTicketSchema = z.object({
  ticketId: z.string(),
  number: z.string(),
  serviceId: z.string(),
  day: z.string(),
  status: z.string(),
  windowId: z.string().optional(),
  /** Not sent by the server today (the screen reads it from its own fold); taken when it is. */
  staffId: z.string().optional(),
  materials: z.array(ListedMaterialSchema),
});
export type ListedTicket = z.infer<typeof ListedTicketSchema>;

export const MaterialsAnswerSchema = z.object({ day: z.string(), tickets: z.array(ListedTicketSchema) });
export type MaterialsAnswer = z.infer<typeof MaterialsAnswerSchema>;

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
  /** Aborts the request (a newer one, the tab closed). */
  signal?: AbortSignal;
}

const trim = (server: string) => server.replace(/\/+$/, '');

export function listUrl(server: string, day: string): string {
  return `${trim(server)}/api/admin/materials?day=${encodeURIComponent(day)}`;
}

export function blobUrl(server: string, sha256: string): string {
  return `${trim(server)}/api/materials/blobs/${encodeURIComponent(sha256)}`;
}

/** A refusal's JSON ({ error, message, messageZh }) as something to show. */
export function refusal(status: number, body: unknown): Failure {
  const b = (body && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown; messageZh?: unknown };
  const code = typeof b.error === 'string' ? b.error : `http-${status}`;
  const en = typeof b.message === 'string' && b.message ? b.message : `HTTP ${status}`;
  const zh = typeof b.messageZh === 'string' && b.messageZh ? b.messageZh : en;
  return { kind: 'refused', status, code, message: { zh, en } };
}

async function request(access: Access, url: string, defaultTimeoutMs: number): Promise<Fetched<Response>> {
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
    // Personal data: never from or into the browser's cache.
    const res = await f(url, { headers: { authorization: `Bearer ${access.token}` }, signal: abort.signal, cache: 'no-store' });
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

/** Read an answer against a schema; the first problem names where it is. */
export function readAnswer(body: unknown): Fetched<MaterialsAnswer> {
  const parsed = MaterialsAnswerSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const first = parsed.error.issues[0];
  return { ok: false, failure: { kind: 'invalid', detail: first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'not a materials list' } };
}

export async function fetchMaterials(access: Access, day: string): Promise<Fetched<MaterialsAnswer>> {
  const res = await request(access, listUrl(access.server, day), LIST_TIMEOUT_MS);
  if (!res.ok) return res;
  let body: unknown;
  try {
    body = await res.value.json();
  } catch (e) {
    return { ok: false, failure: { kind: 'invalid', detail: e instanceof Error ? e.message : String(e) } };
  }
  return readAnswer(body);
}

/** One stored file (a page image or a PDF), into memory. */
export async function fetchBlob(access: Access, sha256: string): Promise<Fetched<Blob>> {
  const res = await request(access, blobUrl(access.server, sha256), BLOB_TIMEOUT_MS);
  if (!res.ok) return res;
  try {
    return { ok: true, value: await res.value.blob() };
  } catch (e) {
    return { ok: false, failure: { kind: 'unreachable', detail: e instanceof Error ? e.message : String(e) } };
  }
}
