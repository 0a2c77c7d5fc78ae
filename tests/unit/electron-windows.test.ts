import { EventEmitter } from 'node:events';
import type { BrowserWindow, BrowserWindowConstructorOptions, Screen } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { type TerminalConfig, configFromSetup } from '../../electron/main/config/terminalConfig';
import { type ScreenLike, type WindowLike, WindowManager } from '../../electron/main/windows/windowManager';
import { windowOptions } from '../../electron/main/windows/windowOptions';
import { APP_ORIGIN, type DisplayLike, type WindowPlan, pageUrl, planExitDialog, planWindows } from '../../electron/main/windows/windowPlan';
import { hashPin } from '../../shared/identity/pin';
import type { ShellRole } from '../../shared/shell/contract';

// Compile-time: the real Electron objects fit the narrow shapes the window manager takes.
const _fits = [(w: BrowserWindow): WindowLike => w, (s: Screen): ScreenLike => s, (s: Screen): DisplayLike => s.getPrimaryDisplay()];

const hash = await hashPin('hall-it-secret', new Uint8Array(16).fill(1), 1000);

const config = (role: ShellRole, patch: Partial<TerminalConfig> = {}): TerminalConfig => ({
  ...configFromSetup(
    {
      terminalId: `${role}-1`,
      role,
      ...(role === 'counter' || role === 'evaluator' ? { windowId: 'w1' } : {}),
      servers: ['http://hub.hall.local:8080', 'https://central.gov.example'],
      enrollCode: 'ENROLL-1234',
      adminPassword: 'hall-it-secret',
      // A counter PC drives the evaluator screen facing the citizen: a terminal of its own.
      ...(role === 'counter' ? { evaluator: { terminalId: 'evaluator-1', enrollCode: 'EVAL-5678' } } : {}),
    },
    hash,
  ),
  ...patch,
});

// A staff PC: the staff monitor (primary, with a taskbar) and the citizen-facing screen to its right.
const staff: DisplayLike = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
const citizen: DisplayLike = { id: 2, bounds: { x: 1920, y: 0, width: 1280, height: 800 }, workArea: { x: 1920, y: 0, width: 1280, height: 800 } };

describe('which windows a terminal opens, on which display', () => {
  it('before setup: only the setup screen, a normal window on the primary display', () => {
    const plans = planWindows(null, [staff, citizen], 1);
    expect(plans).toEqual([expect.objectContaining({ key: 'setup', page: 'setup', displayId: 1, fullscreen: false, kiosk: false })]);
  });

  it.each(['kiosk', 'display'] as const)('a %s: one full-screen kiosk window on the primary display, even with two displays', (role) => {
    for (const displays of [[staff], [staff, citizen]]) {
      const plans = planWindows(config(role), displays, 1);
      expect(plans).toEqual([{ key: 'main', page: role, displayId: 1, bounds: staff.bounds, fullscreen: true, kiosk: true }]);
    }
  });

  it('with lockdown off (a test bench) the kiosk is full screen but not in kiosk mode', () => {
    expect(planWindows(config('kiosk', { lockdown: false }), [staff], 1)[0]).toMatchObject({ fullscreen: true, kiosk: false });
  });

  it('a counter with one display: the counter page only, a normal maximized window', () => {
    expect(planWindows(config('counter'), [staff], 1)).toEqual([
      { key: 'main', page: 'counter', displayId: 1, bounds: staff.workArea, fullscreen: false, kiosk: false, maximize: true },
    ]);
  });

  it('a counter with two displays: the evaluator page full screen on the citizen-facing display', () => {
    const plans = planWindows(config('counter'), [staff, citizen], 1);
    expect(plans.map((p) => [p.key, p.page, p.displayId])).toEqual([
      ['main', 'counter', 1],
      ['evaluator', 'evaluator', 2],
    ]);
    expect(plans[1]).toMatchObject({ bounds: citizen.bounds, fullscreen: true });
  });

  it('a counter whose primary display is the second one in the list still puts the evaluator on the other one', () => {
    const plans = planWindows(config('counter'), [citizen, staff], 1);
    expect(plans.map((p) => p.displayId)).toEqual([1, 2]);
  });

  it('an evaluator terminal: one full-screen window; an admin: a normal maximized window', () => {
    expect(planWindows(config('evaluator'), [staff, citizen], 1)).toEqual([expect.objectContaining({ key: 'main', page: 'evaluator', fullscreen: true, kiosk: true })]);
    expect(planWindows(config('admin'), [staff, citizen], 1)).toEqual([expect.objectContaining({ key: 'main', page: 'admin', fullscreen: false, kiosk: false, maximize: true })]);
  });

  it('no display reported at all (a headless start) still plans a window', () => {
    expect(planWindows(config('kiosk'), [], 1)).toHaveLength(1);
  });

  it('the exit dialog is small and centred on the display asked for', () => {
    const p = planExitDialog(citizen);
    expect(p).toMatchObject({ key: 'exit', page: 'setup', query: { mode: 'exit' }, displayId: 2, fullscreen: false, kiosk: false });
    expect(p.bounds.x + p.bounds.width / 2).toBe(1920 + 640);
  });
});

