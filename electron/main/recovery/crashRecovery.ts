/**
 * Unattended terminals recover by themselves: nobody in the hall can open DevTools or press
 * reload. A renderer that dies is reloaded; a page that hangs past a grace period has its
 * renderer killed and reloaded in a fresh process; and when reloads keep failing (more than
 * `maxReloads` within `windowMs`, counted over all watched windows) the whole app restarts,
 * which also resets the GPU process and the device handles.
 * Electron objects come in as arguments: tested in Node with EventEmitters and fake timers.
 */
import type { RenderProcessGoneDetails } from 'electron';
import type { LogSink } from '../logging/rotatingLog';

/** Every step, as logged (`recovery: <step>`). */
export const RECOVERY_STEPS = [
  'renderer-gone',
  'clean-exit-ignored',
  'forced-crash-seen',
  'unresponsive',
  'responsive',
  'hang-timeout',
  'crash-renderer',
  'reload',
  'relaunch',
  'window-closed',
] as const;
export type RecoveryStep = (typeof RECOVERY_STEPS)[number];

export interface RecoveryTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The parts of a BrowserWindow used here; a real BrowserWindow fits (checked in the tests). */
export interface WatchedWindow {
  isDestroyed(): boolean;
  on(event: 'unresponsive', listener: () => void): unknown;
  on(event: 'responsive', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  webContents: {
    on(event: 'render-process-gone', listener: (event: unknown, details: Pick<RenderProcessGoneDetails, 'reason'>) => void): unknown;
    reload(): void;
    forcefullyCrashRenderer(): void;
  };
}

export interface CrashRecoveryOptions {
  now: () => number;
  timers: RecoveryTimers;
  /** Restarts the app: `app.relaunch(); app.exit(0)` in index.ts. */
  relaunch: () => void;
  log: LogSink;
  maxReloads?: number;
  windowMs?: number;
  hangGraceMs?: number;
}

// Killing a hung renderer makes Electron report it gone ('killed' or 'crashed'); that report
// belongs to the recovery already under way and must not count as a second one.
const FORCED_CRASH_ECHO_MS = 5_000;

export class CrashRecovery {
  private readonly maxReloads: number;
  private readonly windowMs: number;
  private readonly hangGraceMs: number;
  /** When the recent recoveries happened, over all windows. */
  private recoveries: number[] = [];
  private relaunching = false;

  constructor(private readonly o: CrashRecoveryOptions) {
    this.maxReloads = o.maxReloads ?? 3;
    this.windowMs = o.windowMs ?? 10 * 60_000;
    this.hangGraceMs = o.hangGraceMs ?? 15_000;
  }

  watch(win: WatchedWindow, label = 'window'): void {
    let hang: unknown;
    let forcedCrashAt: number | undefined;
    const step = (s: RecoveryStep, data: Record<string, unknown> = {}, level: 'info' | 'warn' | 'error' = 'warn') =>
      this.o.log[level](`recovery: ${s}`, { window: label, ...data });
    const clearHang = () => {
      if (hang === undefined) return false;
      this.o.timers.clearTimeout(hang);
      hang = undefined;
      return true;
    };

    win.webContents.on('render-process-gone', (_event, details) => {
      const reason = details.reason;
      if (reason === 'clean-exit' || win.isDestroyed()) return step('clean-exit-ignored', { reason }, 'info');
      if (forcedCrashAt !== undefined && this.o.now() - forcedCrashAt <= FORCED_CRASH_ECHO_MS) {
        forcedCrashAt = undefined;
        return step('forced-crash-seen', { reason }, 'info');
      }
      clearHang();
      step('renderer-gone', { reason }, 'error');
      this.recover(win, step, () => undefined);
    });

    win.on('unresponsive', () => {
      if (hang !== undefined || this.relaunching) return;
      step('unresponsive', { graceMs: this.hangGraceMs });
      hang = this.o.timers.setTimeout(() => {
        hang = undefined;
        if (win.isDestroyed() || this.relaunching) return;
        step('hang-timeout', { graceMs: this.hangGraceMs }, 'error');
        this.recover(win, step, () => {
          step('crash-renderer');
          forcedCrashAt = this.o.now();
          win.webContents.forcefullyCrashRenderer();
        });
      }, this.hangGraceMs);
    });

    win.on('responsive', () => {
      if (clearHang()) step('responsive', {}, 'info');
    });

    win.on('closed', () => {
      clearHang();
      step('window-closed', {}, 'info');
    });
  }

  /** Reload (after `beforeReload`), or relaunch the app when reloads are not helping. */
  private recover(win: WatchedWindow, step: (s: RecoveryStep, data?: Record<string, unknown>, level?: 'info' | 'warn' | 'error') => void, beforeReload: () => void): void {
    if (this.relaunching) return;
    const now = this.o.now();
    this.recoveries = this.recoveries.filter((t) => now - t < this.windowMs);
    this.recoveries.push(now);
    if (this.recoveries.length > this.maxReloads) {
      this.relaunching = true;
      step('relaunch', { recoveries: this.recoveries.length, windowMs: this.windowMs }, 'error');
      this.o.relaunch();
      return;
    }
    if (win.isDestroyed()) return;
    beforeReload();
    step('reload', { recoveries: this.recoveries.length });
    win.webContents.reload();
  }
}
