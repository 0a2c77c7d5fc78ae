/**
 * Material images (issue 8): blobs stored once per hall by content hash, and the resumable
 * chunked upload that brings them from the counters.
 *
 *   material_uploads        one row per upload in progress: (hall, sha256) and what was announced
 *   material_upload_chunks  the chunks received so far, each checked against its own hash
 *   material_blobs          the finished files, (hall, sha256) -> bytes, mime, data
 *
 * Every query names the hall: another hall's terminal neither sees a blob nor resumes an
 * upload (its own upload of the same content is a separate one). The chunk that completes an
 * upload assembles the blob in the database, checks the whole file's hash and type, stores it
 * and drops the chunks, in one transaction under the upload row's lock (so two chunks arriving
 * together on two instances cannot both, or neither, complete it).
 */
import { createHash } from 'node:crypto';
import { MATERIAL_MAX_BYTES, type MaterialMime } from '../../shared/events/payloads';
import type { Db, Queryable } from '../db/db';
import { knownBlobFiles, type BlobFiles } from '../materials/blobFiles';
import { refuse } from '../http/errors';
import type { Principal } from './events';

export const MIN_CHUNK_BYTES = 16 * 1024;
export const MAX_CHUNK_BYTES = 1024 * 1024;
/** An upload nobody touched for this long is dropped (the terminal starts again if it comes back). */
export const UPLOAD_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
/** The download streams the blob in slices of this size. */
export const READ_SLICE_BYTES = 1024 * 1024;

export { MATERIAL_MAX_BYTES };

/** Notified (payload: the hall) when a file is stored: a hub's link relays it to central. */
export const MATERIALS_CHANNEL = 'hallq_materials';

/** The first bytes each accepted type starts with (a blob is served with its stored type). */
export const MAGIC: Record<MaterialMime, string> = {
  'image/jpeg': 'ffd8ff',
  'image/png': '89504e470d0a1a0a',
  'application/pdf': '255044462d', // %PDF-
};

export const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** SHA-256 off the event loop (WebCrypto's digest runs on libuv's thread pool): a 1 MiB chunk's hash never holds up a ticket. */
export async function sha256Async(data: Uint8Array): Promise<string> {
  return Buffer.from(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)).toString('hex');
}

export interface UploadRequest {
  sha256: string;
  bytes: number;
  mime: MaterialMime;
  chunkBytes: number;
}

export interface UploadState {
  complete: boolean;
  /** Chunk indexes the server holds (empty when complete). */
  received: number[];
}

export interface ChunkResult {
  complete: boolean;
  /** Chunks held now, of `chunks`. */
  received: number;
  chunks: number;
}

export interface UploadRow {
  bytes: number;
  mime: string;
  chunk_bytes: number;
  chunks: number;
}

export const chunkCount = (bytes: number, chunkBytes: number): number => Math.ceil(bytes / chunkBytes);

/** The length chunk `index` must have. */
export function chunkLength(u: { bytes: number; chunkBytes: number }, index: number): number {
  const n = chunkCount(u.bytes, u.chunkBytes);
  return index < n - 1 ? u.chunkBytes : u.bytes - u.chunkBytes * (n - 1);
}

export async function blobExists(q: Queryable, hall: string, sha256: string): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM material_blobs WHERE hall = $1 AND sha256 = $2', [hall, sha256]);
  return r.rows.length > 0;
}

/**
 * Announce an upload: complete at once when the hall already holds the content, else the
 * chunks the server already has (an announcement with other sizes starts it over).
 */
