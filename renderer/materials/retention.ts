/**
 * Personal data on the counter (R21, issue 8): a captured image leaves the terminal once the
 * server has confirmed it holds it AND the hall's retention period (policy
 * `materialsRetentionDays`, counted from the capture; 0 = at once) has passed. A file the
 * server has not confirmed (queued, or refused) is never deleted, whatever its age: it may be
 * the only copy. Files the counter still shows (the ticket being served) can be kept.
 */
import type { MaterialBlobRow, TerminalDatabase } from '../db/database';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface SweepOptions {
  now: number;
  /** The hall's policy `materialsRetentionDays` (0-30). */
  retentionDays: number;
  /** Hashes to keep whatever their age (pages on screen, a material being assembled). */
  keep?: (sha256: string) => boolean;
}

/** Whether a row may leave the terminal now. */
export function mayDelete(row: Pick<MaterialBlobRow, 'state' | 'capturedAt' | 'confirmedAt'>, now: number, retentionDays: number): boolean {
  if (row.state !== 'uploaded' || row.confirmedAt === undefined) return false;
  const days = Number.isFinite(retentionDays) ? Math.min(30, Math.max(0, Math.floor(retentionDays))) : 30;
  return now >= row.capturedAt + days * DAY_MS;
}

/**
 * Delete the files that may go; returns their hashes. Each row is checked again inside the
 * deleting transaction, so a row the uploader changes meanwhile is judged as it is then.
 */
export async function sweepMaterials(db: Pick<TerminalDatabase, 'materialBlobs' | 'transaction'>, o: SweepOptions): Promise<string[]> {
  const candidates = await db.materialBlobs.where('state').equals('uploaded').primaryKeys();
  const gone: string[] = [];
  await db.transaction('rw', db.materialBlobs, async () => {
    for (const sha256 of candidates) {
      if (o.keep?.(sha256)) continue;
      const row = await db.materialBlobs.get(sha256);
      if (row && mayDelete(row, o.now, o.retentionDays)) {
        await db.materialBlobs.delete(sha256);
        gone.push(sha256);
      }
    }
  });
  return gone;
}

/** Sweep now and then at `everyMs` with the policy read at each sweep; returns the stop function. */
export function startRetention(
  db: Pick<TerminalDatabase, 'materialBlobs' | 'transaction'>,
  o: { retentionDays: () => number; now?: () => number; keep?: (sha256: string) => boolean; everyMs?: number; onError?: (e: unknown) => void },
): () => void {
  const now = o.now ?? Date.now;
  let stopped = false;
  const sweep = () => {
    if (stopped) return;
    sweepMaterials(db, { now: now(), retentionDays: o.retentionDays(), ...(o.keep ? { keep: o.keep } : {}) }).catch((e: unknown) => o.onError?.(e));
  };
  sweep();
  const timer = setInterval(sweep, o.everyMs ?? 60_000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
