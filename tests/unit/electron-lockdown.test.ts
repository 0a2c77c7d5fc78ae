import { EventEmitter } from 'node:events';
import * as fsp from 'node:fs/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App, PowerSaveBlocker, WebContents } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type AutostartFs, configureAutostart, desktopEntry, execValue } from '../../electron/main/lockdown/autostart';
import { ExitGate } from '../../electron/main/lockdown/exitGate';
import { KeepDisplayAwake } from '../../electron/main/lockdown/keepAwake';
import { type KeyClass, type KeyInput, type LockableContents, classifyKey, lockKeys } from '../../electron/main/lockdown/keys';
import { type SingleInstanceApp, ensureSingleInstance } from '../../electron/main/lockdown/singleInstance';
import { hashPin } from '../../shared/identity/pin';

// Compile-time: the real Electron objects fit the narrow shapes the modules take.
const _fits = [
  (a: App): SingleInstanceApp => a,
  (w: WebContents): LockableContents => w,
  (a: App): Parameters<typeof configureAutostart>[0]['app'] => a,
  (b: PowerSaveBlocker): ConstructorParameters<typeof KeepDisplayAwake>[0] => b,
  (): AutostartFs => fsp,
];

describe('only one hallq runs on a terminal', () => {
  const fakeApp = (locked: boolean) => Object.assign(new EventEmitter(), { requestSingleInstanceLock: () => locked, quit: vi.fn() });

  it('a second start quits at once and opens nothing', () => {
    const app = fakeApp(false);
    const focus = vi.fn();
    expect(ensureSingleInstance(app, focus)).toBe(false);
    expect(app.quit).toHaveBeenCalledOnce();
    expect(app.listenerCount('second-instance')).toBe(0);
  });

  it('the first instance keeps running and comes to the front when a second one is started', () => {
    const app = fakeApp(true);
    const focus = vi.fn();
    expect(ensureSingleInstance(app, focus)).toBe(true);
    expect(app.quit).not.toHaveBeenCalled();
    app.emit('second-instance', {}, ['hallq'], '/');
    expect(focus).toHaveBeenCalledOnce();
  });
});

const key = (key: string, mods: Partial<KeyInput> = {}, code = ''): KeyInput => ({
  type: 'keyDown',
  key,
  code,
  control: false,
  meta: false,
  alt: false,
  shift: false,
  ...mods,
});

// [what, input, platform, class]
const LOCKDOWN_KEYS: Array<[string, KeyInput, NodeJS.Platform, KeyClass]> = [
  ['F12', key('F12', {}, 'F12'), 'win32', 'devtools'],
  ['Ctrl+Shift+I', key('I', { control: true, shift: true }, 'KeyI'), 'win32', 'devtools'],
  ['Ctrl+Shift+J', key('J', { control: true, shift: true }, 'KeyJ'), 'linux', 'devtools'],
  ['Ctrl+Shift+C', key('C', { control: true, shift: true }, 'KeyC'), 'linux', 'devtools'],
  ['Cmd+Shift+I', key('I', { meta: true, shift: true }, 'KeyI'), 'darwin', 'devtools'],
  ['Cmd+Option+I', key('ˆ', { meta: true, alt: true }, 'KeyI'), 'darwin', 'devtools'],
  ['Ctrl+R', key('r', { control: true }, 'KeyR'), 'win32', 'reload'],
  ['Cmd+R', key('r', { meta: true }, 'KeyR'), 'darwin', 'reload'],
  ['F5', key('F5', {}, 'F5'), 'win32', 'reload'],
  ['Ctrl+Shift+R', key('R', { control: true, shift: true }, 'KeyR'), 'linux', 'reload'],
  ['Ctrl+plus', key('+', { control: true, shift: true }, 'Equal'), 'win32', 'zoom'],
  ['Ctrl+=', key('=', { control: true }, 'Equal'), 'win32', 'zoom'],
  ['Ctrl+minus', key('-', { control: true }, 'Minus'), 'linux', 'zoom'],
  ['Ctrl+0', key('0', { control: true }, 'Digit0'), 'linux', 'zoom'],
  ['Ctrl+numpad plus', key('+', { control: true }, 'NumpadAdd'), 'win32', 'zoom'],
  ['Cmd+plus', key('+', { meta: true, shift: true }, 'Equal'), 'darwin', 'zoom'],
  ['Alt+F4', key('F4', { alt: true }, 'F4'), 'win32', 'close'],
  ['Ctrl+W', key('w', { control: true }, 'KeyW'), 'linux', 'close'],
  ['Cmd+Q', key('q', { meta: true }, 'KeyQ'), 'darwin', 'close'],
  ['Cmd+W', key('w', { meta: true }, 'KeyW'), 'darwin', 'close'],
  ['F11', key('F11', {}, 'F11'), 'linux', 'fullscreen-toggle'],
  ['Ctrl+Cmd+F', key('f', { control: true, meta: true }, 'KeyF'), 'darwin', 'fullscreen-toggle'],
];