export async function startUpload(db: Db, who: Principal, u: UploadRequest, now: number, files?: BlobFiles): Promise<UploadState> {
  const n = chunkCount(u.bytes, u.chunkBytes);
  // Uploads whose chunks went (their files go after the commit).
  const dropped: string[] = [];
  const out = await db.tx(async (q): Promise<UploadState> => {
    // Housekeeping: the hall's abandoned uploads go (their chunks with them).
    const gone = await q.query<{ sha256: string }>('DELETE FROM material_uploads WHERE hall = $1 AND updated_at < $2 RETURNING sha256', [who.hall, now - UPLOAD_IDLE_MS]);
    dropped.push(...gone.rows.map((r) => r.sha256));
    let row: UploadRow | undefined;
    // The upload may complete (and its row go) while this waits for the row's lock: look again.
    for (let attempt = 0; !row; attempt++) {
      if (await blobExists(q, who.hall, u.sha256)) {
        // An announcement that raced the completion may have left an upload behind: it goes.
        await q.query('DELETE FROM material_uploads WHERE hall = $1 AND sha256 = $2', [who.hall, u.sha256]);
        dropped.push(u.sha256);
        return { complete: true, received: [] };
      }
      if (attempt === 5) throw new Error(`the upload of ${u.sha256} in hall ${who.hall} kept going away`);
      await q.query(
        `INSERT INTO material_uploads (hall, sha256, bytes, mime, chunk_bytes, chunks, started_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (hall, sha256) DO NOTHING`,
        [who.hall, u.sha256, u.bytes, u.mime, u.chunkBytes, n, who.terminalId, now],
      );
      row = (await q.query<UploadRow>('SELECT bytes, mime, chunk_bytes, chunks FROM material_uploads WHERE hall = $1 AND sha256 = $2 FOR UPDATE', [who.hall, u.sha256])).rows[0];
    }
    if (Number(row.bytes) !== u.bytes || row.mime !== u.mime || Number(row.chunk_bytes) !== u.chunkBytes) {
      // Same content hash, other sizes: one announcement is wrong. Start over with this one;
      // the whole-file hash decides at the end which was right.
      await q.query('DELETE FROM material_upload_chunks WHERE hall = $1 AND sha256 = $2', [who.hall, u.sha256]);
      dropped.push(u.sha256);
      await q.query('UPDATE material_uploads SET bytes = $3, mime = $4, chunk_bytes = $5, chunks = $6, started_by = $7, updated_at = $8 WHERE hall = $1 AND sha256 = $2', [
        who.hall,
        u.sha256,
        u.bytes,
        u.mime,
        u.chunkBytes,
        n,
        who.terminalId,
        now,
      ]);
      return { complete: false, received: [] };
    }
    await q.query('UPDATE material_uploads SET updated_at = $3 WHERE hall = $1 AND sha256 = $2', [who.hall, u.sha256, now]);
    const got = await q.query<{ idx: number }>('SELECT idx FROM material_upload_chunks WHERE hall = $1 AND sha256 = $2 ORDER BY idx', [who.hall, u.sha256]);
    return { complete: false, received: got.rows.map((r) => Number(r.idx)) };
  });
  if (files) for (const sha of dropped) await files.dropChunks(who.hall, sha);
  return out;
}

type ChunkOutcome = ChunkResult | { refused: 'whole-corrupt' | 'wrong-type'; detail: string };

/**
 * Store one chunk whose bytes hash to `chunkHash`. Refuses (and stores nothing) a chunk that
 * does not, an index outside the upload, a chunk of the wrong length. The chunk that completes
 * the upload stores the blob, or drops the whole upload if the file's hash or type is wrong.
 */
