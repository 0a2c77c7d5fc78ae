/**
 * What web mode keeps between runs next to its hall (the data dir): the device host's port and
 * session token, so the kiosks, counters and evaluators already open find their printer, card
 * reader and keypad again after a restart (their address holds both). The file is the
 * operator's alone (0600): the token lets a local page print tickets and read ID cards.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const DEVICE_HOST_FILE = 'device-host.json';

const DeviceHostStateSchema = z.object({
  port: z.number().int().min(1).max(65535),
  token: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/),
});
export type DeviceHostState = z.infer<typeof DeviceHostStateSchema>;

export function newDeviceToken(): string {
  return randomBytes(18).toString('base64url');
}

/** The kept port and token, or undefined (none yet, or a file that does not parse). */
export function readDeviceHostState(dataDir: string): DeviceHostState | undefined {
  const path = join(dataDir, DEVICE_HOST_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = DeviceHostStateSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeDeviceHostState(dataDir: string, state: DeviceHostState): void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, DEVICE_HOST_FILE);
  writeFileSync(path, `${JSON.stringify(DeviceHostStateSchema.parse(state))}\n`, { mode: 0o600 });
  // writeFileSync's mode applies only to a new file.
  chmodSync(path, 0o600);
}

/** Where `npm run web` keeps its hall: HALLQ_DATA_DIR, `memory` for nothing kept, default data/web. */
export function webDataDir(env: NodeJS.ProcessEnv, repoRoot: string): string | undefined {
  const v = env.HALLQ_DATA_DIR?.trim();
  if (v === 'memory') return undefined;
  return resolve(repoRoot, v || 'data/web');
}

/**
 * `--fresh`: the kept hall goes, a new demo hall starts. Only a directory that is a PGlite
 * database (PG_VERSION) or empty is removed: a mistyped HALLQ_DATA_DIR never wipes anything else.
 */
export function wipeDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  const isDb = existsSync(join(dataDir, 'PG_VERSION'));
  if (!isDb && readdirCount(dataDir) > 0) {
    throw new Error(`--fresh: ${dataDir} is not a hallq data dir (no PG_VERSION); remove it yourself or choose another HALLQ_DATA_DIR`);
  }
  rmSync(dataDir, { recursive: true, force: true });
}

function readdirCount(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0;
  }
}