function fakeContents() {
  const wc = Object.assign(new EventEmitter(), {
    setVisualZoomLevelLimits: vi.fn(async () => undefined),
    setZoomFactor: vi.fn(),
  });
  const press = (input: KeyInput) => {
    const event = { preventDefault: vi.fn() };
    wc.emit('before-input-event', event, input);
    return event.preventDefault.mock.calls.length > 0;
  };
  return { wc, press };
}

describe('the keyboard cannot take a terminal out of service', () => {
  it.each(LOCKDOWN_KEYS)('%s is recognised', (_what, input, platform, kind) => {
    expect(classifyKey(input, platform)).toBe(kind);
  });

  it.each(LOCKDOWN_KEYS)('%s is blocked in production', (_what, input, platform) => {
    const { wc, press } = fakeContents();
    const onExitGesture = vi.fn();
    lockKeys(wc, { production: true, onExitGesture, platform });
    expect(press(input)).toBe(true);
    expect(onExitGesture).not.toHaveBeenCalled();
  });

  it.each(LOCKDOWN_KEYS)('%s is left alone in development', (_what, input, platform) => {
    const { wc, press } = fakeContents();
    lockKeys(wc, { production: false, onExitGesture: vi.fn(), platform });
    expect(press(input)).toBe(false);
  });

  it('ordinary typing, copy and paste, and key-ups reach the page', () => {
    const { wc, press } = fakeContents();
    lockKeys(wc, { production: true, onExitGesture: vi.fn(), platform: 'win32' });
    for (const input of [key('a', {}, 'KeyA'), key('A', { shift: true }, 'KeyA'), key('c', { control: true }, 'KeyC'), key('v', { control: true }, 'KeyV'), key('Enter'), key('Escape'), key('Backspace'), key('0', {}, 'Digit0')]) {
      expect(press(input), input.key).toBe(false);
    }
    expect(press({ ...key('F12', {}, 'F12'), type: 'keyUp' })).toBe(false);
  });

  it.each([
    ['production', true, 'win32'],
    ['development', false, 'linux'],
    ['production on a Mac', true, 'darwin'],
  ] as const)('Ctrl+Alt+Shift+Q opens the exit dialog in %s and is hidden from the page', (_what, production, platform) => {
    const { wc, press } = fakeContents();
    const onExitGesture = vi.fn();
    lockKeys(wc, { production, onExitGesture, platform });
    expect(press(key('Q', { control: true, alt: true, shift: true }, 'KeyQ'))).toBe(true);
    expect(onExitGesture).toHaveBeenCalledOnce();
    expect(press({ ...key('Q', { control: true, alt: true, shift: true }, 'KeyQ'), type: 'keyUp' })).toBe(false);
    expect(onExitGesture).toHaveBeenCalledOnce();
  });

  it('in production pinch zoom is off, and a Ctrl+wheel zoom snaps back to 100%', () => {
    const { wc } = fakeContents();
    lockKeys(wc, { production: true, onExitGesture: vi.fn(), platform: 'win32' });
    expect(wc.setVisualZoomLevelLimits).toHaveBeenCalledWith(1, 1);
    wc.setZoomFactor.mockClear();
    wc.emit('zoom-changed', {}, 'in');
    expect(wc.setZoomFactor).toHaveBeenCalledWith(1);
    // A reload runs in a new renderer process: the limits are set again.
    wc.setVisualZoomLevelLimits.mockClear();
    wc.emit('did-finish-load');
    expect(wc.setVisualZoomLevelLimits).toHaveBeenCalledWith(1, 1);
  });

  it('in development zoom is left alone', () => {
    const { wc } = fakeContents();
    lockKeys(wc, { production: false, onExitGesture: vi.fn(), platform: 'win32' });
    wc.emit('zoom-changed', {}, 'in');
    expect(wc.setVisualZoomLevelLimits).not.toHaveBeenCalled();
    expect(wc.setZoomFactor).not.toHaveBeenCalled();
  });
});

