/**
 * The preload's table of APIs per page (electron/preload/apis) and the shell bridge
 * (electron/preload/shell): a page gets exactly its APIs; bad input never reaches main.
 */
import { describe, expect, it, vi } from 'vitest';
import { PRELOAD_APIS, PRELOAD_PAGES, buildPreloadApi, pageFromArgv, type PreloadPage } from '../../electron/preload/apis';
import { shellBridge, type ShellBridge } from '../../electron/preload/shell';
import type { DeviceApi } from '../../shared/devices/contract';
import { SHELL_IPC, type SetupInput } from '../../shared/shell/contract';

function factories() {
  const devices = { health: async () => [] } as unknown as DeviceApi;
  const shell = { info: async () => ({}) } as unknown as ShellBridge;
  const made = { devices: vi.fn(() => devices), shell: vi.fn(() => shell) };
  return { made, devices, shell };
}

describe('PRELOAD_APIS', () => {
  const expected: Record<PreloadPage, string[]> = {
    kiosk: ['devices'],
    counter: ['devices'],
    evaluator: ['devices'],
    display: [],
    admin: [],
    setup: ['shell'],
  };

  it('names every page, and only those', () => {
    expect(Object.keys(PRELOAD_APIS).sort()).toEqual([...PRELOAD_PAGES].sort());
    expect(Object.keys(PRELOAD_APIS).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s gets exactly %j', (page, apis) => {
    const { made, devices, shell } = factories();
    const api = buildPreloadApi(page as PreloadPage, made);
    expect(Object.keys(api).sort()).toEqual([...apis].sort());
    if (apis.includes('devices')) expect(api.devices).toBe(devices);
    if (apis.includes('shell')) expect(api.shell).toBe(shell);
    // An API the page does not get is never even built.
    expect(made.devices).toHaveBeenCalledTimes(apis.includes('devices') ? 1 : 0);
    expect(made.shell).toHaveBeenCalledTimes(apis.includes('shell') ? 1 : 0);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(PRELOAD_APIS)).toBe(true);
    expect(Object.isFrozen(PRELOAD_APIS.setup)).toBe(true);
    expect(() => (PRELOAD_APIS.display as string[]).push('shell')).toThrow();
  });

  it('the display and the admin screen get nothing; the setup page no devices', () => {
    expect(PRELOAD_APIS.display).toEqual([]);
    expect(PRELOAD_APIS.admin).toEqual([]);
    expect(PRELOAD_APIS.setup).not.toContain('devices');
    for (const p of ['kiosk', 'counter', 'evaluator'] as const) expect(PRELOAD_APIS[p]).not.toContain('shell');
  });
});

describe('pageFromArgv', () => {
  const argv = (...extra: string[]) => ['/opt/hallq/hallq', '--type=renderer', '--enable-sandbox', ...extra];

  it('reads the page main names', () => {
    for (const p of PRELOAD_PAGES) expect(pageFromArgv(argv(`--hallq-page=${p}`))).toBe(p);
  });

  it('no flag, or an empty one: no page', () => {
    expect(pageFromArgv([])).toBeUndefined();
    expect(pageFromArgv(argv())).toBeUndefined();
    expect(pageFromArgv(argv('--hallq-page='))).toBeUndefined();
    expect(pageFromArgv(argv('--hallq-page'))).toBeUndefined();
  });

  it('an unknown page: none (so nothing is exposed)', () => {
    for (const bad of ['hub', 'Setup', 'setup ', ' kiosk', 'kiosk/..', '__proto__', 'constructor', 'toString', 'index']) {
      expect(pageFromArgv(argv(`--hallq-page=${bad}`))).toBeUndefined();
    }
    // Only the exact flag counts.
    expect(pageFromArgv(argv('--hallq-pages=setup'))).toBeUndefined();
    expect(pageFromArgv(argv('-hallq-page=setup'))).toBeUndefined();
  });

  it('the same page twice is that page; two different pages are none', () => {
    expect(pageFromArgv(argv('--hallq-page=kiosk', '--hallq-page=kiosk'))).toBe('kiosk');
    expect(pageFromArgv(argv('--hallq-page=kiosk', '--hallq-page=setup'))).toBeUndefined();
    expect(pageFromArgv(argv('--hallq-page=display', '--hallq-page=nope'))).toBeUndefined();
  });
});