export async function putChunk(db: Db, who: Principal, sha256: string, index: number, data: Uint8Array, chunkHash: string, now: number): Promise<ChunkResult> {
  if ((await sha256Async(data)) !== chunkHash) {
    refuse(400, 'chunk-corrupt', `chunk ${index} of ${sha256} does not match its x-chunk-sha256: it was damaged on the way; send it again`, '数据块校验失败，请重新发送');
  }
  const out: ChunkOutcome = await db.tx(async (q) => {
    if (await blobExists(q, who.hall, sha256)) return { complete: true, received: 0, chunks: 0 };
    const row = (await q.query<UploadRow>('SELECT bytes, mime, chunk_bytes, chunks FROM material_uploads WHERE hall = $1 AND sha256 = $2 FOR UPDATE', [who.hall, sha256])).rows[0];
    if (!row) {
      // Completed meanwhile by another chunk (another counter sending the same content).
      if (await blobExists(q, who.hall, sha256)) return { complete: true, received: 0, chunks: 0 };
      return refuse(404, 'upload-unknown', `no upload of ${sha256} is in progress in this hall: announce it first (POST /api/materials/uploads)`, '上传任务不存在，请重新开始上传');
    }
    const u = { bytes: Number(row.bytes), chunkBytes: Number(row.chunk_bytes) };
    const chunks = Number(row.chunks);
    if (index >= chunks) refuse(400, 'chunk-out-of-range', `chunk ${index} is past the end of ${sha256} (chunks 0..${chunks - 1})`, '数据块序号超出范围');
    const want = chunkLength(u, index);
    if (data.byteLength !== want) refuse(400, 'chunk-size', `chunk ${index} of ${sha256} has ${data.byteLength} bytes, expected ${want}`, '数据块大小不正确');
    await q.query('INSERT INTO material_upload_chunks (hall, sha256, idx, data, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hall, sha256, idx) DO NOTHING', [
      who.hall,
      sha256,
      index,
      data,
      now,
    ]);
    await q.query('UPDATE material_uploads SET updated_at = $3 WHERE hall = $1 AND sha256 = $2', [who.hall, sha256, now]);
    const held = Number((await q.query<{ n: number | string }>('SELECT count(*) AS n FROM material_upload_chunks WHERE hall = $1 AND sha256 = $2', [who.hall, sha256])).rows[0]!.n);
    if (held < chunks) return { complete: false, received: held, chunks };
    // The last chunk: assemble in the database and check the whole.
    const whole = (
      await q.query<{ h: string; n: number | string; head: string }>(
        `WITH w AS (SELECT string_agg(data, ''::bytea ORDER BY idx) AS d FROM material_upload_chunks WHERE hall = $1 AND sha256 = $2)
         SELECT encode(sha256(d), 'hex') AS h, length(d) AS n, encode(substring(d FROM 1 FOR 8), 'hex') AS head FROM w`,
        [who.hall, sha256],
      )
    ).rows[0]!;
    const mime = row.mime as MaterialMime;
    let refused: { refused: 'whole-corrupt' | 'wrong-type'; detail: string } | undefined;
    if (whole.h !== sha256 || Number(whole.n) !== u.bytes) refused = { refused: 'whole-corrupt', detail: `the assembled file hashes to ${whole.h} (${whole.n} bytes)` };
    else if (!whole.head.startsWith(MAGIC[mime])) refused = { refused: 'wrong-type', detail: `the file does not start like ${mime}` };
    if (refused) {
      await q.query('DELETE FROM material_uploads WHERE hall = $1 AND sha256 = $2', [who.hall, sha256]);
      return refused;
    }
    await q.query(
      `INSERT INTO material_blobs (hall, sha256, bytes, mime, data, uploaded_by, created_at)
       SELECT $1, $2, $3, $4, string_agg(data, ''::bytea ORDER BY idx), $5, $6 FROM material_upload_chunks WHERE hall = $1 AND sha256 = $2
       ON CONFLICT (hall, sha256) DO NOTHING`,
      [who.hall, sha256, u.bytes, mime, who.terminalId, now],
    );
    await q.query('DELETE FROM material_uploads WHERE hall = $1 AND sha256 = $2', [who.hall, sha256]);
    await q.query('SELECT pg_notify($1, $2)', [MATERIALS_CHANNEL, who.hall]);
    return { complete: true, received: chunks, chunks };
  });
  if ('refused' in out) {
    // Refused after the commit: the partial upload is gone, the terminal starts over.
    if (out.refused === 'whole-corrupt') {
      refuse(422, 'blob-corrupt', `the chunks of ${sha256} do not make the file announced (${out.detail}); the upload was dropped, start it again`, '文件整体校验失败，已丢弃，请重新上传');
    }
    refuse(422, 'wrong-type', `${sha256}: ${out.detail}; the upload was dropped`, '文件类型与声明不符，已丢弃');
  }
  return out as ChunkResult;
}

