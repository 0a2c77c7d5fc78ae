/**
 * Upload quotas (issue 15, finding 7), checked when an upload is announced, before any byte:
 *
 * - per hall: the files the hall holds plus the uploads in progress may not pass the hall's
 *   storage quota (HALLQ_MATERIALS_HALL_QUOTA_MB, default 20 GiB: a big district hall captures
 *   about 1 GB a working day, and the retention (retention.ts) removes them after weeks).
 *   Over it: 413 `hall-storage-full`; the counter keeps the file and tries again later.
 * - per terminal: what one counter uploaded in the last 24 hours plus its uploads in progress
 *   may not pass HALLQ_MATERIALS_TERMINAL_DAY_MB (default 2 GiB: a clerk's busiest day is a few
 *   hundred MB). Over it: 429 `terminal-upload-quota` with Retry-After. A hub relaying its whole
 *   hall is held to the hall quota only.
 * - how fast: the upload gate (uploadGate.ts) answers 429 when a terminal, its hall or the server
 *   has its share of upload work waiting.
 */
import { z } from 'zod';
import type { Queryable } from '../db/db';
import { refuse } from '../http/errors';
import type { Principal } from '../store/events';
import { UploadBusyError } from './uploadGate';

const MIB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface UploadQuotas {
  hallBytes: number;
  terminalDayBytes: number;
}

const EnvSchema = z.object({
  HALLQ_MATERIALS_HALL_QUOTA_MB: z.coerce.number().int().positive().default(20 * 1024),
  HALLQ_MATERIALS_TERMINAL_DAY_MB: z.coerce.number().int().positive().default(2 * 1024),
});

/** The quotas from the environment (validated; a bad value stops the server at start). */
export function quotasFromEnv(env: NodeJS.ProcessEnv = process.env): UploadQuotas {
  const e = EnvSchema.parse({ HALLQ_MATERIALS_HALL_QUOTA_MB: env.HALLQ_MATERIALS_HALL_QUOTA_MB, HALLQ_MATERIALS_TERMINAL_DAY_MB: env.HALLQ_MATERIALS_TERMINAL_DAY_MB });
  return { hallBytes: e.HALLQ_MATERIALS_HALL_QUOTA_MB * MIB, terminalDayBytes: e.HALLQ_MATERIALS_TERMINAL_DAY_MB * MIB };
}

const mb = (n: number) => `${Math.round(n / MIB)} MB`;

/** Refuse an announced upload of `bytes` that would pass the hall's or the terminal's quota. */
export async function checkQuotas(q: Queryable, who: Principal, sha256: string, bytes: number, now: number, quotas: UploadQuotas): Promise<void> {
  const hall = await q.query<{ n: number | string | null }>(
    `SELECT (SELECT coalesce(sum(bytes), 0) FROM material_blobs WHERE hall = $1)
          + (SELECT coalesce(sum(bytes), 0) FROM material_uploads WHERE hall = $1 AND sha256 <> $2) AS n`,
    [who.hall, sha256],
  );
  const used = Number(hall.rows[0]?.n ?? 0);
  if (used + bytes > quotas.hallBytes) {
    refuse(
      413,
      'hall-storage-full',
      `this hall's material storage is full (${mb(used)} of ${mb(quotas.hallBytes)}): the file stays on the terminal and is sent when retention has made room or the quota is raised`,
      `本大厅收件存储空间已满（已用 ${mb(used)}，上限 ${mb(quotas.hallBytes)}）：文件保留在本机，待腾出空间后再上传`,
    );
  }
  if (who.role === 'hub') return;
  const mine = await q.query<{ n: number | string | null; oldest: number | string | null }>(
    `SELECT (SELECT coalesce(sum(bytes), 0) FROM material_blobs WHERE hall = $1 AND uploaded_by = $2 AND created_at > $3)
          + (SELECT coalesce(sum(bytes), 0) FROM material_uploads WHERE hall = $1 AND started_by = $2 AND sha256 <> $4) AS n,
            (SELECT min(created_at) FROM material_blobs WHERE hall = $1 AND uploaded_by = $2 AND created_at > $3) AS oldest`,
    [who.hall, who.terminalId, now - DAY_MS, sha256],
  );
  const day = Number(mine.rows[0]?.n ?? 0);
  if (day + bytes > quotas.terminalDayBytes) {
    const oldest = mine.rows[0]?.oldest;
    // Room comes back as the day's oldest files leave the 24-hour window.
    const s = Math.max(60, Math.min(DAY_MS / 1000, Math.ceil(((oldest === null || oldest === undefined ? now : Number(oldest)) + DAY_MS - now) / 1000)));
    throw new UploadBusyError(
      s,
      'terminal-upload-quota',
      `this terminal uploaded ${mb(day)} in the last 24 hours, its quota is ${mb(quotas.terminalDayBytes)}; try again in ${s} s`,
      `该终端 24 小时内已上传 ${mb(day)}，超过限额 ${mb(quotas.terminalDayBytes)}，请 ${s} 秒后再试`,
    );
  }
}
