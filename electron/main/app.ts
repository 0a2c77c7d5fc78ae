/**
 * The main process, composed: every part takes the Electron objects it needs from here, and
 * this module takes them from `electron/main/index.ts` (the only runtime import of 'electron').
 * Tested in Node with a faked Electron (tests/e2e/electron-main.test.ts loads the built bundle).
 *
 *   before ready   app:// privileges; one instance; every webContents navigation-locked
 *   ready          app:// served from dist/web; permissions table; logs; the configuration
 *   no config      the setup screen; saving it opens the role's windows
 *   config         the role's windows (per display layout), lockdown keys, crash recovery,
 *                  display kept awake, devices over IPC, autostart, updates
 *   exit gesture   the exit dialog: the admin password, then quit or back to setup
 */
import type { App, BrowserWindow, BrowserWindowConstructorOptions, IpcMain, Menu, PowerSaveBlocker, Protocol, Screen, Session, WebContents } from 'electron';
import type * as FsPromises from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceApi } from '../../shared/devices/contract';
import { hashPin } from '../../shared/identity/pin';
import type { ShellInfo, ShellResult } from '../../shared/shell/contract';
import { DeviceManager } from '../devices/manager';
import { DevicesConfigSchema } from '../devices/config';
import { configFromSetup, configPath, loadTerminalConfig, saveTerminalConfig, type TerminalConfig } from './config/terminalConfig';
import { registerDeviceIpc } from './deviceIpc';
import { registerShellIpc } from './ipc/shellIpc';
import { configureAutostart } from './lockdown/autostart';
import { ExitGate } from './lockdown/exitGate';
import { KeepDisplayAwake } from './lockdown/keepAwake';
import { lockKeys } from './lockdown/keys';
import { ensureSingleInstance } from './lockdown/singleInstance';
import { RotatingLog, type LogFs } from './logging/rotatingLog';
import { CrashRecovery } from './recovery/crashRecovery';
import { APP_SCHEME, appProtocolHandler, appSchemePrivileges, type ProtocolFs } from './security/appProtocol';
import { installDownloadPolicy } from './security/downloads';
import { forbiddenLaunchSwitches } from './security/launchSwitches';
import { lockNavigation } from './security/navigation';
import { installPermissionHandlers } from './security/permissions';
import { isAppSenderFor } from './security/senders';
import { spoolerPrintHtml } from './spooler';
import { PINNED_UPDATE_KEYS } from './update/pinnedKeys';
import { startUpdates, type Updater, type Updates } from './update/updater';
import { WindowManager } from './windows/windowManager';
import type { PageName, WindowPlan } from './windows/windowPlan';

/** The parts of the `electron` module the main process uses. */
export interface ElectronLike {
  app: Pick<App, 'whenReady' | 'quit' | 'exit' | 'relaunch' | 'getPath' | 'getVersion' | 'isPackaged' | 'requestSingleInstanceLock' | 'setLoginItemSettings' | 'getLoginItemSettings'> & {
    on(event: string, listener: (...args: never[]) => void): unknown;
    /** Chromium's parsed command line (the launch-switch check). */
    commandLine?: { hasSwitch(name: string): boolean };
  };
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  screen: Screen;
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  session: { defaultSession: Session };
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  powerSaveBlocker: PowerSaveBlocker;
  Menu: Pick<typeof Menu, 'setApplicationMenu'>;
}

export interface AppOptions {
  /** dist/: dist/web (the screens) and dist/electron/preload.cjs. */
  distDir: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  execPath: string;
  homeDir: string;
  fs: typeof FsPromises;
  fsSync: LogFs;
  now: () => number;
  /** electron-updater's autoUpdater, loaded only when updates are on. */
  updater: () => Promise<Updater>;
  randomBytes: (n: number) => Uint8Array;
  /** process.argv: a packaged terminal refuses debugging and TLS-weakening switches. */
  argv?: readonly string[];
}

export interface RunningApp {
  windows: WindowManager<BrowserWindow>;
  config(): TerminalConfig | null;
  log: RotatingLog;
}

/** Pages that talk to the devices (the preload gives them `window.hallq.devices`). */
const DEVICE_PAGES: PageName[] = ['kiosk', 'counter', 'evaluator'];

/** Call synchronously at start-up: the scheme's privileges must be set before `ready`. */
export function beforeReady(e: ElectronLike): void {
  e.protocol.registerSchemesAsPrivileged(appSchemePrivileges());
}

