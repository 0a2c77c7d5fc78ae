/**
 * Updates from the hall's own update server (electron-updater, "generic" provider: a folder of
 * installers and latest.yml behind any web server). Downloads happen in the background and the
 * update installs when the app next quits: a kiosk restarts at night, never mid-service.
 * Nothing here ever throws or shows a dialog: most halls are offline most of the time, and a
 * failed check is just a line in the log.
 *
 * Security (issue 15): the feed is https only (over http anyone on the hall LAN could offer a
 * fake update), and an update installs only after its publisher's Ed25519 signature has been
 * checked against the key pinned in the app (updateSignature.ts), once when it has downloaded
 * and again right before it installs. electron-updater's own install-on-quit stays off: it
 * would install whatever it downloaded. On Windows, electron-updater also checks the
 * installer's Authenticode signature against the publisher in app-update.yml.
 * `autoUpdater` comes in as an argument: electron-updater is imported for its types only.
 */
import type { AppUpdater, UpdateDownloadedEvent } from 'electron-updater';
import { z } from 'zod';
import type { LogSink } from '../logging/rotatingLog';
import { parsePublicKeys, verifyUpdateFile, verifyUpdateFileSync } from './updateSignature';

/** The feed's address: https, with no user name or password in it (it is logged). */
export const UpdateFeedUrlSchema = z
  .string()
  .max(2048)
  .url()
  .refine((u) => new URL(u).protocol === 'https:', 'an https:// address: updates are never fetched over plain http, where anyone on the hall LAN could offer a fake one')
  .refine((u) => new URL(u).username === '' && new URL(u).password === '', 'no user name or password in the address');

export const UpdateSettingsSchema = z
  .object({
    enabled: z.boolean(),
    url: UpdateFeedUrlSchema.optional(),
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
  on(event: 'update-downloaded', listener: (info: UpdateDownloadedEvent) => void): unknown;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade?: boolean;
  disableWebInstaller?: boolean;
  logger?: UpdaterLogger | null;
  /** Installs the downloaded update now, as the app quits (electron-updater's NSIS, AppImage and deb updaters have it). */
  install?(isSilent?: boolean, isForceRunAfter?: boolean): boolean;
};

/** What startUpdates returns. */
export interface Updates {
  /** Stops the checks (a download already verified still installs at quit). */
  stop(): void;
  /** Call from the app's 'quit' event: installs a verified update if there is one. */
  installOnQuit(exitCode: number): void;
}

export interface UpdateTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const off: Updates = { stop: () => undefined, installOnQuit: () => undefined };
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Starts checking (now, then every `checkHours`). `publicKeys` is the pinned key text
 * (pinnedKeys.ts); without a valid key nothing is checked or installed.
 */
export function startUpdates(updater: Updater, settings: UpdateSettings, { log, timers, publicKeys }: { log: LogSink; timers: UpdateTimers; publicKeys: string }): Updates {
  const parsed = UpdateSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    log.error('updater: bad settings, updates off', { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return off;
  }
  const s = parsed.data;
  if (!s.enabled || s.url === undefined) {
    log.info('updater: off');
    return off;
  }
  const pinned = parsePublicKeys(publicKeys);
  if (!pinned.ok) {
    log.error('updater: updates off: no update can be verified', { error: pinned.error });
    return off;
  }
  const keys = pinned.keys;

  let stopped = false;
  let checking = false;
  /** The newest download, and whether its signature checked out. */
  let latest: UpdateDownloadedEvent | null = null;
  let verified: UpdateDownloadedEvent | null = null;
  try {
    updater.logger = {
      info: (m) => log.info('updater', { detail: String(m) }),
      warn: (m) => log.warn('updater', { detail: String(m) }),
      error: (m) => log.error('updater', { detail: String(m) }),
    };
    // Without an 'error' listener the emitter would throw the error out of the main process.
    updater.on('error', (e) => log.warn('updater: error', { error: errorText(e) }));
    updater.on('update-available', (info) => log.info('updater: downloading', { version: info.version }));
    updater.on('update-downloaded', (info) => {
      latest = info;
      verified = null;
      void verifyUpdateFile(info.downloadedFile, info, keys).then((v) => {
        if (latest !== info) return;
        if (v.ok) {
          verified = info;
          log.info('updater: downloaded, signature good, installs at the next restart', { version: info.version });
        } else {
          log.error('updater: update refused: bad signature', { version: info.version, reason: v.reason });
        }
      });
    });
    updater.autoDownload = true;
    // Installs only what was verified, from installOnQuit.
    updater.autoInstallOnAppQuit = false;
    // A replayed old latest.yml must not take the hall back to an old version.
    updater.allowDowngrade = false;
    // A web installer's package would not be covered by the signature.
    updater.disableWebInstaller = true;
    updater.setFeedURL({ provider: 'generic', url: s.url, channel: s.channel });
  } catch (e) {
    log.error('updater: could not be set up, updates off', { error: errorText(e) });
    return off;
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
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      timers.clearInterval(handle);
    },
    installOnQuit: (exitCode) => {
      const info = verified;
      if (info === null || info !== latest) return;
      if (exitCode !== 0) {
        log.info('updater: not installing, the app is quitting with an error', { exitCode });
        return;
      }
      // Again, right before installing: the file may have changed on disk since it was checked.
      const v = verifyUpdateFileSync(info.downloadedFile, info, keys);
      if (!v.ok) {
        log.error('updater: update refused at install: bad signature', { version: info.version, reason: v.reason });
        return;
      }
      if (typeof updater.install !== 'function') {
        log.warn('updater: this platform cannot install updates', { version: info.version });
        return;
      }
      try {
        const started = updater.install(true, false);
        log.info(started ? 'updater: installing' : 'updater: install did not start', { version: info.version });
      } catch (e) {
        log.error('updater: install failed', { version: info.version, error: errorText(e) });
      }
    },
  };
}