export interface BlobInfo {
  bytes: number;
  mime: string;
}

export async function blobInfo(q: Queryable, hall: string, sha256: string): Promise<BlobInfo | undefined> {
  const r = await q.query<{ bytes: number | string; mime: string }>('SELECT bytes, mime FROM material_blobs WHERE hall = $1 AND sha256 = $2', [hall, sha256]);
  const row = r.rows[0];
  return row ? { bytes: Number(row.bytes), mime: row.mime } : undefined;
}

/** Whether the blob's bytes are in a file of the server's store (PGlite) rather than the row. */
async function inFile(q: Queryable, hall: string, sha256: string): Promise<BlobFiles | undefined> {
  const files = knownBlobFiles(q);
  if (!files) return undefined;
  const r = await q.query<{ stored: string }>('SELECT stored FROM material_blobs WHERE hall = $1 AND sha256 = $2', [hall, sha256]);
  return r.rows[0]?.stored === 'file' ? files : undefined;
}

/** The blob's bytes in slices (the column is stored uncompressed: each slice reads only itself). */
export async function* readBlob(q: Queryable, hall: string, sha256: string, bytes: number, slice = READ_SLICE_BYTES): AsyncGenerator<Buffer> {
  const files = await inFile(q, hall, sha256);
  for (let from = 0; from < bytes; from += slice) {
    if (files) {
      const d = await files.readSlice(hall, sha256, from, Math.min(slice, bytes - from));
      if (!d) throw new Error(`blob ${sha256} of hall ${hall} went away while it was read`);
      yield d;
      continue;
    }
    const r = await q.query<{ d: Uint8Array }>('SELECT substring(data FROM $3 FOR $4) AS d FROM material_blobs WHERE hall = $1 AND sha256 = $2', [hall, sha256, from + 1, slice]);
    const d = r.rows[0]?.d;
    if (!d) throw new Error(`blob ${sha256} of hall ${hall} went away while it was read`);
    yield Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  }
}

/** `length` bytes of the blob from byte `from` (0-based); undefined when the hall does not hold it. */
export async function readBlobSlice(q: Queryable, hall: string, sha256: string, from: number, length: number): Promise<Uint8Array | undefined> {
  const files = await inFile(q, hall, sha256);
  if (files) return files.readSlice(hall, sha256, from, length);
  const r = await q.query<{ d: Uint8Array }>('SELECT substring(data FROM $3 FOR $4) AS d FROM material_blobs WHERE hall = $1 AND sha256 = $2', [hall, sha256, from + 1, length]);
  return r.rows[0]?.d;
}

/** Which of these hashes the hall holds. */
export async function storedHashes(q: Queryable, hall: string, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const r = await q.query<{ sha256: string }>('SELECT sha256 FROM material_blobs WHERE hall = $1 AND sha256 = ANY($2::text[])', [hall, [...new Set(hashes)]]);
  return new Set(r.rows.map((x) => x.sha256));
}

/** The day of a ticket (for the admin's listing): from its issue event. */
export async function ticketDay(q: Queryable, hall: string, ticketId: string): Promise<string | undefined> {
  // A ticket's id is its issue event's id (origin:seq): the unique index finds it at once.
  const m = /^(.+):(\d{1,9})$/.exec(ticketId);
  if (m) {
    const r = await q.query<{ day: string }>(
      `SELECT body->'payload'->>'day' AS day FROM events WHERE origin = $1 AND seq = $2 AND hall = $3 AND type = 'ticket.issued' AND body->'payload'->>'ticketId' = $4`,
      [m[1], Number(m[2]), hall, ticketId],
    );
    if (r.rows[0]) return r.rows[0].day;
  }
  const r = await q.query<{ day: string }>(`SELECT body->'payload'->>'day' AS day FROM events WHERE hall = $1 AND type = 'ticket.issued' AND body->'payload'->>'ticketId' = $2 LIMIT 1`, [
    hall,
    ticketId,
  ]);
  return r.rows[0]?.day;
}