export async function startApp(e: ElectronLike, o: AppOptions): Promise<RunningApp | null> {
  const { app } = e;
  // What the fuses cannot switch off: Chromium's own debugging, proxy and certificate switches.
  const forbidden = app.isPackaged ? forbiddenLaunchSwitches(o.argv ?? [], o.platform, (n) => app.commandLine?.hasSwitch(n) ?? false) : [];
  if (forbidden.length > 0) {
    new RotatingLog({ dir: join(app.getPath('userData'), 'logs'), maxBytes: 5 * 1024 * 1024, files: 5, fs: o.fsSync, now: o.now }).error('refusing to start: forbidden command-line switches', {
      switches: forbidden,
    });
    app.exit(1);
    return null;
  }
  // A second start (double-clicked again): bring ours to the front instead.
  let focusMain = () => {};
  if (!ensureSingleInstance(app, () => focusMain())) return null;

  // Every webContents (windows, the spooler's hidden ones): no navigation away, no new windows.
  app.on('web-contents-created', (_event: never, contents: WebContents) => lockNavigation(contents));

  await app.whenReady();
  const userData = app.getPath('userData');
  const log = new RotatingLog({ dir: join(userData, 'logs'), maxBytes: 5 * 1024 * 1024, files: 5, fs: o.fsSync, now: o.now });
  log.info('starting', { version: app.getVersion(), platform: o.platform, packaged: app.isPackaged });

  e.protocol.handle(APP_SCHEME, appProtocolHandler(join(o.distDir, 'web'), o.fs as unknown as ProtocolFs));

  const path = configPath(userData, o.env);
  const loaded = await loadTerminalConfig(path, o.fs);
  let config: TerminalConfig | null = loaded.ok ? loaded.config : null;
  // A broken file is kept as it is (hall IT may want to read it) until setup writes a good one.
  if (!loaded.ok && !loaded.missing) log.error('configuration refused; opening setup', { path, error: loaded.message.en });
  if (loaded.ok && loaded.refused) log.error('configuration: part refused', { path, error: loaded.refused.en });
  // A test bench without lockdown keeps devtools; an unconfigured terminal is locked when packaged.
  // Read at each window's creation: after setup, the role's windows follow the new configuration.
  let production = config ? config.lockdown : app.isPackaged;
  if (production) e.Menu.setApplicationMenu(null);

  let quitting = false;
  app.on('before-quit', () => (quitting = true));
  app.on('window-all-closed', () => app.quit());

  const recovery = new CrashRecovery({
    now: o.now,
    timers: { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    relaunch: () => {
      app.relaunch();
      app.exit(0);
    },
    log,
  });
  const exitGate = new ExitGate({ passwordHash: () => config?.adminPasswordHash, now: o.now });
  const keepAwake = new KeepDisplayAwake(e.powerSaveBlocker);

  const openExit = () => {
    if (!windows.get('exit')) windows.openExitDialog();
  };
  const windows = new WindowManager<BrowserWindow>({
    createWindow: (options) => new e.BrowserWindow(options),
    screen: e.screen,
    preloadPath: join(o.distDir, 'electron', 'preload.cjs'),
    get production() {
      return production;
    },
    onWindowCreated: (win, plan) => guardWindow(win, plan),
    onLoadFailed: (_win, plan, err) => log.error('page failed to load', { window: plan.key, error: String(err) }),
  });
  focusMain = () => {
    const w = windows.get('main') ?? windows.get('setup');
    if (w && !w.isDestroyed()) w.focus();
  };
  const guardWindow = (win: BrowserWindow, plan: WindowPlan) => {
    lockKeys(win.webContents, { production, onExitGesture: openExit, platform: o.platform });
    recovery.watch(win, plan.key);
    // Alt+F4 or a window manager's close button: a locked terminal closes only through the
    // exit dialog (its own window may close; the setup screen may be closed to quit).
    if (production && plan.key !== 'exit' && plan.key !== 'setup') {
      win.on('close', (event) => {
        if (!quitting) event.preventDefault();
      });
    }
    if (plan.page === 'kiosk' && config?.kiosk.hideCursor && production) {
      win.webContents.on('did-finish-load', () => void win.webContents.insertCSS('* { cursor: none !important; }').catch(() => undefined));
    }
  };

  const pageOfContents = (contents: WebContents): PageName | undefined => {
    for (const [key, win] of windows.windows()) if (!win.isDestroyed() && win.webContents === contents) return windows.planOf(key)?.page;
    return undefined;
  };
  installPermissionHandlers(e.session.defaultSession, pageOfContents);
  installDownloadPolicy(e.session.defaultSession, pageOfContents, {
    downloadsDir: () => app.getPath('downloads'),
    exists: (p) => o.fsSync.existsSync(p),
    sep: o.platform === 'win32' ? '\\' : '/',
    log: (line) => log.info(line),
  });

  const info = (): ShellInfo => ({
    version: app.getVersion(),
    platform: o.platform,
    configPath: path,
    ...(config ? { terminalId: config.terminalId, role: config.role } : {}),
  });
  registerShellIpc(e.ipcMain, {
    info,
    saveSetup: async (input): Promise<ShellResult> => {
      // Only while the setup screen is what the terminal shows (first start, or after the exit
      // dialog's "set up again"): a role page never reaches this (sender check), nor a stale one.
      if (!windows.get('setup')) return { ok: false, message: { zh: '当前不在设置状态。', en: 'The terminal is not in setup.' } };
      const hash = await hashPin(input.adminPassword, o.randomBytes(16));
      const next = configFromSetup(input, hash, config ?? undefined);
      await saveTerminalConfig(path, next, o.fs);
      log.info('configured', { terminal: next.terminalId, role: next.role });
      config = next;
      production = next.lockdown;
      if (production) e.Menu.setApplicationMenu(null);
      applyConfig();
      windows.reopen(next);
      return { ok: true };
    },
    exit: async (req): Promise<ShellResult> => {
      const r = await exitGate.check(req.password);
      if (!r.ok) {
        log.warn('exit refused');
        return r;
      }
      log.info('exit accepted', { action: req.action });
      if (req.action === 'quit') {
        quitting = true;
        app.quit();
      } else {
        windows.closeExitDialog();
        windows.reopen(null);
      }
      return { ok: true };
    },
    cancelExit: () => windows.closeExitDialog(),
  });

  // Devices: the manager answers over IPC to the pages that use devices; with none configured
  // it answers with empty health, so the pages say "no printer" rather than fail.
  let devices: DeviceManager | undefined;
  let unregisterDevices: (() => void) | undefined;
  let updates: Updates | undefined;
  const applyConfig = () => {
    unregisterDevices?.();
    void devices?.stop();
    devices = new DeviceManager({
      config: config?.devices ?? DevicesConfigSchema.parse({}),
      hallKey: config?.hallKey ?? '',
      printHtml: spoolerPrintHtml((options) => new e.BrowserWindow(options)),
      log: (level, message) => log[level](`devices: ${message}`),
    });
    devices.start();
    unregisterDevices = registerDeviceIpc(e.ipcMain, devices as DeviceApi, isAppSenderFor(DEVICE_PAGES));

    if (config && config.role !== 'admin') keepAwake.start();
    else keepAwake.stop();

    if (config && app.isPackaged) {
      configureAutostart({
        platform: o.platform,
        app,
        fs: o.fs,
        homeDir: o.homeDir,
        execPath: o.execPath,
        ...(o.env.APPIMAGE ? { appImagePath: o.env.APPIMAGE } : {}),
        ...(o.env.XDG_CONFIG_HOME ? { xdgConfigHome: o.env.XDG_CONFIG_HOME } : {}),
        enabled: config.autostart,
      })
        .then((r) => log.info('autostart', r))
        .catch((err: unknown) => log.error('autostart failed', { error: String(err) }));
    }

    updates?.stop();
    updates = undefined;
    const update = config?.update;
    if (update?.enabled) {
      o.updater()
        .then(
          (u) =>
            (updates = startUpdates(u, update, {
              log,
              timers: { setInterval: (f, ms) => setInterval(f, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) },
              publicKeys: PINNED_UPDATE_KEYS,
            })),
        )
        .catch((err: unknown) => log.error('updater unavailable', { error: String(err) }));
    }
  };
  applyConfig();
  // A verified update installs as the app quits (a kiosk's nightly restart), never mid-service.
  app.on('quit', (_event: never, exitCode: number) => updates?.installOnQuit(exitCode));
  app.on('will-quit', () => {
    updates?.stop();
    keepAwake.stop();
    void devices?.stop();
  });

  windows.start(config);
  return { windows, config: () => config, log };
}
