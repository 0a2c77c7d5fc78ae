import { EventEmitter } from 'node:events';
import type { AppUpdater } from 'electron-updater';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Updater, type UpdaterLogger, startUpdates } from '../../electron/main/update/updater';

// Compile-time: electron-updater's autoUpdater fits what startUpdates takes.
const _fits = (u: AppUpdater): Updater => u;

function fakeUpdater(check: () => Promise<unknown> = async () => null) {
  return Object.assign(new EventEmitter(), {
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(check) as any,
    autoDownload: false,
    autoInstallOnAppQuit: false,
    allowDowngrade: true,
    logger: null as UpdaterLogger | null,
  });
}

function fakeLog() {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

const on = { enabled: true, url: 'http://hub.hall.local:8080/updates/', channel: 'latest', checkHours: 6 };

describe('updates from the hall update server', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  // Looked up at call time, so the fake timers installed in beforeEach are the ones used.
  const timers = { setInterval: (fn: () => void, ms: number) => setInterval(fn, ms), clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout) };

  it('when turned off, no feed is set and nothing is checked', () => {
    const updater = fakeUpdater();
    const stop = startUpdates(updater, { enabled: false, channel: 'latest', checkHours: 6 }, { log: fakeLog(), timers });
    vi.advanceTimersByTime(7 * 24 * 3_600_000);
    expect(updater.setFeedURL).not.toHaveBeenCalled();
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(updater.listenerCount('error')).toBe(0);
    expect(updater.autoDownload).toBe(false);
    expect(() => stop()).not.toThrow();
  });

  it('when turned on, it sets the generic feed, downloads in the background and installs at the next restart', () => {
    const updater = fakeUpdater();
    startUpdates(updater, on, { log: fakeLog(), timers });
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'http://hub.hall.local:8080/updates/', channel: 'latest' });
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(updater.allowDowngrade).toBe(false);
  });

  it('checks at once and then every checkHours, until stopped', async () => {
    const updater = fakeUpdater();
    const stop = startUpdates(updater, on, { log: fakeLog(), timers });
    await vi.advanceTimersByTimeAsync(0);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(6 * 3_600_000 - 1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(12 * 3_600_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(4);
    stop();
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(4);
  });

  it('a hall without internet only gets log lines: failed checks and error events never throw', async () => {
    const updater = fakeUpdater(async () => {
      throw new Error('net::ERR_NAME_NOT_RESOLVED');
    });
    const log = fakeLog();
    startUpdates(updater, on, { log, timers });
    await vi.advanceTimersByTimeAsync(0);
    expect(log.warn).toHaveBeenCalledWith('updater: check failed', { error: 'net::ERR_NAME_NOT_RESOLVED' });
    // electron-updater also emits 'error'; an EventEmitter with no listener would throw it.
    expect(() => updater.emit('error', new Error('net::ERR_INTERNET_DISCONNECTED'))).not.toThrow();
    expect(log.warn).toHaveBeenCalledWith('updater: error', { error: 'net::ERR_INTERNET_DISCONNECTED' });
    // Checks go on at the next interval.
    await vi.advanceTimersByTimeAsync(6 * 3_600_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
  });

  it('a check that throws synchronously is logged too', async () => {
    const updater = fakeUpdater();
    updater.checkForUpdates = vi.fn(() => {
      throw new Error('not packed');
    });
    const log = fakeLog();
    expect(() => startUpdates(updater, on, { log, timers })).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    expect(log.warn).toHaveBeenCalledWith('updater: check failed', { error: 'not packed' });
  });

  it('a slow check is not started twice', async () => {
    let finish: () => void = () => undefined;
    const updater = fakeUpdater(() => new Promise<null>((r) => (finish = () => r(null))));
    startUpdates(updater, { ...on, checkHours: 1 }, { log: fakeLog(), timers });
    await vi.advanceTimersByTimeAsync(2 * 3_600_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
  });

  it('downloads and the updater’s own messages go to the log', () => {
    const updater = fakeUpdater();
    const log = fakeLog();
    startUpdates(updater, on, { log, timers });
    updater.emit('update-available', { version: '0.2.0' });
    updater.emit('update-downloaded', { version: '0.2.0' });
    updater.logger?.info('Checking for update');
    expect(log.info).toHaveBeenCalledWith('updater: downloading', { version: '0.2.0' });
    expect(log.info).toHaveBeenCalledWith(expect.stringMatching(/next restart/), { version: '0.2.0' });
    expect(log.info).toHaveBeenCalledWith('updater', { detail: 'Checking for update' });
  });

  it('turned on without a server address (or with a bad one) stays off and says why', () => {
    for (const settings of [
      { enabled: true, channel: 'latest', checkHours: 6 },
      { ...on, url: 'ftp://hub/updates' },
      { ...on, checkHours: 0 },
    ]) {
      const updater = fakeUpdater();
      const log = fakeLog();
      startUpdates(updater, settings, { log, timers });
      expect(updater.setFeedURL).not.toHaveBeenCalled();
      expect(updater.checkForUpdates).not.toHaveBeenCalled();
      expect(log.error).toHaveBeenCalledWith('updater: bad settings, updates off', expect.anything());
    }
  });
});
