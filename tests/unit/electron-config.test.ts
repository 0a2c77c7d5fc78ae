import * as fsp from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConfigFs,
  type TerminalConfig,
  configFromSetup,
  configPath,
  loadTerminalConfig,
  parseTerminalConfig,
  saveTerminalConfig,
} from '../../electron/main/config/terminalConfig';
import { BilingualSchema } from '../../shared/config/text';
import { hashPin, verifyPin } from '../../shared/identity/pin';
import type { SetupInput } from '../../shared/shell/contract';

// Compile-time: node:fs/promises fits the narrow fs the module takes.
const _fits = [(): ConfigFs => fsp];

let hash: string;
beforeAll(async () => {
  hash = await hashPin('hall-it-secret', new Uint8Array(16).fill(7), 1000);
});

const minimal = () => ({ terminalId: 'kiosk-1', role: 'kiosk' as const, servers: ['http://hub.hall.local:8080'], adminPasswordHash: hash });

describe('the terminal configuration file is validated, and a bad field is named in both languages', () => {
  it('a minimal file gets the safe defaults: locked down, autostart on, updates off, logs capped', () => {
    const r = parseTerminalConfig(minimal());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      lockdown: true,
      autostart: true,
      kiosk: { hideCursor: true },
      display: { sound: false },
      update: { enabled: false, channel: 'latest', checkHours: 6 },
      log: { maxBytes: 5 * 1024 * 1024, files: 5 },
    });
  });

  it.each([
    ['a server that is not http(s)', { servers: ['ftp://hub.hall.local'] }, 'servers.0'],
    ['a misspelt role', { role: 'kisok' }, 'role'],
    ['an upper-case terminal id', { terminalId: 'Kiosk 1' }, 'terminalId'],
    ['five servers', { servers: ['http://a', 'http://b', 'http://c', 'http://d', 'http://e'] }, 'servers'],
    ['a typo in a hand-edited key', { lockdwon: false }, 'lockdwon'],
    ['a typo inside a section', { log: { maxbytes: 10 } }, 'log.maxbytes'],
    ['a plain password where the hash belongs', { adminPasswordHash: 'hall-it-secret' }, 'adminPasswordHash'],
    ['updates switched on without a feed address', { update: { enabled: true } }, 'update.url'],
    ['a log size that is not a number', { log: { maxBytes: '5MB' } }, 'log.maxBytes'],
    ['a device section with a bad printer', { devices: { printer: { transport: { type: 'serial', port: {} } } } }, 'devices.printer'],
  ])('%s is refused, naming %s', (_what, patch, field) => {
    const r = parseTerminalConfig({ ...minimal(), ...patch });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message.zh).toContain(field);
    expect(r.message.zh).toMatch(/配置/);
    expect(r.message.en).toContain(field);
    expect(r.message.en).toMatch(/configuration/);
  });

  it('a counter without its window is refused (the counter page needs it)', () => {
    const r = parseTerminalConfig({ ...minimal(), role: 'counter' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.en).toContain('windowId');
    expect(parseTerminalConfig({ ...minimal(), role: 'counter', windowId: 'w3' }).ok).toBe(true);
  });

  it('a file with many mistakes still gives a message that fits on screen (a Bilingual: at most 500 characters)', () => {
    const r = parseTerminalConfig({ ...minimal(), servers: Array.from({ length: 40 }, (_, i) => `ftp://server-${i}.hall.local`), terminalId: 'X' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(BilingualSchema.safeParse(r.message).success).toBe(true);
  });

  it('not an object at all is refused, not thrown', () => {
    for (const raw of [null, 42, 'kiosk', [], undefined]) expect(parseTerminalConfig(raw).ok).toBe(false);
  });

  it('a "__proto__" key in the file is refused as an unknown field', () => {
    const r = parseTerminalConfig(JSON.parse(`{"__proto__":{"lockdown":false},${JSON.stringify(minimal()).slice(1)}`));
    expect(r.ok).toBe(false);
    expect(({} as Record<string, unknown>).lockdown).toBeUndefined();
  });
});

describe('loading the file: a missing file means setup, a broken one is a clear error', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hallq-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('no file: missing (the app opens the setup screen)', async () => {
    expect(await loadTerminalConfig(join(dir, 'terminal.json'))).toEqual({ ok: false, missing: true });
  });

  it('a file that is not JSON (cut short, edited by hand) is an error naming the file, not "missing"', async () => {
    const path = join(dir, 'terminal.json');
    await writeFile(path, '{"terminalId": "kiosk-1", ');
    const r = await loadTerminalConfig(path);
    expect(r).toMatchObject({ ok: false, missing: false });
    if (r.ok || r.missing) return;
    expect(r.message.zh).toContain(path);
    expect(r.message.zh).toContain('JSON');
    expect(r.message.en).toContain('not valid JSON');
  });

  it('a file saved by Windows Notepad (UTF-8 with a byte order mark) loads', async () => {
    const path = join(dir, 'terminal.json');
    await writeFile(path, `\uFEFF${JSON.stringify(minimal(), null, 2)}`);
    expect(await loadTerminalConfig(path)).toMatchObject({ ok: true, config: { terminalId: 'kiosk-1' } });
  });

  it('an empty file is broken, not missing', async () => {
    const path = join(dir, 'terminal.json');
    await writeFile(path, '');
    expect(await loadTerminalConfig(path)).toMatchObject({ ok: false, missing: false });
  });

  it('valid JSON with a bad field names the file and the field', async () => {
    const path = join(dir, 'terminal.json');
    await writeFile(path, JSON.stringify({ ...minimal(), servers: [] }));
    const r = await loadTerminalConfig(path);
    expect(r).toMatchObject({ ok: false, missing: false });
    if (r.ok || r.missing) return;
    expect(r.message.zh).toContain('servers');
    expect(r.message.en).toContain(path);
  });

  it('an http update feed is refused at load with a clear error in both languages: updates go off, the terminal keeps serving the hall', async () => {
    const path = join(dir, 'terminal.json');
    // As a terminal set up before issue 15 may have it (and got this version through that feed).
    await writeFile(path, JSON.stringify({ ...minimal(), update: { enabled: true, url: 'http://hub.hall.local:8080/updates/', channel: 'beta' } }));
    const r = await loadTerminalConfig(path);
    expect(r).toMatchObject({ ok: true, config: { terminalId: 'kiosk-1', role: 'kiosk', update: { enabled: false, channel: 'beta' } } });
    if (!r.ok) return;
    expect(r.config.update.url).toBeUndefined();
    expect(r.refused?.en).toMatch(/update\.url is not an https:\/\/ address: refused, updates are off/);
    expect(r.refused?.zh).toContain('https');
    expect(BilingualSchema.safeParse(r.refused).success).toBe(true);
  });

  it('an http update feed is never written: setup and saving refuse it, naming the field', async () => {
    const http = { ...minimal(), update: { enabled: true, url: 'http://hub.hall.local:8080/updates/' } };
    const r = parseTerminalConfig(http);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message.en).toMatch(/update\.url: an https:\/\/ address/);
    await expect(saveTerminalConfig(join(dir, 'terminal.json'), http)).rejects.toThrow(/update\.url/);
  });

  it('with another mistake besides the http feed, the file is refused as before (the setup screen opens)', async () => {
    const path = join(dir, 'terminal.json');
    await writeFile(path, JSON.stringify({ ...minimal(), servers: [], update: { enabled: true, url: 'http://hub.hall.local/updates/' } }));
    expect(await loadTerminalConfig(path)).toMatchObject({ ok: false, missing: false });
  });

  it('a file that cannot be read (permissions) is an error, not "missing"', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const r = await loadTerminalConfig('/etc/hallq/terminal.json', { readFile: () => Promise.reject(denied) });
    expect(r).toMatchObject({ ok: false, missing: false });
    if (!r.ok && !r.missing) expect(r.message.en).toContain('permission denied');
  });
});

