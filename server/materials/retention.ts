/**
 * Personal materials on the server (issue 15, finding 12, R21): retention and deletion.
 *
 * - Retention: the hall's policy says how long the server keeps the images after upload:
 *   `idCopiesServerRetentionDays` (default 30) for ID card copies, any material whose name says
 *   身份证 / ID card (the counter's ID card sheet, both sides), `materialsServerRetentionDays`
 *   (default 90) for the rest. A sweep runs hourly (and at start) on every hall with files; a
 *   file shared by an ID card material and another one is an ID card copy (the shorter period).
 * - Deletion really deletes: the blob's row and file, an upload of it in progress (rows and
 *   chunk files), the hub's relay record for it; what is kept is a tombstone (hash, when, why,
 *   who), so an upload of the same bytes is answered complete and never stored again, and a
 *   hub tells its upstream to delete its copy (server/upstream/materials.ts, relayDeletions).
 *   PostgreSQL: a deleted row's bytes stay in the table's pages until VACUUM reuses them and
 *   in the WAL until it is recycled; autovacuum runs after deletions, and hall IT runs
 *   `VACUUM (FULL) material_blobs` when a deletion must leave no trace on disk now (SECURITY.md).
 */
import type { Db, Queryable } from '../db/db';
import type { Policy } from '../../shared/config/schemas';
import { MATERIALS_CHANNEL } from '../store/materials';
import type { BlobFiles } from './blobFiles';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How a material's name says it is an ID card copy (the counter's ID sheet is named so). */
export const ID_COPY_NAME = /身份证|id[ -]?card|identity card/i;

export type DeletionReason = 'retention' | 'admin' | 'upstream';

/**
 * Delete one file of the hall for good. Returns whether the hall held it (or an upload of it).
 * The tombstone is written even when nothing was held (a deletion that raced an upload stops
 * the upload from storing it later).
 */
export async function deleteMaterialFile(db: Db, files: BlobFiles | undefined, hall: string, sha256: string, reason: DeletionReason, by: string | undefined, now: number): Promise<boolean> {
  const held = await db.tx(async (q) => {
    const b = await q.query('DELETE FROM material_blobs WHERE hall = $1 AND sha256 = $2 RETURNING sha256', [hall, sha256]);
    // Chunks go with the upload (ON DELETE CASCADE).
    const u = await q.query('DELETE FROM material_uploads WHERE hall = $1 AND sha256 = $2 RETURNING sha256', [hall, sha256]);
    // The hub's record that central holds it: nothing here claims a copy any more.
    await q.query('DELETE FROM upstream_materials WHERE hall = $1 AND sha256 = $2', [hall, sha256]);
    await q.query(
      `INSERT INTO material_deletions (hall, sha256, reason, by_terminal, deleted_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (hall, sha256) DO UPDATE SET reason = EXCLUDED.reason, by_terminal = EXCLUDED.by_terminal, deleted_at = EXCLUDED.deleted_at`,
      [hall, sha256, reason, by ?? null, now],
    );
    // A hub's relay wakes up and tells central.
    await q.query('SELECT pg_notify($1, $2)', [MATERIALS_CHANNEL, hall]);
    return b.rows.length + u.rows.length > 0;
  });
  if (files) {
    await files.dropBlob(hall, sha256);
    await files.dropChunks(hall, sha256);
  }
  return held;
}

export async function isDeleted(q: Queryable, hall: string, sha256: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM material_deletions WHERE hall = $1 AND sha256 = $2', [hall, sha256])).rows.length > 0;
}

/** Of these files of the hall, the ones a material named as an ID card copy refers to. */
export async function idCopyHashes(q: Queryable, hall: string, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const r = await q.query<{ sha256: string }>(
    `SELECT DISTINCT h.sha256 FROM unnest($2::text[]) AS h(sha256)
     JOIN events e ON e.hall = $1 AND e.type = 'material.attached'
       AND (e.body->'payload'->'pages' @> jsonb_build_array(jsonb_build_object('sha256', h.sha256)) OR e.body->'payload'->'pdf'->>'sha256' = h.sha256)
     WHERE e.body->'payload'->>'name' ~* $3`,
    [hall, [...new Set(hashes)], ID_COPY_NAME.source],
  );
  return new Set(r.rows.map((x) => x.sha256));
}

export interface SweepResult {
  idCopies: number;
  others: number;
}

/** Delete the hall's files past its retention (ID card copies first, by their shorter period). */
export async function sweepHall(db: Db, files: BlobFiles | undefined, hall: string, policy: Pick<Policy, 'idCopiesServerRetentionDays' | 'materialsServerRetentionDays'>, now: number): Promise<SweepResult> {
  const out: SweepResult = { idCopies: 0, others: 0 };
  const idBefore = now - policy.idCopiesServerRetentionDays * DAY_MS;
  const otherBefore = now - policy.materialsServerRetentionDays * DAY_MS;
  // Page through the files older than the later of the two limits (keyset: no file is skipped
  // however many younger non-ID files sit before it).
  let after: { at: number; sha256: string } = { at: -1, sha256: '' };
  for (;;) {
    const older = await db.query<{ sha256: string; created_at: number | string }>(
      `SELECT sha256, created_at FROM material_blobs WHERE hall = $1 AND created_at < $2 AND (created_at, sha256) > ($3, $4)
       ORDER BY created_at, sha256 LIMIT 500`,
      [hall, Math.max(idBefore, otherBefore), after.at, after.sha256],
    );
    if (older.rows.length === 0) break;
    const ids = await idCopyHashes(db, hall, older.rows.map((r) => r.sha256));
    for (const row of older.rows) {
      const at = Number(row.created_at);
      after = { at, sha256: row.sha256 };
      const isId = ids.has(row.sha256);
      if (at >= (isId ? idBefore : otherBefore)) continue;
      await deleteMaterialFile(db, files, hall, row.sha256, 'retention', undefined, now);
      if (isId) out.idCopies += 1;
      else out.others += 1;
    }
  }
  return out;
}

/** Every hall with files on this server (the sweep's round). */
export async function hallsWithMaterials(q: Queryable): Promise<string[]> {
  const r = await q.query<{ hall: string }>('SELECT DISTINCT hall FROM material_blobs');
  return r.rows.map((x) => x.hall);
}
