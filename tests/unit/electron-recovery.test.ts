import { EventEmitter } from 'node:events';
import type { BrowserWindow } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CrashRecovery, RECOVERY_STEPS, type WatchedWindow } from '../../electron/main/recovery/crashRecovery';

// Compile-time: a real BrowserWindow fits what `watch` takes.
const _fits = (w: BrowserWindow): WatchedWindow => w;

function fakeWindow() {
  const webContents = Object.assign(new EventEmitter(), {
    reload: vi.fn(),
    forcefullyCrashRenderer: vi.fn(),
  });
  let destroyed = false;
  const win = Object.assign(new EventEmitter(), { webContents, isDestroyed: () => destroyed, destroy: () => void (destroyed = true) });
  return { win, webContents, gone: (reason: string) => webContents.emit('render-process-gone', {}, { reason, exitCode: 1 }) };
}

function setup(opts: { maxReloads?: number } = {}) {
  const lines: Array<{ level: string; msg: string; data?: Record<string, unknown> }> = [];
  const log = {
    info: (msg: string, data?: Record<string, unknown>) => lines.push({ level: 'info', msg, data }),
    warn: (msg: string, data?: Record<string, unknown>) => lines.push({ level: 'warn', msg, data }),
    error: (msg: string, data?: Record<string, unknown>) => lines.push({ level: 'error', msg, data }),
  };
  const relaunch = vi.fn();
  const recovery = new CrashRecovery({ now: () => Date.now(), timers: { setTimeout, clearTimeout }, relaunch, log, ...opts });
  const steps = () => lines.map((l) => l.msg.replace('recovery: ', ''));
  return { recovery, relaunch, lines, steps };
}

describe('a terminal recovers from a crashed or hung page by itself', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2025-03-03T09:00:00+08:00'));
  });
  afterEach(() => vi.useRealTimers());

  it('a renderer that dies is reloaded, and the step is logged', () => {
    const { recovery, steps, lines } = setup();
    const { win, webContents, gone } = fakeWindow();
    recovery.watch(win, 'kiosk');
    gone('crashed');
    expect(webContents.reload).toHaveBeenCalledOnce();
    expect(steps()).toEqual(['renderer-gone', 'reload']);
    expect(lines[0]).toMatchObject({ level: 'error', data: { window: 'kiosk', reason: 'crashed' } });
  });

  it.each(['oom', 'killed', 'abnormal-exit', 'launch-failed'])('a renderer gone with reason %s is reloaded', (reason) => {
    const { recovery } = setup();
    const { win, webContents, gone } = fakeWindow();
    recovery.watch(win);
    gone(reason);
    expect(webContents.reload).toHaveBeenCalledOnce();
  });

  it('a clean exit is not a crash', () => {
    const { recovery, steps, relaunch } = setup();
    const { win, webContents, gone } = fakeWindow();
    recovery.watch(win);
    gone('clean-exit');
    expect(webContents.reload).not.toHaveBeenCalled();
    expect(relaunch).not.toHaveBeenCalled();
    expect(steps()).toEqual(['clean-exit-ignored']);
  });

  it('a page hung beyond the grace period has its renderer killed and reloaded', () => {
    const { recovery, steps } = setup();
    const { win, webContents, gone } = fakeWindow();
    recovery.watch(win);
    win.emit('unresponsive');
    win.emit('unresponsive');
    vi.advanceTimersByTime(14_999);
    expect(webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(webContents.forcefullyCrashRenderer).toHaveBeenCalledOnce();
    expect(webContents.reload).toHaveBeenCalledOnce();
    expect(webContents.forcefullyCrashRenderer.mock.invocationCallOrder[0]!).toBeLessThan(webContents.reload.mock.invocationCallOrder[0]!);
    // Electron then reports the killed renderer: part of the same recovery, not a second one.
    gone('killed');
    expect(webContents.reload).toHaveBeenCalledOnce();
    expect(steps()).toEqual(['unresponsive', 'hang-timeout', 'crash-renderer', 'reload', 'forced-crash-seen']);
  });

  it('a page that answers again within the grace period is left alone', () => {
    const { recovery, steps } = setup();
    const { win, webContents } = fakeWindow();
    recovery.watch(win);
    win.emit('unresponsive');
    vi.advanceTimersByTime(10_000);
    win.emit('responsive');
    vi.advanceTimersByTime(60_000);
    expect(webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
    expect(webContents.reload).not.toHaveBeenCalled();
    expect(steps()).toEqual(['unresponsive', 'responsive']);
  });

  it('a closed window is not recovered', () => {
    const { recovery } = setup();
    const { win, webContents } = fakeWindow();
    recovery.watch(win);
    win.emit('unresponsive');
    win.destroy();
    win.emit('closed');
    vi.advanceTimersByTime(60_000);
    expect(webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
    expect(webContents.reload).not.toHaveBeenCalled();
  });

  it('a 4th recovery within 10 minutes restarts the app instead of reloading', () => {
    const { recovery, relaunch, steps } = setup();
    const { win, webContents, gone } = fakeWindow();
    recovery.watch(win);
    for (let i = 0; i < 3; i++) {
      gone('crashed');
      vi.advanceTimersByTime(2 * 60_000);
    }
    expect(webContents.reload).toHaveBeenCalledTimes(3);
    expect(relaunch).not.toHaveBeenCalled();
    gone('crashed');
    expect(relaunch).toHaveBeenCalledOnce();
    expect(webContents.reload).toHaveBeenCalledTimes(3);
    expect(steps().at(-1)).toBe('relaunch');
    // Once relaunching, nothing else is attempted.
    gone('crashed');
    win.emit('unresponsive');
    vi.advanceTimersByTime(60_000);
    expect(relaunch).toHaveBeenCalledOnce();
    expect(webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
  });

  it('hangs and crashes in different windows count together', () => {
    const { recovery, relaunch } = setup();
    const a = fakeWindow();
    const b = fakeWindow();
    recovery.watch(a.win, 'display');
    recovery.watch(b.win, 'kiosk');
    a.gone('crashed');
    b.gone('oom');
    b.win.emit('unresponsive');
    vi.advanceTimersByTime(15_000);
    expect(relaunch).not.toHaveBeenCalled();
    a.win.emit('unresponsive');
    vi.advanceTimersByTime(15_000);
    expect(relaunch).toHaveBeenCalledOnce();
    expect(a.webContents.forcefullyCrashRenderer).not.toHaveBeenCalled();
  });

  it('recoveries older than 10 minutes age out of the count', () => {
    const { recovery, relaunch } = setup();
    const { win, webContents, gone } = fakeWindow();
    recovery.watch(win);
    for (let i = 0; i < 3; i++) {
      gone('crashed');
      vi.advanceTimersByTime(4 * 60_000);
    }
    // The first is now 12 minutes old, the second 8: this is the 3rd within the window.
    gone('crashed');
    expect(relaunch).not.toHaveBeenCalled();
    expect(webContents.reload).toHaveBeenCalledTimes(4);
  });

  it('every logged step is one of the exported steps', () => {
    const { recovery, steps } = setup({ maxReloads: 1 });
    const { win, gone } = fakeWindow();
    recovery.watch(win);
    gone('clean-exit');
    win.emit('unresponsive');
    win.emit('responsive');
    win.emit('unresponsive');
    vi.advanceTimersByTime(15_000);
    gone('killed');
    gone('crashed');
    win.emit('closed');
    expect(steps().length).toBeGreaterThan(5);
    for (const s of steps()) expect(RECOVERY_STEPS).toContain(s);
  });
});