describe('saving the file is atomic: a crash or an invalid config never replaces a good file', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hallq-config-'));
    path = join(dir, 'nested', 'folder', 'terminal.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves into a folder that does not exist yet, and loads back the same configuration', async () => {
    const saved = await saveTerminalConfig(path, minimal());
    expect(await loadTerminalConfig(path)).toEqual({ ok: true, config: saved });
    expect(await readdir(join(dir, 'nested', 'folder'))).toEqual(['terminal.json']);
  });

  it.skipIf(process.platform === 'win32')('only the owner can read it (it holds the exit password hash)', async () => {
    await saveTerminalConfig(path, minimal());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('an invalid config throws with the field named and leaves the good file as it was', async () => {
    await saveTerminalConfig(path, minimal());
    const before = await readFile(path, 'utf8');
    await expect(saveTerminalConfig(path, { ...minimal(), role: 'nope' } as never)).rejects.toThrow(/role/);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(join(dir, 'nested', 'folder'))).toEqual(['terminal.json']);
  });

  it('a crash half way through writing leaves the good file, and no temporary file behind', async () => {
    await saveTerminalConfig(path, minimal());
    const before = await readFile(path, 'utf8');
    const crashing: ConfigFs = {
      ...fsp,
      open: async (p, flags, mode) => {
        const handle = await fsp.open(p, flags, mode);
        return {
          writeFile: async (data: string) => {
            await handle.writeFile(data.slice(0, 20), 'utf8');
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          },
          sync: () => handle.sync(),
          close: () => handle.close(),
        };
      },
    };
    await expect(saveTerminalConfig(path, { ...minimal(), terminalId: 'kiosk-2' }, crashing)).rejects.toThrow(/ENOSPC/);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(join(dir, 'nested', 'folder'))).toEqual(['terminal.json']);
  });

  it('a failed rename leaves the good file too', async () => {
    await saveTerminalConfig(path, minimal());
    const before = await readFile(path, 'utf8');
    const failing: ConfigFs = { ...fsp, rename: () => Promise.reject(new Error('EBUSY')) };
    await expect(saveTerminalConfig(path, { ...minimal(), terminalId: 'kiosk-2' }, failing)).rejects.toThrow(/EBUSY/);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(join(dir, 'nested', 'folder'))).toEqual(['terminal.json']);
  });
});