describe('the page address carries the terminal, its servers and the enrollment code', () => {
  it('the main window: terminal, every server in order, and the code', () => {
    const [main] = planWindows(config('kiosk'), [staff], 1);
    const url = new URL(pageUrl(main!, config('kiosk')));
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(`${APP_ORIGIN}/kiosk/index.html`);
    expect(url.searchParams.get('terminal')).toBe('kiosk-1');
    expect(url.searchParams.getAll('server')).toEqual(['http://hub.hall.local:8080', 'https://central.gov.example']);
    expect(url.searchParams.get('code')).toBe('ENROLL-1234');
  });

  it("R8: the counter's evaluator window is the evaluator terminal, with its own id and one-time code", () => {
    const c = config('counter');
    const [main, evaluator] = planWindows(c, [staff, citizen], 1);
    const url = new URL(pageUrl(evaluator!, c));
    expect(url.pathname).toBe('/evaluator/index.html');
    expect(url.searchParams.get('terminal')).toBe('evaluator-1');
    expect(url.searchParams.get('code')).toBe('EVAL-5678');
    expect(url.searchParams.getAll('server')).toEqual(c.servers);
    expect(new URL(pageUrl(main!, c)).searchParams.get('code')).toBe('ENROLL-1234');
  });

  it('a counter without an evaluator terminal configured opens no evaluator window, even with a second display', () => {
    const { evaluator: _none, ...c } = config('counter');
    expect(planWindows(c, [staff, citizen], 1).map((p) => p.key)).toEqual(['main']);
  });

  it('no code in the address once it is spent (removed from the configuration)', () => {
    const { enrollCode: _spent, ...c } = config('display');
    expect(pageUrl(planWindows(c, [staff], 1)[0]!, c)).not.toContain('code=');
  });

  it('the setup screen and the exit dialog carry no terminal parameters', () => {
    expect(pageUrl(planWindows(null, [staff], 1)[0]!, null)).toBe(`${APP_ORIGIN}/setup/index.html`);
    expect(pageUrl(planExitDialog(staff), config('kiosk'))).toBe(`${APP_ORIGIN}/setup/index.html?mode=exit`);
  });
});

describe("every window gets Electron's security checklist", () => {
  const allPlans: WindowPlan[] = [
    ...planWindows(null, [staff], 1),
    ...(['kiosk', 'counter', 'evaluator', 'display', 'admin'] as const).flatMap((r) => planWindows(config(r), [staff, citizen], 1)),
    planExitDialog(staff),
  ];

  it.each([true, false])('production=%s: isolated, sandboxed, no Node, no webview, web security on', (production) => {
    for (const plan of allPlans) {
      const o = windowOptions(plan, { preloadPath: '/app/preload.js', production });
      expect(o.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        spellcheck: false,
        preload: '/app/preload.js',
        devTools: !production,
      });
      expect(o.webPreferences?.additionalArguments).toEqual([`--hallq-page=${plan.page}`]);
      expect(o.show).toBe(false);
    }
  });

  it('kiosk and full-screen windows are frameless and in their mode; normal ones keep their frame', () => {
    const kiosk = windowOptions(planWindows(config('kiosk'), [staff], 1)[0]!, { preloadPath: 'p', production: true });
    expect(kiosk).toMatchObject({ kiosk: true, fullscreen: true, frame: false, minimizable: false, autoHideMenuBar: true });
    const admin = windowOptions(planWindows(config('admin'), [staff], 1)[0]!, { preloadPath: 'p', production: true });
    expect(admin).toMatchObject({ kiosk: false, fullscreen: false, frame: true, ...staff.workArea });
  });

  it('the exit dialog stays on top of a kiosk window', () => {
    expect(windowOptions(planExitDialog(staff), { preloadPath: 'p', production: true })).toMatchObject({ alwaysOnTop: true, frame: false, resizable: false });
  });
});