describe('the exit password', () => {
  const salt = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  const setup = async () => {
    let t = 1_000_000;
    const hash = await hashPin('hall-IT-2024!', salt, 1000);
    const gate = new ExitGate({ passwordHash: () => hash, now: () => t });
    return { gate, advance: (ms: number) => void (t += ms) };
  };

  it('the right password opens the gate, a wrong one does not', async () => {
    const { gate } = await setup();
    expect(await gate.check('hall-IT-2024!')).toEqual({ ok: true });
    const wrong = await gate.check('hall-IT-2025!');
    expect(wrong).toMatchObject({ ok: false, field: 'password' });
    expect(wrong.ok === false && wrong.message.en).toMatch(/wrong password/i);
    expect(wrong.ok === false && wrong.message.zh).toMatch(/密码不正确/);
    expect(await gate.check('')).toMatchObject({ ok: false });
  });

  it('after 5 wrong passwords it refuses even the right one for 60 s, and says so in zh and en', async () => {
    const { gate, advance } = await setup();
    for (let i = 0; i < 4; i++) expect(await gate.check('guess')).toMatchObject({ ok: false });
    const fifth = await gate.check('guess');
    expect(fifth.ok === false && fifth.message).toEqual({ zh: expect.stringContaining('60 秒'), en: expect.stringContaining('60 seconds') });

    advance(15_000);
    const locked = await gate.check('hall-IT-2024!');
    expect(locked.ok === false && locked.message.zh).toMatch(/45 秒后再试/);
    expect(locked.ok === false && locked.message.en).toMatch(/Try again in 45 seconds/);

    advance(45_000);
    expect(await gate.check('hall-IT-2024!')).toEqual({ ok: true });
  });

  it('each further wrong password doubles the wait; the right one resets the count', async () => {
    const { gate, advance } = await setup();
    for (let i = 0; i < 5; i++) await gate.check('guess');
    advance(60_000);
    const sixth = await gate.check('guess');
    expect(sixth.ok === false && sixth.message.en).toMatch(/2 minutes/);
    expect(sixth.ok === false && sixth.message.zh).toMatch(/2 分钟/);
    advance(120_000);
    const seventh = await gate.check('guess');
    expect(seventh.ok === false && seventh.message.en).toMatch(/4 minutes/);
    advance(240_000);
    expect(await gate.check('hall-IT-2024!')).toEqual({ ok: true });
    const again = await gate.check('guess');
    expect(again.ok === false && again.message.en).toMatch(/4 tries left/);
  });

  it('guesses sent all at once are counted one by one', async () => {
    const { gate } = await setup();
    const results = await Promise.all(Array.from({ length: 8 }, () => gate.check('guess')));
    expect(results.every((r) => !r.ok)).toBe(true);
    const last = results[7]!;
    expect(last.ok === false && last.message.en).toMatch(/Too many wrong passwords/);
  });

  it('with no password set up it refuses and tells IT to run the setup', async () => {
    const gate = new ExitGate({ passwordHash: () => undefined, now: () => 0 });
    const r = await gate.check('anything');
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.message.en).toMatch(/setup/i);
    expect(r.ok === false && r.message.zh).toMatch(/设置/);
  });
});

