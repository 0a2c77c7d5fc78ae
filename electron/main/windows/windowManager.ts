/**
 * Opens the windows the plan asks for (./windowPlan) and keeps them matched to the displays:
 * a counter's citizen-facing screen plugged in opens the evaluator window on it, unplugged closes
 * it, and a window whose display changed is moved. Electron's BrowserWindow constructor and
 * `screen` come in as arguments: tested in Node with fakes.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { TerminalConfig } from '../config/terminalConfig';
import { windowOptions } from './windowOptions';
import { pageUrl, planExitDialog, planWindows, type DisplayLike, type Rect, type WindowKey, type WindowPlan } from './windowPlan';

/** The part of a BrowserWindow used here (the real one fits: checked in the tests). */
export interface WindowLike {
  loadURL(url: string): Promise<void>;
  show(): void;
  showInactive(): void;
  maximize(): void;
  destroy(): void;
  isDestroyed(): boolean;
  setBounds(bounds: Partial<Rect>): void;
  setFullScreen(flag: boolean): void;
  setKiosk(flag: boolean): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  once(event: 'closed', listener: () => void): unknown;
}

/** The part of Electron's `screen` used here. */
export interface ScreenLike {
  getAllDisplays(): DisplayLike[];
  getPrimaryDisplay(): DisplayLike;
  on(event: 'display-added', listener: () => void): unknown;
  on(event: 'display-removed', listener: () => void): unknown;
  on(event: 'display-metrics-changed', listener: () => void): unknown;
  removeListener(event: 'display-added', listener: () => void): unknown;
  removeListener(event: 'display-removed', listener: () => void): unknown;
  removeListener(event: 'display-metrics-changed', listener: () => void): unknown;
}

export interface WindowManagerOptions<W extends WindowLike> {
  createWindow(options: BrowserWindowConstructorOptions, plan: WindowPlan): W;
  screen: ScreenLike;
  preloadPath: string;
  production: boolean;
  /** Runs before the page loads: navigation lock, crash recovery, lockdown keys. */
  onWindowCreated?(win: W, plan: WindowPlan): void;
  onLoadFailed?(win: W, plan: WindowPlan, error: unknown): void;
}

interface OpenWindow<W> {
  win: W;
  plan: WindowPlan;
}

export class WindowManager<W extends WindowLike = WindowLike> {
  private config: TerminalConfig | null = null;
  private readonly open = new Map<WindowKey, OpenWindow<W>>();
  private listening = false;
  private readonly onDisplaysChanged = () => this.followDisplays();

  constructor(private readonly opts: WindowManagerOptions<W>) {}

  /** Open the windows of this configuration (null: the setup screen) and follow the displays. */
  start(config: TerminalConfig | null): void {
    this.reopen(config);
  }

  /**
   * Replace every window with the new plan (after setup, or back to setup). The new windows open
   * before the old ones close, so the app never has zero windows ('window-all-closed' would quit).
   */
  reopen(config: TerminalConfig | null): void {
    this.config = config;
    const old = [...this.open.values()];
    this.open.clear();
    for (const plan of this.plan()) this.openWindow(plan);
    for (const { win } of old) destroy(win);
    this.listen();
  }

  /** The exit dialog, on the main window's display (focused again if already open). */
  openExitDialog(): W {
    const existing = this.open.get('exit');
    if (existing && !existing.win.isDestroyed()) {
      existing.win.show();
      return existing.win;
    }
    return this.openWindow(planExitDialog(this.displayFor(this.open.get('main')?.plan.displayId)));
  }

  closeExitDialog(): void {
    this.close('exit');
  }

  /** The open windows by key. */
  windows(): Map<WindowKey, W> {
    return new Map([...this.open].map(([key, { win }]) => [key, win]));
  }

  get(key: WindowKey): W | undefined {
    return this.open.get(key)?.win;
  }

  planOf(key: WindowKey): WindowPlan | undefined {
    return this.open.get(key)?.plan;
  }