class FakeWindow extends EventEmitter {
  static log: string[] = [];
  destroyed = false;
  calls: string[] = [];
  url = '';
  bounds: Partial<{ x: number; y: number; width: number; height: number }> = {};
  constructor(
    readonly options: BrowserWindowConstructorOptions,
    readonly plan: WindowPlan,
    private readonly load: (url: string) => Promise<void>,
  ) {
    super();
    FakeWindow.log.push(`create ${plan.key}`);
  }
  loadURL(url: string) {
    this.url = url;
    this.calls.push('loadURL');
    return this.load(url);
  }
  show() {
    this.calls.push('show');
  }
  showInactive() {
    this.calls.push('showInactive');
  }
  maximize() {
    this.calls.push('maximize');
  }
  destroy() {
    this.destroyed = true;
    FakeWindow.log.push(`destroy ${this.plan.key}`);
    this.emit('closed');
  }
  isDestroyed() {
    return this.destroyed;
  }
  setBounds(b: FakeWindow['bounds']) {
    this.bounds = b;
    this.calls.push('setBounds');
  }
  setFullScreen(flag: boolean) {
    this.calls.push(`fullscreen:${flag}`);
  }
  setKiosk(flag: boolean) {
    this.calls.push(`kiosk:${flag}`);
  }
}

class FakeScreen extends EventEmitter {
  constructor(
    public displays: DisplayLike[],
    public primaryId = 1,
  ) {
    super();
  }
  getAllDisplays() {
    return this.displays;
  }
  getPrimaryDisplay() {
    return this.displays.find((d) => d.id === this.primaryId)!;
  }
  change(event: 'display-added' | 'display-removed' | 'display-metrics-changed', displays: DisplayLike[], primaryId = this.primaryId) {
    this.displays = displays;
    this.primaryId = primaryId;
    this.emit(event);
  }
}