describe('the display stays awake', () => {
  const fakeBlocker = () => {
    const started = new Set<number>();
    let next = 1;
    return {
      started,
      start: vi.fn((_type: 'prevent-app-suspension' | 'prevent-display-sleep') => (started.add(next), next++)),
      stop: vi.fn((id: number) => started.delete(id)),
      isStarted: (id: number) => started.has(id),
    };
  };

  it('starting twice keeps one display-sleep blocker; stop releases it', () => {
    const blocker = fakeBlocker();
    const awake = new KeepDisplayAwake(blocker);
    expect(awake.active).toBe(false);
    awake.start();
    awake.start();
    expect(blocker.start).toHaveBeenCalledOnce();
    expect(blocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    expect(awake.active).toBe(true);
    awake.stop();
    awake.stop();
    expect(blocker.stop).toHaveBeenCalledOnce();
    expect(awake.active).toBe(false);
    expect(blocker.started.size).toBe(0);
    awake.start();
    expect(awake.active).toBe(true);
  });
});

describe('hallq starts at login', () => {
  let home: string | undefined;
  afterEach(async () => {
    if (home) await rm(home, { recursive: true, force: true });
    home = undefined;
  });
  const noApp = { setLoginItemSettings: vi.fn(), getLoginItemSettings: vi.fn() } as never;

  it('on Linux it writes an XDG autostart entry, and removes it when turned off', async () => {
    home = await mkdtemp(join(tmpdir(), 'hallq-autostart-'));
    const base = { platform: 'linux' as const, app: noApp, fs: fsp, homeDir: home, execPath: '/opt/hallq/hallq' };
    const on = await configureAutostart({ ...base, enabled: true });
    const path = join(home, '.config', 'autostart', 'hallq.desktop');
    expect(on).toEqual({ method: 'xdg-autostart', path, action: 'written' });
    const text = await readFile(path, 'utf8');
    expect(text.split('\n')).toEqual(
      expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Name=hallq 政务大厅排队', 'Exec="/opt/hallq/hallq"', 'Terminal=false', 'X-GNOME-Autostart-enabled=true']),
    );
    expect(await configureAutostart({ ...base, enabled: false })).toEqual({ method: 'xdg-autostart', path, action: 'removed' });
    await expect(readFile(path)).rejects.toThrow();
    expect(await configureAutostart({ ...base, enabled: false })).toEqual({ method: 'xdg-autostart', path, action: 'absent' });
  });

  it('an AppImage starts the image, not the folder it was mounted at', async () => {
    home = await mkdtemp(join(tmpdir(), 'hallq-autostart-'));
    await configureAutostart({
      platform: 'linux',
      app: noApp,
      fs: fsp,
      homeDir: home,
      execPath: '/tmp/.mount_hallqXYZ/hallq',
      appImagePath: '/home/hall/Apps/hallq 1.2.AppImage',
      enabled: true,
    });
    const text = await readFile(join(home, '.config', 'autostart', 'hallq.desktop'), 'utf8');
    expect(text).toContain('Exec="/home/hall/Apps/hallq 1.2.AppImage"\n');
  });

  it('the Exec path is escaped as the desktop entry spec asks', () => {
    expect(execValue('/opt/hall q/hallq')).toBe('"/opt/hall q/hallq"');
    expect(execValue('/opt/a"b')).toBe('"/opt/a\\\\"b"');
    expect(execValue('/opt/$HOME`x`')).toBe('"/opt/\\\\$HOME\\\\`x\\\\`"');
    expect(execValue('/opt/back\\slash')).toBe('"/opt/back\\\\\\\\slash"');
    expect(execValue('/opt/100%/hallq')).toBe('"/opt/100%%/hallq"');
    expect(() => execValue('/opt/new\nline')).toThrow(/control character/);
    expect(desktopEntry('/x')).toMatch(/^\[Desktop Entry\]\n/);
  });

  it('on Windows it sets a login item for the installed executable', async () => {
    const app = { setLoginItemSettings: vi.fn(), getLoginItemSettings: vi.fn(() => ({ openAtLogin: true })) };
    const fs = { mkdir: vi.fn(), writeFile: vi.fn(), rm: vi.fn() };
    const r = await configureAutostart({ platform: 'win32', app: app as never, fs, homeDir: 'C:\\Users\\hall', execPath: 'C:\\Program Files\\hallq\\hallq.exe', enabled: true });
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, path: 'C:\\Program Files\\hallq\\hallq.exe', args: [] });
    expect(r).toEqual({ method: 'login-item', openAtLogin: true });
    expect(fs.writeFile).not.toHaveBeenCalled();
  });

  it('on macOS it sets (or clears) the login item', async () => {
    const app = { setLoginItemSettings: vi.fn(), getLoginItemSettings: vi.fn(() => ({ openAtLogin: false })) };
    const r = await configureAutostart({ platform: 'darwin', app: app as never, fs: fsp, homeDir: '/Users/hall', execPath: '/Applications/hallq.app/Contents/MacOS/hallq', enabled: false });
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: false });
    expect(r).toEqual({ method: 'login-item', openAtLogin: false });
  });
});