describe('shellBridge', () => {
  const good: SetupInput = {
    terminalId: 'counter-1',
    role: 'counter',
    windowId: 'w1',
    servers: ['http://hub.hall.local:8080', 'https://central.example.gov.cn'],
    enrollCode: 'ABCDEFGHJK',
    adminPassword: 'correct horse',
  };
  const fake = (reply: unknown = { ok: true }) => {
    const invoke = vi.fn(async (..._args: unknown[]) => reply);
    return { invoke, bridge: shellBridge({ invoke }) };
  };

  it('sends valid input on the contract channels', async () => {
    const { invoke, bridge } = fake();
    expect(await bridge.saveSetup(good)).toEqual({ ok: true });
    expect(invoke).toHaveBeenLastCalledWith(SHELL_IPC.saveSetup, good);
    expect(await bridge.exit({ password: 'x', action: 'setup' })).toEqual({ ok: true });
    expect(invoke).toHaveBeenLastCalledWith(SHELL_IPC.exit, { password: 'x', action: 'setup' });
    await bridge.cancelExit();
    expect(invoke).toHaveBeenLastCalledWith(SHELL_IPC.cancelExit);
    const info = { version: '0.1.0', platform: 'linux', configPath: '/etc/hallq/terminal.json' };
    const f = fake(info);
    expect(await f.bridge.info()).toEqual(info);
    expect(f.invoke).toHaveBeenCalledWith(SHELL_IPC.info);
  });

  it("passes main's refusal through as it is", async () => {
    const refusal = { ok: false, message: { zh: '注册码无效', en: 'The code is not valid' }, field: 'enrollCode' };
    const { bridge } = fake(refusal);
    expect(await bridge.saveSetup(good)).toEqual(refusal);
  });

  it('sends only the fields of the contract (extra properties are dropped)', async () => {
    const { invoke, bridge } = fake();
    await bridge.saveSetup({ ...good, evil: 'x' } as SetupInput);
    expect(invoke.mock.calls[0]![1]).toEqual(good);
  });

  it.each([
    ['a bad terminal id', { ...good, terminalId: 'Counter 1' }, 'terminalId'],
    ['an unknown role', { ...good, role: 'hub' }, 'role'],
    ['a counter without its window', { ...good, windowId: undefined }, 'windowId'],
    ['no server', { ...good, servers: [] }, 'servers'],
    ['a server with a path', { ...good, servers: ['http://hub/api'] }, 'servers'],
    ['a short code', { ...good, enrollCode: 'abc' }, 'enrollCode'],
    ['a short password', { ...good, adminPassword: 'short' }, 'adminPassword'],
  ])('refuses %s without calling main', async (_what, input, field) => {
    const { invoke, bridge } = fake();
    const r = await bridge.saveSetup(input as SetupInput);
    expect(invoke).not.toHaveBeenCalled();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.field).toBe(field);
    expect(r.message.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(r.message.en).toMatch(/not valid/);
  });

  it('refuses input that is not even an object', async () => {
    const { invoke, bridge } = fake();
    for (const bad of [undefined, null, 'setup', 42, []]) {
      const r = await bridge.saveSetup(bad as unknown as SetupInput);
      expect(r.ok).toBe(false);
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses an exit request without a password or with an unknown action', async () => {
    const { invoke, bridge } = fake();
    const empty = await bridge.exit({ password: '', action: 'quit' });
    expect(empty).toMatchObject({ ok: false, field: 'password' });
    const action = await bridge.exit({ password: 'secret', action: 'reboot' } as never);
    expect(action).toMatchObject({ ok: false, field: 'action' });
    if (!empty.ok) expect(empty.message.zh).toContain('管理密码');
    expect(invoke).not.toHaveBeenCalled();
  });
});