function setup(displays: DisplayLike[], load: (url: string) => Promise<void> = async () => {}) {
  FakeWindow.log = [];
  const screen = new FakeScreen(displays);
  const created: FakeWindow[] = [];
  const hooked: string[] = [];
  const failed = vi.fn();
  const manager = new WindowManager<FakeWindow>({
    createWindow: (options, plan) => {
      const w = new FakeWindow(options, plan, load);
      created.push(w);
      return w;
    },
    screen,
    preloadPath: '/app/preload.js',
    production: true,
    onWindowCreated: (win, plan) => hooked.push(`${plan.key}:${win.calls.includes('loadURL') ? 'after' : 'before'} load`),
    onLoadFailed: failed,
  });
  return { manager, screen, created, hooked, failed };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('the window manager opens the planned windows and follows the displays', () => {
  it('first start: the setup screen, shown once ready, maximized; the hook runs before the page loads', async () => {
    const { manager, created, hooked } = setup([staff]);
    manager.start(null);
    expect([...manager.windows().keys()]).toEqual(['setup']);
    expect(hooked).toEqual(['setup:before load']);
    expect(created[0]!.url).toBe(`${APP_ORIGIN}/setup/index.html`);
    created[0]!.emit('ready-to-show');
    await flush();
    expect(created[0]!.calls.filter((c) => c === 'show')).toHaveLength(1);
    expect(created[0]!.calls).toContain('maximize');
  });

  it('after setup, the counter and its evaluator open before the setup screen closes (the app never has zero windows)', async () => {
    const { manager, created } = setup([staff, citizen]);
    manager.start(null);
    manager.reopen(config('counter'));
    expect(FakeWindow.log).toEqual(['create setup', 'create main', 'create evaluator', 'destroy setup']);
    expect([...manager.windows().keys()]).toEqual(['main', 'evaluator']);
    await flush();
    const evaluator = created.find((w) => w.plan.key === 'evaluator')!;
    // The citizen's screen appears without taking the keyboard from the staff member.
    expect(evaluator.calls).toContain('showInactive');
    expect(evaluator.calls).not.toContain('show');
    expect(evaluator.options).toMatchObject({ x: 1920, fullscreen: true });
  });

  it("the citizen's screen unplugged: the evaluator window closes; plugged in again: it opens on it", async () => {
    const { manager, screen, created } = setup([staff, citizen]);
    manager.start(config('counter'));
    const first = manager.get('evaluator')!;
    screen.change('display-removed', [staff]);
    expect(first.destroyed).toBe(true);
    expect([...manager.windows().keys()]).toEqual(['main']);
    screen.change('display-added', [staff, citizen]);
    expect([...manager.windows().keys()]).toEqual(['main', 'evaluator']);
    expect(manager.get('evaluator')).not.toBe(first);
    expect(manager.planOf('evaluator')?.displayId).toBe(2);
    // The counter window itself was never touched.
    expect(created[0]!.destroyed).toBe(false);
    expect(created[0]!.calls).not.toContain('setBounds');
  });

  it('a kiosk follows a resolution change of its display, leaving and re-entering kiosk mode to move', () => {
    const { manager, screen } = setup([staff]);
    manager.start(config('kiosk'));
    const bigger: DisplayLike = { id: 1, bounds: { x: 0, y: 0, width: 2560, height: 1440 } };
    screen.change('display-metrics-changed', [bigger]);
    const win = manager.get('main')! as FakeWindow;
    expect(win.bounds).toEqual(bigger.bounds);
    expect(win.calls.filter((c) => c.startsWith('kiosk:') || c.startsWith('fullscreen:') || c === 'setBounds')).toEqual([
      'kiosk:false',
      'fullscreen:false',
      'setBounds',
      'fullscreen:true',
      'kiosk:true',
    ]);
  });

  it('a kiosk whose display goes away moves to the new primary display, without reloading', () => {
    const { manager, screen, created } = setup([staff, citizen]);
    manager.start(config('kiosk'));
    screen.change('display-removed', [citizen], 2);
    expect(created).toHaveLength(1);
    expect(created[0]!.bounds).toEqual(citizen.bounds);
    expect(created[0]!.calls.filter((c) => c === 'loadURL')).toHaveLength(1);
  });

  it("a metrics change that does not affect a normal window leaves staff's window where they put it", () => {
    const { manager, screen, created } = setup([staff]);
    manager.start(config('admin'));
    screen.change('display-metrics-changed', [{ ...staff, workArea: { x: 0, y: 0, width: 1920, height: 1000 } }]);
    expect(created[0]!.calls).not.toContain('setBounds');
  });

  it('back to setup (exit gesture): the setup screen opens, then every role window and the exit dialog close', () => {
    const { manager } = setup([staff, citizen]);
    manager.start(config('counter'));
    manager.openExitDialog();
    FakeWindow.log = [];
    manager.reopen(null);
    expect(FakeWindow.log).toEqual(['create setup', 'destroy main', 'destroy evaluator', 'destroy exit']);
    expect([...manager.windows().keys()]).toEqual(['setup']);
  });

  it('the exit dialog opens once, on the main window display, and closes on cancel', () => {
    const { manager, created } = setup([citizen, staff]);
    manager.start(config('kiosk'));
    const dialog = manager.openExitDialog();
    expect(manager.openExitDialog()).toBe(dialog);
    expect(created.filter((w) => w.plan.key === 'exit')).toHaveLength(1);
    expect(dialog.url).toBe(`${APP_ORIGIN}/setup/index.html?mode=exit`);
    expect(dialog.plan.displayId).toBe(1);
    manager.closeExitDialog();
    expect(dialog.destroyed).toBe(true);
    expect(manager.get('exit')).toBeUndefined();
  });

  it('a window closed from outside (a crash handler, the OS) is no longer listed', () => {
    const { manager } = setup([staff]);
    manager.start(config('display'));
    manager.get('main')!.destroy();
    expect(manager.windows().size).toBe(0);
  });

  it('a page that fails to load is still shown (its error, not the desktop), and reported', async () => {
    const { manager, created, failed } = setup([staff], () => Promise.reject(new Error('ERR_FILE_NOT_FOUND')));
    manager.start(config('kiosk'));
    await flush();
    expect(created[0]!.calls).toContain('show');
    expect(failed).toHaveBeenCalledWith(created[0], expect.objectContaining({ key: 'main' }), expect.any(Error));
  });

  it('dispose stops following the displays', () => {
    const { manager, screen } = setup([staff, citizen]);
    manager.start(config('counter'));
    expect(screen.listenerCount('display-added')).toBe(1);
    manager.reopen(config('counter'));
    expect(screen.listenerCount('display-added')).toBe(1);
    manager.dispose();
    for (const e of ['display-added', 'display-removed', 'display-metrics-changed']) expect(screen.listenerCount(e)).toBe(0);
  });
});
