/**
 * Talking to the server about the materials received at the windows (issue 8), with the admin
 * terminal's own token:
 *
 *   GET {server}/api/admin/materials?day=YYYY-MM-DD   -> the day's tickets that have materials
 *   GET {server}/api/materials/blobs/{sha256}         -> one page image or a material's PDF
 *   GET {server}/api/admin/materials/access?sha256=…  -> who opened the file (issue 15)
 *   DELETE {server}/api/admin/materials/blobs/{sha256} -> deletes the file on the server for good
 *
 * The list is checked against MaterialsAnswerSchema at the boundary. The files are citizens'
 * documents (R21): they are fetched into memory only (never a cache, never localStorage).
 */
import { z } from 'zod';
import { adminRequest, checkAnswer, readBlob, readJson, trimServer, type Access, type Fetched } from '../api/adminFetch';

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
  /** Files deleted on the server (retention or an admin): gone for good (issue 15). */
  deleted: z.array(Sha256).optional(),
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

export type { Access, Failure, Fetched, FetchLike } from '../api/adminFetch';

export function listUrl(server: string, day: string): string {
  return `${trimServer(server)}/api/admin/materials?day=${encodeURIComponent(day)}`;
}

export function blobUrl(server: string, sha256: string): string {
  return `${trimServer(server)}/api/materials/blobs/${encodeURIComponent(sha256)}`;
}

/** The list as the server answered it, checked at the boundary. */
export function readAnswer(body: unknown): Fetched<MaterialsAnswer> {
  return checkAnswer(MaterialsAnswerSchema, body, 'not a materials list');
}

export async function fetchMaterials(access: Access, day: string): Promise<Fetched<MaterialsAnswer>> {
  const res = await adminRequest(access, listUrl(access.server, day), LIST_TIMEOUT_MS, { noStore: true });
  return res.ok ? readJson(res.value, MaterialsAnswerSchema, 'not a materials list') : res;
}

/** One stored file (a page image or a PDF), into memory. */
export async function fetchBlob(access: Access, sha256: string): Promise<Fetched<Blob>> {
  const res = await adminRequest(access, blobUrl(access.server, sha256), BLOB_TIMEOUT_MS, { noStore: true });
  return res.ok ? readBlob(res.value) : res;
}

export const AccessEntrySchema = z.object({
  sha256: Sha256,
  terminal: z.string(),
  role: z.string(),
  windowId: z.string().optional(),
  staffId: z.string().optional(),
  outcome: z.enum(['read', 'refused', 'not-found']),
  at: z.number(),
});
export type AccessEntry = z.infer<typeof AccessEntrySchema>;
const AccessAnswerSchema = z.object({ entries: z.array(AccessEntrySchema) });

/** Who opened this file, newest first. */
export async function fetchAccessLog(access: Access, sha256: string): Promise<Fetched<AccessEntry[]>> {
  const res = await adminRequest(access, `${trimServer(access.server)}/api/admin/materials/access?sha256=${encodeURIComponent(sha256)}`, LIST_TIMEOUT_MS, { noStore: true });
  if (!res.ok) return res;
  const body = await readJson(res.value, AccessAnswerSchema, 'not an access log');
  return body.ok ? { ok: true, value: body.value.entries } : body;
}

/** Delete one file on the server for good (its row, file, uploads, relay record). */
export async function deleteBlob(access: Access, sha256: string): Promise<Fetched<boolean>> {
  const res = await adminRequest(access, blobUrl(access.server, sha256).replace('/api/materials/blobs/', '/api/admin/materials/blobs/'), LIST_TIMEOUT_MS, { method: 'DELETE' });
  if (!res.ok) return res;
  const body = await readJson(res.value, z.object({ deleted: z.boolean() }), 'not a deletion answer');
  return body.ok ? { ok: true, value: body.value.deleted } : body;
}
