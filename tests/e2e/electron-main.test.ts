/**
 * The built main process (dist/electron/main.cjs, `npm run build`) loaded in Node with a faked
 * `electron` module: the Electron binary cannot be downloaded here, so everything the bundle does
 * with Electron is recorded by the fake and checked. The screens it serves are the real dist/web
 * (built before the e2e tier).
 */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SHELL_IPC } from '../../shared/shell/contract';
import { DEVICE_IPC } from '../../electron/main/deviceIpcChannels';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'dist/electron/main.cjs');
const PRELOAD = join(ROOT, 'dist/electron/preload.cjs');

class FakeWebContents extends EventEmitter {
  static next = 1;
  id = FakeWebContents.next++;
  url = '';
  openHandler: ((d: { url: string }) => { action: string }) | undefined;
  zoomLimits: number[] = [];
  getURL() {
    return this.url;
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
  setVisualZoomLevelLimits(a: number, b: number) {
    this.zoomLimits = [a, b];
    return Promise.resolve();
  }
  setZoomFactor() {}
  reload() {}
  forcefullyCrashRenderer() {}
  insertCSS() {
    return Promise.resolve('');
  }
  isDestroyed() {
    return false;
  }
  send() {}
}

function fakeElectron(userData: string) {
  const calls: string[] = [];
  const windows: FakeWindow[] = [];
  const ipc = new Map<string, (event: unknown, payload?: unknown) => unknown>();
  const protocols = new Map<string, (req: { url: string }) => Promise<Response>>();
  let privileged: Array<{ scheme: string; privileges: Record<string, boolean> }> = [];
  let permissionRequest: ((wc: unknown, permission: string, cb: (ok: boolean) => void, details: object) => void) | undefined;
  const app = Object.assign(new EventEmitter(), {
    whenReady: () => Promise.resolve(),
    quit: () => calls.push('quit'),
    exit: (code: number) => calls.push(`exit ${code}`),
    relaunch: () => calls.push('relaunch'),
    getPath: () => userData,
    getVersion: () => '0.1.0',
    isPackaged: false,
    requestSingleInstanceLock: () => true,
    setLoginItemSettings: () => calls.push('login-item'),
    getLoginItemSettings: () => ({ openAtLogin: false }),
  });
  class FakeWindow extends EventEmitter {
    webContents = new FakeWebContents();
    destroyed = false;
    shown = false;
    constructor(readonly options: { webPreferences?: Record<string, unknown>; fullscreen?: boolean; kiosk?: boolean }) {
      super();
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      this.webContents.url = url;
      setTimeout(() => this.emit('ready-to-show'), 0);
      return Promise.resolve();
    }
    show() {
      this.shown = true;
    }
    showInactive() {
      this.shown = true;
    }
    maximize() {}
    focus() {}
    destroy() {
      this.destroyed = true;
      this.emit('closed');
    }
    isDestroyed() {
      return this.destroyed;
    }
    setBounds() {}
    setFullScreen() {}
    setKiosk() {}
  }
  const screen = Object.assign(new EventEmitter(), {
    getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
    getPrimaryDisplay: () => ({ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
  });
  const defaultSession = Object.assign(new EventEmitter(), {
    setPermissionRequestHandler: (h: typeof permissionRequest) => (permissionRequest = h),
    setPermissionCheckHandler: () => {},
    setDevicePermissionHandler: () => {},
  });
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    screen,
    protocol: {
      registerSchemesAsPrivileged: (s: typeof privileged) => (privileged = s),
      handle: (scheme: string, h: (req: { url: string }) => Promise<Response>) => protocols.set(scheme, h),
    },
    session: { defaultSession },
    ipcMain: { handle: (ch: string, fn: (event: unknown, payload?: unknown) => unknown) => ipc.set(ch, fn), removeHandler: (ch: string) => ipc.delete(ch) },
    powerSaveBlocker: { start: () => (calls.push('keep-awake'), 1), stop: () => calls.push('sleep-allowed'), isStarted: () => calls.includes('keep-awake') },
    Menu: { setApplicationMenu: () => calls.push('no-menu') },
  };
  return { electron, calls, windows, ipc, protocols, privileged: () => privileged, permission: () => permissionRequest!, session: defaultSession };
}

type Fake = ReturnType<typeof fakeElectron>;
const live = (f: Fake) => f.windows.filter((w) => !w.destroyed);
const sender = (url: string) => ({ senderFrame: { url, parent: null }, sender: { id: 1 } });

async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
const loadMain = (fake: Fake, configFile: string) => {
  process.env.HALLQ_CONFIG = configFile;
  const load = (Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: unknown })._load = function (req: string, ...rest: unknown[]) {
    if (req === 'electron') return fake.electron;
    return load.call(this, req, ...rest);
  };
  try {
    const req = createRequire(import.meta.url);
    delete req.cache[MAIN];
    req(MAIN);
  } finally {
    (Module as unknown as { _load: unknown })._load = load;
  }
};

beforeAll(() => {
  // The bundle the app ships: built here from the sources (the screens are built by the e2e tier).
  const r = spawnSync(process.execPath, ['scripts/build-electron.mjs', '--no-web'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  expect(existsSync(join(ROOT, 'dist/web/setup/index.html'))).toBe(true);
}, 120_000);

afterEach(() => {
  delete process.env.HALLQ_CONFIG;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the built main process, with a faked electron', () => {
  it('first start: the setup screen in a locked-down window; saving it opens the kiosk, locked down', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-main-'));
    const fake = fakeElectron(dir);
    const configFile = join(dir, 'terminal.json');
    loadMain(fake, configFile);

    // Before ready: app:// is standard and secure (fetch, CSP) for the screens.
    expect(fake.privileged()).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    await until(() => live(fake).length === 1 && live(fake)[0]!.shown);
    const setup = live(fake)[0]!;
    expect(setup.webContents.url).toBe('app://hallq/setup/index.html');
    expect(setup.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: PRELOAD });
    expect(existsSync(setup.options.webPreferences!.preload as string)).toBe(true);

    // The screens come from dist/web through app://, with the CSP; nothing outside it.
    const serve = fake.protocols.get('app')!;
    const page = await serve({ url: 'app://hallq/setup/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await serve({ url: 'app://hallq/%2e%2e/%2e%2e/package.json' })).status).toBe(404);

    // Navigation away and new windows are denied on every webContents.
    expect(setup.webContents.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const nav = { url: 'https://example.com', preventDefault() {
      this.prevented = true;
    }, prevented: false };
    setup.webContents.emit('will-navigate', nav);
    expect(nav.prevented).toBe(true);

    // Shell and device IPC are registered; a kiosk page may not save a setup.
    expect(fake.ipc.has(SHELL_IPC.saveSetup)).toBe(true);
    expect(fake.ipc.has(DEVICE_IPC.request)).toBe(true);
    const input = { terminalId: 'kiosk-1', role: 'kiosk', servers: ['http://hub.hall.local:8080'], enrollCode: 'ABCDEFGH', adminPassword: 'hall-it-2025' };
    await expect(Promise.resolve().then(() => fake.ipc.get(SHELL_IPC.saveSetup)!(sender('app://hallq/kiosk/index.html'), input))).rejects.toThrow(/may not use the shell/);
    expect(await fake.ipc.get(SHELL_IPC.saveSetup)!(sender('app://hallq/setup/index.html'), { ...input, servers: ['file:///etc/passwd'] })).toMatchObject({ ok: false });
    expect(existsSync(configFile)).toBe(false);

    // A valid setup: the configuration is written (the password hashed) and the kiosk opens.
    expect(await fake.ipc.get(SHELL_IPC.saveSetup)!(sender('app://hallq/setup/index.html'), input)).toEqual({ ok: true });
    const saved = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(saved).toMatchObject({ terminalId: 'kiosk-1', role: 'kiosk', lockdown: true });
    expect(JSON.stringify(saved)).not.toContain('hall-it-2025');
    await until(() => live(fake).length === 1 && live(fake)[0]!.webContents.url.startsWith('app://hallq/kiosk/'));
    const kiosk = live(fake)[0]!;
    const url = new URL(kiosk.webContents.url);
    expect([url.searchParams.get('terminal'), url.searchParams.getAll('server'), url.searchParams.get('code')]).toEqual(['kiosk-1', ['http://hub.hall.local:8080'], 'ABCDEFGH']);
    expect(kiosk.options).toMatchObject({ fullscreen: true, kiosk: true });
    expect(kiosk.options.webPreferences).toMatchObject({ devTools: false, sandbox: true, contextIsolation: true });
    expect(fake.calls).toContain('keep-awake');
    expect(fake.calls).toContain('no-menu');

    // Locked down: devtools and reload keys are swallowed, zoom is fixed.
    const key = (k: Record<string, unknown>) => {
      const ev = { prevented: false, preventDefault() {
        this.prevented = true;
      } };
      kiosk.webContents.emit('before-input-event', ev, { type: 'keyDown', control: false, meta: false, alt: false, shift: false, ...k });
      return ev.prevented;
    };
    expect(key({ key: 'F12', code: 'F12' })).toBe(true);
    expect(key({ key: 'r', code: 'KeyR', control: true })).toBe(true);
    expect(key({ key: 'a', code: 'KeyA' })).toBe(false);
    expect(kiosk.webContents.zoomLimits).toEqual([1, 1]);

    // The camera is refused to a kiosk (the permission table).
    const answer = await new Promise<boolean>((r) => fake.permission()(kiosk.webContents, 'media', r, { requestingUrl: kiosk.webContents.url, isMainFrame: true, mediaTypes: ['video'] }));
    expect(answer).toBe(false);

    // Nor may a kiosk save a file (the download table): the download is cancelled.
    let cancelled = false;
    let savedTo: string | undefined;
    const item = { getURL: () => 'blob:app://hallq/3f1c', getFilename: () => 'x.pdf', setSavePath: (p: string) => (savedTo = p) };
    fake.session.emit('will-download', { preventDefault: () => (cancelled = true) }, item, kiosk.webContents);
    expect(cancelled).toBe(true);
    expect(savedTo).toBeUndefined();

    // The exit gesture opens the exit dialog; a wrong password is refused, the right one quits.
    expect(key({ key: 'Q', code: 'KeyQ', control: true, alt: true, shift: true })).toBe(true);
    await until(() => live(fake).some((w) => w.webContents.url.includes('mode=exit')));
    const exit = fake.ipc.get(SHELL_IPC.exit)!;
    expect(await exit(sender('app://hallq/setup/index.html?mode=exit'), { password: 'wrong-one', action: 'quit' })).toMatchObject({ ok: false });
    expect(fake.calls).not.toContain('quit');
    expect(await exit(sender('app://hallq/setup/index.html?mode=exit'), { password: 'hall-it-2025', action: 'quit' })).toEqual({ ok: true });
    expect(fake.calls).toContain('quit');
  }, 60_000);

  it('a broken configuration file is named in the log and the setup screen opens; the file is kept', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-main-'));
    const fake = fakeElectron(dir);
    const configFile = join(dir, 'terminal.json');
    const broken = '{"terminalId": "Kiosk 1", "role": "kiosk"}';
    (await import('node:fs')).writeFileSync(configFile, broken);
    loadMain(fake, configFile);
    await until(() => live(fake).length === 1);
    expect(live(fake)[0]!.webContents.url).toBe('app://hallq/setup/index.html');
    expect(readFileSync(configFile, 'utf8')).toBe(broken);
    await until(() => existsSync(join(dir, 'logs', 'hallq.log')) && readFileSync(join(dir, 'logs', 'hallq.log'), 'utf8').includes('configuration refused'));
    expect(readFileSync(join(dir, 'logs', 'hallq.log'), 'utf8')).toContain('terminalId');
  }, 60_000);

  it('a terminal whose terminal.json still has an http update feed keeps serving its role; the feed is refused in the log and nothing is fetched', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-main-'));
    const fake = fakeElectron(dir);
    const configFile = join(dir, 'terminal.json');
    const file = {
      terminalId: 'kiosk-1',
      role: 'kiosk',
      servers: ['http://hub.hall.local:8080'],
      adminPasswordHash: `pbkdf2-sha256$1000$${'ab'.repeat(16)}$${'cd'.repeat(32)}`,
      update: { enabled: true, url: 'http://hub.hall.local:8080/updates/' },
    };
    (await import('node:fs')).writeFileSync(configFile, JSON.stringify(file));
    loadMain(fake, configFile);
    await until(() => live(fake).length === 1);
    expect(live(fake)[0]!.webContents.url).toMatch(/^app:\/\/hallq\/kiosk\/index.html/);
    const logFile = join(dir, 'logs', 'hallq.log');
    await until(() => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('configuration: part refused'));
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('update.url is not an https:// address: refused, updates are off');
    expect(log).not.toContain('updater: checking');
  }, 60_000);

  it('a packaged terminal started with --remote-debugging-port exits at once, opens no window, and says why in the log', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-main-'));
    const fake = fakeElectron(dir);
    Object.assign(fake.electron.app, { isPackaged: true, commandLine: { hasSwitch: (n: string) => n === 'remote-debugging-port' } });
    loadMain(fake, join(dir, 'terminal.json'));
    await until(() => fake.calls.includes('exit 1'));
    expect(fake.windows).toHaveLength(0);
    const logFile = join(dir, 'logs', 'hallq.log');
    expect(readFileSync(logFile, 'utf8')).toContain('refusing to start: forbidden command-line switches');
    expect(readFileSync(logFile, 'utf8')).toContain('remote-debugging-port');
  }, 60_000);
});
