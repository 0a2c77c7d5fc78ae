/**
 * The counter's local store of captured material images (issue 8): each page is kept in
 * IndexedDB under its content hash (SHA-256 through WebCrypto), once however often it is
 * stored, and queued for upload (uploader.ts). Nothing here deletes a page the server has not
 * confirmed; retention.ts deletes the confirmed ones when the hall's retention has passed.
 */
import { MATERIAL_MAX_BYTES } from '../../shared/events/payloads';
import type { MaterialBlobRow, TerminalDatabase } from '../db/database';

export type PageMime = 'image/jpeg' | 'image/png';

export interface PageMeta {
  width: number;
  height: number;
  mime: PageMime;
}

export interface StoredFile {
  sha256: string;
  bytes: number;
}

type Db = Pick<TerminalDatabase, 'materialBlobs' | 'transaction'>;

/** Lowercase hex SHA-256 of the bytes. */
export async function sha256Hex(data: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

// Whoever waits for new files to upload (the uploader), per database.
const listeners = new WeakMap<object, Set<() => void>>();

/** Called whenever a new file is queued in `db`; returns the unsubscribe. */
export function onQueued(db: object, cb: () => void): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(cb);
  return () => set.delete(cb);
}

function notifyQueued(db: object): void {
  for (const cb of listeners.get(db) ?? []) {
    try {
      cb();
    } catch {
      // a listener's failure is its own
    }
  }
}

async function storeFile(db: Db, blob: Blob, meta: { mime: MaterialBlobRow['mime']; width?: number; height?: number }, now: number): Promise<StoredFile> {
  const bytes = blob.size;
  if (bytes === 0) throw new RangeError('an empty file cannot be stored');
  if (bytes > MATERIAL_MAX_BYTES) throw new RangeError(`the file has ${bytes} bytes; at most ${MATERIAL_MAX_BYTES} are uploaded`);
  const data = await blob.arrayBuffer();
  const sha256 = await sha256Hex(data);
  // Keep the bytes as hashed (a Blob backed by a file could change underneath), typed as declared.
  const stored = new Blob([data], { type: meta.mime });
  const added = await db.transaction('rw', db.materialBlobs, async () => {
    if (await db.materialBlobs.get(sha256)) return false;
    const row: MaterialBlobRow = { sha256, blob: stored, bytes, mime: meta.mime, capturedAt: now, state: 'queued' };
    if (meta.width !== undefined) row.width = meta.width;
    if (meta.height !== undefined) row.height = meta.height;
    await db.materialBlobs.add(row);
    return true;
  });
  if (added) notifyQueued(db);
  return { sha256, bytes };
}

/**
 * Store a captured page: its SHA-256, kept once (the same content again is the same row, its
 * state untouched) and queued for upload.
 */
export async function storePage(db: Db, blob: Blob, meta: PageMeta, now: () => number = Date.now): Promise<StoredFile> {
  if (meta.mime !== 'image/jpeg' && meta.mime !== 'image/png') throw new TypeError(`a page is a JPEG or PNG image, not ${String(meta.mime)}`);
  if (!(meta.width > 0 && meta.height > 0)) throw new RangeError('a page has a width and a height');
  return storeFile(db, blob, { mime: meta.mime, width: Math.round(meta.width), height: Math.round(meta.height) }, now());
}

/** Store a material's exported PDF, like a page (the `pdf` of a `material.attached`). */
export async function storePdf(db: Db, blob: Blob, now: () => number = Date.now): Promise<StoredFile> {
  return storeFile(db, blob, { mime: 'application/pdf' }, now());
}

/** A stored page (or PDF), while the terminal still holds it. */
export async function readPage(db: Db, sha256: string): Promise<Blob | undefined> {
  return (await db.materialBlobs.get(sha256))?.blob;
}

/** Rows waiting for upload. */
export function queuedCount(db: Db): Promise<number> {
  return db.materialBlobs.where('state').equals('queued').count();
}

/** The oldest queued row (the uploader's next), skipping the hashes given. */
export async function nextQueued(db: Db, skip: ReadonlySet<string> = new Set()): Promise<MaterialBlobRow | undefined> {
  return db.materialBlobs
    .where('[state+capturedAt]')
    .between(['queued', -Infinity], ['queued', Infinity], true, true)
    .filter((r) => !skip.has(r.sha256))
    .first();
}

/** Mark a row as held by the server (if it is still here and not already so). */
export async function markUploaded(db: Db, sha256: string, at: number): Promise<void> {
  await db.transaction('rw', db.materialBlobs, async () => {
    const row = await db.materialBlobs.get(sha256);
    if (row && row.state !== 'uploaded') await db.materialBlobs.update(sha256, { state: 'uploaded', confirmedAt: at });
  });
}

/** The server will never take this file as it is: kept on the terminal, out of the queue. */
export async function markRefused(db: Db, sha256: string, error: string): Promise<void> {
  await db.materialBlobs.update(sha256, { state: 'refused', error });
}

/** Put refused files back in the queue (after the cause was fixed); returns how many. */
export async function requeueRefused(db: Db): Promise<number> {
  const n = await db.transaction('rw', db.materialBlobs, async () => {
    const rows = await db.materialBlobs.where('state').equals('refused').toArray();
    for (const r of rows) await db.materialBlobs.update(r.sha256, { state: 'queued', error: undefined });
    return rows.length;
  });
  if (n) notifyQueued(db);
  return n;
}