describe('the setup screen produces the configuration', () => {
  const input: SetupInput = {
    terminalId: 'counter-3',
    role: 'counter',
    windowId: 'w3',
    servers: ['http://hub.hall.local:8080', 'https://central.gov.example'],
    enrollCode: 'ENROLL-1234',
    adminPassword: 'hall-it-secret',
  };

  it('a first setup: the identity and servers as entered, the password only as its hash, lockdown on', async () => {
    const c = configFromSetup(input, hash);
    expect(c).toMatchObject({ terminalId: 'counter-3', role: 'counter', windowId: 'w3', servers: input.servers, enrollCode: 'ENROLL-1234', lockdown: true, autostart: true });
    expect(JSON.stringify(c)).not.toContain('hall-it-secret"');
    expect(await verifyPin('hall-it-secret', c.adminPasswordHash)).toBe(true);
  });

  it('setup run again keeps the devices, updates and logs hall IT configured, but turns lockdown back on', () => {
    const previous: TerminalConfig = {
      ...configFromSetup({ ...input, terminalId: 'counter-9' }, hash),
      devices: { scanners: [], printer: { id: 'printer', transport: { type: 'file', path: '/dev/usb/lp0' }, widthDots: 576, statusTimeoutMs: 1000 } },
      update: { enabled: true, url: 'https://hub.hall.local:8443/updates/', channel: 'beta', checkHours: 2 },
      log: { maxBytes: 1024 * 1024, files: 3 },
      kiosk: { hideCursor: false },
      lockdown: false,
    };
    const c = configFromSetup(input, hash, previous);
    expect(c.terminalId).toBe('counter-3');
    expect(c.devices).toEqual(previous.devices);
    expect(c.update).toEqual(previous.update);
    expect(c.log).toEqual(previous.log);
    expect(c.kiosk).toEqual({ hideCursor: false });
    expect(c.lockdown).toBe(true);
  });

  it('the file lives in the user data folder unless HALLQ_CONFIG points elsewhere', () => {
    expect(configPath('/home/hall/.config/hallq', {})).toBe(join('/home/hall/.config/hallq', 'terminal.json'));
    expect(configPath('/home/hall/.config/hallq', { HALLQ_CONFIG: '/etc/hallq/kiosk-1.json' })).toBe('/etc/hallq/kiosk-1.json');
    expect(configPath('/home/hall/.config/hallq', { HALLQ_CONFIG: '  ' })).toBe(join('/home/hall/.config/hallq', 'terminal.json'));
  });
});