  /** Stop following the displays (the windows stay). */
  dispose(): void {
    if (!this.listening) return;
    this.listening = false;
    const { screen } = this.opts;
    screen.removeListener('display-added', this.onDisplaysChanged);
    screen.removeListener('display-removed', this.onDisplaysChanged);
    screen.removeListener('display-metrics-changed', this.onDisplaysChanged);
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    const { screen } = this.opts;
    screen.on('display-added', this.onDisplaysChanged);
    screen.on('display-removed', this.onDisplaysChanged);
    screen.on('display-metrics-changed', this.onDisplaysChanged);
  }

  private plan(): WindowPlan[] {
    return planWindows(this.config, this.opts.screen.getAllDisplays(), this.opts.screen.getPrimaryDisplay().id);
  }

  /** Re-plan and make the open windows match: open the missing, close the unwanted, move the rest. */
  private followDisplays(): void {
    const wanted = new Map(this.plan().map((p) => [p.key, p]));
    for (const [key, entry] of [...this.open]) {
      if (key === 'exit') continue;
      const next = wanted.get(key);
      if (!next || next.page !== entry.plan.page) this.close(key);
      else if (needsMove(entry.plan, next)) {
        move(entry.win, next);
        entry.plan = next;
      }
    }
    for (const plan of wanted.values()) if (!this.open.has(plan.key)) this.openWindow(plan);
    const exit = this.open.get('exit');
    if (exit && !this.opts.screen.getAllDisplays().some((d) => d.id === exit.plan.displayId)) {
      exit.plan = planExitDialog(this.displayFor(this.open.get('main')?.plan.displayId));
      move(exit.win, exit.plan);
    }
  }

  private displayFor(id: number | undefined): DisplayLike {
    const all = this.opts.screen.getAllDisplays();
    return all.find((d) => d.id === id) ?? this.opts.screen.getPrimaryDisplay();
  }

  private openWindow(plan: WindowPlan): W {
    const win = this.opts.createWindow(windowOptions(plan, this.opts), plan);
    this.open.set(plan.key, { win, plan });
    win.once('closed', () => {
      if (this.open.get(plan.key)?.win === win) this.open.delete(plan.key);
    });
    let shown = false;
    const reveal = () => {
      if (shown || win.isDestroyed()) return;
      shown = true;
      // The citizen's screen must not take the keyboard from the staff member typing.
      if (plan.key === 'evaluator') win.showInactive();
      else win.show();
      if (plan.maximize) win.maximize();
    };
    win.once('ready-to-show', reveal);
    this.opts.onWindowCreated?.(win, plan);
    // A page that fails to load is still shown (its error, not the desktop behind a kiosk).
    win.loadURL(pageUrl(plan, this.config)).then(reveal, (error: unknown) => {
      reveal();
      this.opts.onLoadFailed?.(win, plan, error);
    });
    return win;
  }

  private close(key: WindowKey): void {
    const entry = this.open.get(key);
    if (!entry) return;
    this.open.delete(key);
    destroy(entry.win);
  }
}

/** `destroy`, not `close`: the lockdown refuses 'close' on a locked window, but the shell itself may. */
function destroy(win: WindowLike): void {
  if (!win.isDestroyed()) win.destroy();
}

function needsMove(prev: WindowPlan, next: WindowPlan): boolean {
  if (prev.displayId !== next.displayId) return true;
  // A full-screen window follows its display's new resolution; a normal one keeps what staff made of it.
  return next.fullscreen && !sameRect(prev.bounds, next.bounds);
}

/** A full-screen or kiosk window is moved by leaving that mode, moving, and entering it again. */
function move(win: WindowLike, plan: WindowPlan): void {
  if (win.isDestroyed()) return;
  if (plan.kiosk) win.setKiosk(false);
  if (plan.fullscreen) win.setFullScreen(false);
  win.setBounds(plan.bounds);
  if (plan.fullscreen) win.setFullScreen(true);
  if (plan.kiosk) win.setKiosk(true);
  if (plan.maximize) win.maximize();
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}
