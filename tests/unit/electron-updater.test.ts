import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppUpdater } from 'electron-updater';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rawPublicKeyBase64, signedMessage } from '../../electron/main/update/updateSignature';
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
    disableWebInstaller: false,
    install: vi.fn((_silent?: boolean, _runAfter?: boolean) => true),
  });
}

function fakeLog() {
  return { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

const on = { enabled: true, url: 'https://hub.hall.local:8443/updates/', channel: 'latest', checkHours: 6 };
/** The publisher's key pair (the private half stays with the publisher; the public half is pinned in the app). */
const publisher = generateKeyPairSync('ed25519');
const publicKeys = rawPublicKeyBase64(publisher.publicKey);

describe('updates from the hall update server', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  // Looked up at call time, so the fake timers installed in beforeEach are the ones used.
  const timers = { setInterval: (fn: () => void, ms: number) => setInterval(fn, ms), clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout) };

  it('when turned off, no feed is set and nothing is checked', () => {
    const updater = fakeUpdater();
    const stop = startUpdates(updater, { enabled: false, channel: 'latest', checkHours: 6 }, { log: fakeLog(), timers, publicKeys });
    vi.advanceTimersByTime(7 * 24 * 3_600_000);
    expect(updater.setFeedURL).not.toHaveBeenCalled();
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(updater.listenerCount('error')).toBe(0);
    expect(updater.autoDownload).toBe(false);
    expect(() => stop.stop()).not.toThrow();
  });

  it('when turned on, it sets the generic feed and downloads in the background; electron-updater never installs on its own (only a verified update, at quit)', () => {
    const updater = fakeUpdater();
    updater.autoInstallOnAppQuit = true;
    startUpdates(updater, on, { log: fakeLog(), timers, publicKeys });
    expect(updater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://hub.hall.local:8443/updates/', channel: 'latest' });
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.allowDowngrade).toBe(false);
    expect(updater.disableWebInstaller).toBe(true);
  });

  it('checks at once and then every checkHours, until stopped', async () => {
    const updater = fakeUpdater();
    const stop = startUpdates(updater, on, { log: fakeLog(), timers, publicKeys });
    await vi.advanceTimersByTimeAsync(0);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(6 * 3_600_000 - 1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(12 * 3_600_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(4);
    stop.stop();
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(4);
  });

  it('a hall without internet only gets log lines: failed checks and error events never throw', async () => {
    const updater = fakeUpdater(async () => {
      throw new Error('net::ERR_NAME_NOT_RESOLVED');
    });
    const log = fakeLog();
    startUpdates(updater, on, { log, timers, publicKeys });
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
    expect(() => startUpdates(updater, on, { log, timers, publicKeys })).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    expect(log.warn).toHaveBeenCalledWith('updater: check failed', { error: 'not packed' });
  });

  it('a slow check is not started twice', async () => {
    let finish: () => void = () => undefined;
    const updater = fakeUpdater(() => new Promise<null>((r) => (finish = () => r(null))));
    startUpdates(updater, { ...on, checkHours: 1 }, { log: fakeLog(), timers, publicKeys });
    await vi.advanceTimersByTimeAsync(2 * 3_600_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(2);
  });

  it('downloads and the updater’s own messages go to the log', () => {
    const updater = fakeUpdater();
    const log = fakeLog();
    startUpdates(updater, on, { log, timers, publicKeys });
    updater.emit('update-available', { version: '0.2.0' });
    updater.logger?.info('Checking for update');
    expect(log.info).toHaveBeenCalledWith('updater: downloading', { version: '0.2.0' });
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
      startUpdates(updater, settings, { log, timers, publicKeys });
      expect(updater.setFeedURL).not.toHaveBeenCalled();
      expect(updater.checkForUpdates).not.toHaveBeenCalled();
      expect(log.error).toHaveBeenCalledWith('updater: bad settings, updates off', expect.anything());
    }
  });
});

describe('updates only over https', () => {
  const timers = { setInterval: () => 0, clearInterval: () => undefined };

  it('an http update feed is refused with a clear error, and nothing is fetched from it', () => {
    const updater = fakeUpdater();
    const log = fakeLog();
    startUpdates(updater, { ...on, url: 'http://hub.hall.local:8080/updates/' }, { log, timers, publicKeys });
    expect(updater.setFeedURL).not.toHaveBeenCalled();
    expect(updater.checkForUpdates).not.toHaveBeenCalled();
    expect(log.error).toHaveBeenCalledWith('updater: bad settings, updates off', { issues: [expect.stringMatching(/^url: an https:\/\/ address.*plain http/)] });
  });

  it('a feed address with a password in it is refused (it would be written to the log)', () => {
    const updater = fakeUpdater();
    const log = fakeLog();
    startUpdates(updater, { ...on, url: 'https://it:secret@hub.hall.local/updates/' }, { log, timers, publicKeys });
    expect(updater.setFeedURL).not.toHaveBeenCalled();
    expect(JSON.stringify(log.error.mock.calls)).not.toContain('secret');
  });
});

/** Hashing a 1.5 MB file on a busy machine: give the verdict time. */
const settle = { timeout: 15_000 };

describe('an update installs only with the publisher’s signature', { timeout: 30_000 }, () => {
  const timers = { setInterval: () => 0, clearInterval: () => undefined };
  let dir = '';
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'hallq-update-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  /** An installer as the feed serves it: bytes, and the signature the publisher put in latest.yml. */
  async function installer(version: string, key: KeyObject = publisher.privateKey, bytes = randomBytes(1_500_000)) {
    const name = `hallq-${version}-x86_64.AppImage`;
    const path = join(dir, name);
    await writeFile(path, bytes);
    const signature = sign(null, signedMessage(version, createHash('sha512').update(bytes).digest()), key).toString('base64');
    return { path, event: { version, files: [], path: name, sha512: '', releaseDate: '', downloadedFile: path, hallqSignatures: { [name]: signature } } };
  }

  /** The feed's update downloaded; each test waits for the verdict it expects. */
  function downloaded(event: object, log = fakeLog()) {
    const updater = fakeUpdater();
    const updates = startUpdates(updater, on, { log, timers, publicKeys });
    updater.emit('update-downloaded', event);
    return { updater, updates, log };
  }

  it('a genuine update, signed by the publisher, installs when the app quits (silently, without relaunching mid-quit)', async () => {
    const { event } = await installer('0.2.0');
    const { updater, updates, log } = downloaded(event);
    await vi.waitFor(() => expect(log.info).toHaveBeenCalledWith('updater: downloaded, signature good, installs at the next restart', { version: '0.2.0' }), settle);
    expect(updater.install).not.toHaveBeenCalled();
    updates.installOnQuit(0);
    expect(updater.install).toHaveBeenCalledWith(true, false);
  });

  it('an attacker who changes one byte of the installer on the update server (or on the wire) gets it refused', async () => {
    const { path, event } = await installer('0.2.0');
    const bytes = await readFile(path);
    bytes[123_456] = bytes[123_456]! ^ 0x01;
    await writeFile(path, bytes);
    const { updater, updates, log } = downloaded(event);
    await vi.waitFor(() => expect(log.error).toHaveBeenCalledWith('updater: update refused: bad signature', { version: '0.2.0', reason: expect.stringMatching(/tampered/) }), settle);
    updates.installOnQuit(0);
    expect(updater.install).not.toHaveBeenCalled();
  });

  it('an installer signed with the attacker’s own key is refused', async () => {
    const { event } = await installer('0.2.0', generateKeyPairSync('ed25519').privateKey);
    const { updater, updates, log } = downloaded(event);
    await vi.waitFor(() => expect(log.error).toHaveBeenCalledWith('updater: update refused: bad signature', expect.anything()), settle);
    updates.installOnQuit(0);
    expect(updater.install).not.toHaveBeenCalled();
  });

  it('an old, genuinely signed installer offered as a newer version is refused (the version is signed too)', async () => {
    const { event } = await installer('0.1.9');
    const { updater, updates, log } = downloaded({ ...event, version: '0.2.0' });
    await vi.waitFor(() => expect(log.error).toHaveBeenCalledWith('updater: update refused: bad signature', expect.anything()), settle);
    updates.installOnQuit(0);
    expect(updater.install).not.toHaveBeenCalled();
  });

  it('an unsigned update (no hallqSignatures in latest.yml) is refused', async () => {
    const { event } = await installer('0.2.0');
    const { hallqSignatures: _dropped, ...unsigned } = event;
    const { updater, updates, log } = downloaded(unsigned);
    await vi.waitFor(() => expect(log.error).toHaveBeenCalledWith('updater: update refused: bad signature', { version: '0.2.0', reason: expect.stringMatching(/no signature/) }), settle);
    updates.installOnQuit(0);
    expect(updater.install).not.toHaveBeenCalled();
  });

  it('an installer swapped on disk after it was verified is refused right before it installs', async () => {
    const { path, event } = await installer('0.2.0');
    const { updater, updates, log } = downloaded(event);
    await vi.waitFor(() => expect(log.info).toHaveBeenCalledWith(expect.stringMatching(/signature good/), { version: '0.2.0' }), settle);
    await writeFile(path, randomBytes(1_500_000));
    updates.installOnQuit(0);
    expect(updater.install).not.toHaveBeenCalled();
    expect(log.error).toHaveBeenCalledWith('updater: update refused at install: bad signature', expect.anything());
  });

  it('a newer download that is not yet verified replaces the verified one: nothing installs until it checks out', async () => {
    const first = await installer('0.2.0');
    const second = await installer('0.3.0', generateKeyPairSync('ed25519').privateKey);
    const { updater, updates, log } = downloaded(first.event);
    await vi.waitFor(() => expect(log.info).toHaveBeenCalledWith(expect.stringMatching(/signature good/), { version: '0.2.0' }), settle);
    updater.emit('update-downloaded', second.event);
    updates.installOnQuit(0);
    expect(updater.install).not.toHaveBeenCalled();
  });

  it('an app quitting with an error does not install', async () => {
    const { event } = await installer('0.2.0');
    const { updater, updates, log } = downloaded(event);
    await vi.waitFor(() => expect(log.info).toHaveBeenCalledWith(expect.stringMatching(/signature good/), expect.anything()), settle);
    updates.installOnQuit(1);
    expect(updater.install).not.toHaveBeenCalled();
  });

  it('a build with no pinned key checks nothing and installs nothing (fail closed)', () => {
    for (const keys of ['', 'not-a-key', 'AAAA']) {
      const updater = fakeUpdater();
      const log = fakeLog();
      const updates = startUpdates(updater, on, { log, timers, publicKeys: keys });
      expect(updater.setFeedURL).not.toHaveBeenCalled();
      expect(updater.checkForUpdates).not.toHaveBeenCalled();
      expect(log.error).toHaveBeenCalledWith('updater: updates off: no update can be verified', expect.anything());
      updates.installOnQuit(0);
      expect(updater.install).not.toHaveBeenCalled();
    }
  });

  it('two pinned keys (a key being rotated): an update signed by either installs', async () => {
    const next = generateKeyPairSync('ed25519');
    const { event } = await installer('0.2.0', next.privateKey);
    const updater = fakeUpdater();
    const log = fakeLog();
    const updates = startUpdates(updater, on, { log, timers, publicKeys: `${publicKeys},${rawPublicKeyBase64(next.publicKey)}` });
    updater.emit('update-downloaded', event);
    await vi.waitFor(() => expect(log.info).toHaveBeenCalledWith(expect.stringMatching(/signature good/), { version: '0.2.0' }), settle);
    updates.installOnQuit(0);
    expect(updater.install).toHaveBeenCalledTimes(1);
  });
});
