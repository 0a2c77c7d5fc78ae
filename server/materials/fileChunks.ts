/**
 * A chunk of an upload whose bytes go to files (PGlite: see blobFiles.ts). The same answers as
 * server/store/materials.ts's putChunk, by the same rules (chunk hash, index, length, whole-file
 * hash and type at the end); the database holds only the rows, and no file I/O happens while a
 * transaction holds PGlite's one connection.
 *
 * Runs inside the upload gate (one upload job at a time on this server), and a PGlite database
 * has one server: so nothing else touches this upload between the steps below.
 */
import { createHash } from 'node:crypto';
import type { MaterialMime } from '../../shared/events/payloads';
import type { Db } from '../db/db';
import { refuse } from '../http/errors';
import type { Principal } from '../store/events';
import { MAGIC, MATERIALS_CHANNEL, blobExists, chunkLength, sha256Async, type ChunkResult, type UploadRow } from '../store/materials';
import type { BlobFiles } from './blobFiles';

export async function putChunkToFiles(db: Db, files: BlobFiles, who: Principal, sha256: string, index: number, data: Uint8Array, chunkHash: string, now: number): Promise<ChunkResult> {
  if ((await sha256Async(data)) !== chunkHash) {
    refuse(400, 'chunk-corrupt', `chunk ${index} of ${sha256} does not match its x-chunk-sha256: it was damaged on the way; send it again`, '数据块校验失败，请重新发送');
  }
  // 1. What was announced (a short read).
  if (await blobExists(db, who.hall, sha256)) return { complete: true, received: 0, chunks: 0 };
  const row = (await db.query<UploadRow>('SELECT bytes, mime, chunk_bytes, chunks FROM material_uploads WHERE hall = $1 AND sha256 = $2', [who.hall, sha256])).rows[0];
  if (!row) return refuse(404, 'upload-unknown', `no upload of ${sha256} is in progress in this hall: announce it first (POST /api/materials/uploads)`, '上传任务不存在，请重新开始上传');
  const u = { bytes: Number(row.bytes), chunkBytes: Number(row.chunk_bytes) };
  const chunks = Number(row.chunks);
  if (index >= chunks) refuse(400, 'chunk-out-of-range', `chunk ${index} is past the end of ${sha256} (chunks 0..${chunks - 1})`, '数据块序号超出范围');
  const want = chunkLength(u, index);
  if (data.byteLength !== want) refuse(400, 'chunk-size', `chunk ${index} of ${sha256} has ${data.byteLength} bytes, expected ${want}`, '数据块大小不正确');

  // 2. The bytes to their file (no transaction open), then the row that says it is there.
  await files.writeChunk(who.hall, sha256, index, data);
  const held = await db.tx(async (q) => {
    await q.query(
      `INSERT INTO material_upload_chunks (hall, sha256, idx, data, stored, received_at) VALUES ($1, $2, $3, NULL, 'file', $4) ON CONFLICT (hall, sha256, idx) DO NOTHING`,
      [who.hall, sha256, index, now],
    );
    await q.query('UPDATE material_uploads SET updated_at = $3 WHERE hall = $1 AND sha256 = $2', [who.hall, sha256, now]);
    return Number((await q.query<{ n: number | string }>('SELECT count(*) AS n FROM material_upload_chunks WHERE hall = $1 AND sha256 = $2', [who.hall, sha256])).rows[0]!.n);
  });
  if (held < chunks) return { complete: false, received: held, chunks };

  // 3. The last chunk: check the whole file, chunk file by chunk file (each read and hashed on
  // its own, so the event loop is never held for long).
  const hash = createHash('sha256');
  let total = 0;
  let head = '';
  for (let i = 0; i < chunks; i++) {
    const c = await files.readChunk(who.hall, sha256, i);
    if (i === 0) head = c.subarray(0, 8).toString('hex');
    total += c.byteLength;
    hash.update(c);
    await new Promise((r) => setImmediate(r));
  }
  const h = hash.digest('hex');
  const mime = row.mime as MaterialMime;
  let refusal: [string, string, string] | undefined;
  if (h !== sha256 || total !== u.bytes) {
    refusal = ['blob-corrupt', `the chunks of ${sha256} do not make the file announced (the assembled file hashes to ${h} (${total} bytes)); the upload was dropped, start it again`, '文件整体校验失败，已丢弃，请重新上传'];
  } else if (!head.startsWith(MAGIC[mime])) {
    refusal = ['wrong-type', `${sha256}: the file does not start like ${mime}; the upload was dropped`, '文件类型与声明不符，已丢弃'];
  }
  if (refusal) {
    await db.query('DELETE FROM material_uploads WHERE hall = $1 AND sha256 = $2', [who.hall, sha256]);
    await files.dropChunks(who.hall, sha256);
    return refuse(422, refusal[0], refusal[1], refusal[2]);
  }
  // 4. The file, whole, under its name; then its row; then the chunks go.
  await files.assemble(who.hall, sha256, chunks);
  await db.tx(async (q) => {
    await q.query(
      `INSERT INTO material_blobs (hall, sha256, bytes, mime, data, stored, uploaded_by, created_at) VALUES ($1, $2, $3, $4, NULL, 'file', $5, $6)
       ON CONFLICT (hall, sha256) DO NOTHING`,
      [who.hall, sha256, u.bytes, mime, who.terminalId, now],
    );
    await q.query('DELETE FROM material_uploads WHERE hall = $1 AND sha256 = $2', [who.hall, sha256]);
    await q.query('SELECT pg_notify($1, $2)', [MATERIALS_CHANNEL, who.hall]);
  });
  await files.dropChunks(who.hall, sha256);
  return { complete: true, received: chunks, chunks };
}
