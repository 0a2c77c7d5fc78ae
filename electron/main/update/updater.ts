/**
 * Updates from the hall's own update server (electron-updater, "generic" provider: a folder of
 * installers and latest.yml behind any web server). Downloads happen in the background and the
 * update installs when the app next quits: a kiosk restarts at night, never mid-service.
 * Nothing here ever throws or shows a dialog: most halls are offline most of the time, and a
 * failed check is just a line in the log.
 * `autoUpdater` comes in as an argument: electron-updater is imported for its types only.
 */
import type { AppUpdater } from 'electron-updater';
import { z } from 'zod';
import type { LogSink } from '../logging/rotatingLog';

export const UpdateSettingsSchema = z
  .object({
    enabled: z.boolean(),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'an http(s) address')
      .optional(),
    channel: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a channel such as latest or beta'),
    /** At most a week (and within what setInterval can hold). */
    checkHours: z.number().min(0.25).max(168),
  })
  .refine((s) => !s.enabled || s.url !== undefined, { message: 'an update server address is needed', path: ['url'] });
export type UpdateSettings = z.infer<typeof UpdateSettingsSchema>;

export interface UpdaterLogger {
  info(message?: unknown): void;
  warn(message?: unknown): void;
  error(message?: unknown): void;
  debug?(message: string): void;
}

/** The parts of electron-updater's `autoUpdater` used here; the real one fits (checked in the tests). */
export type Updater = Pick<AppUpdater, 'setFeedURL' | 'checkForUpdates'> & {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade?: boolean;
  logger?: UpdaterLogger | null;
};

export interface UpdateTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const noop = () => undefined;
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Starts checking (now, then every `checkHours`); returns the stop function. */
export function startUpdates(updater: Updater, settings: UpdateSettings, { log, timers }: { log: LogSink; timers: UpdateTimers }): () => void {
  const parsed = UpdateSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    log.error('updater: bad settings, updates off', { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return noop;
  }
  const s = parsed.data;
  if (!s.enabled || s.url === undefined) {
    log.info('updater: off');
    return noop;
  }

  let stopped = false;
  let checking = false;
  try {
    updater.logger = {
      info: (m) => log.info('updater', { detail: String(m) }),
      warn: (m) => log.warn('updater', { detail: String(m) }),
      error: (m) => log.error('updater', { detail: String(m) }),
    };
    // Without an 'error' listener the emitter would throw the error out of the main process.
    updater.on('error', (e) => log.warn('updater: error', { error: errorText(e) }));
    updater.on('update-available', (info) => log.info('updater: downloading', { version: info.version }));
    updater.on('update-downloaded', (info) => log.info('updater: downloaded, installs at the next restart', { version: info.version }));
    updater.autoDownload = true;
    updater.autoInstallOnAppQuit = true;
    // A replayed old latest.yml must not take the hall back to an old version.
    updater.allowDowngrade = false;
    updater.setFeedURL({ provider: 'generic', url: s.url, channel: s.channel });
  } catch (e) {
    log.error('updater: could not be set up, updates off', { error: errorText(e) });
    return noop;
  }

  const check = () => {
    if (stopped || checking) return;
    checking = true;
    log.info('updater: checking', { url: s.url, channel: s.channel });
    Promise.resolve()
      .then(() => updater.checkForUpdates())
      .catch((e: unknown) => log.warn('updater: check failed', { error: errorText(e) }))
      .finally(() => {
        checking = false;
      });
  };
  check();
  const handle = timers.setInterval(check, s.checkHours * 3_600_000);
  return () => {
    if (stopped) return;
    stopped = true;
    timers.clearInterval(handle);
  };
}
