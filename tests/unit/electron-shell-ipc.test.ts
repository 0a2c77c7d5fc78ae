import type { IpcMain } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { MAX_SHELL_PAYLOAD_CHARS, type ShellHandlers, type ShellSenderEvent, registerShellIpc, shellSenderCheck } from '../../electron/main/ipc/shellIpc';
import { BilingualSchema } from '../../shared/config/text';
import { SHELL_IPC, type SetupInput } from '../../shared/shell/contract';

// Compile-time: the real ipcMain fits.
const _fits = [(i: IpcMain): Parameters<typeof registerShellIpc>[0] => i];

const SETUP_PAGE = 'app://hallq/setup/index.html';
const EXIT_DIALOG = 'app://hallq/setup/index.html?mode=exit';
const from = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as unknown as ShellSenderEvent;

const valid = (): SetupInput => ({
  terminalId: 'kiosk-1',
  role: 'kiosk',
  servers: ['http://hub.hall.local:8080', 'https://central.gov.example'],
  enrollCode: 'ENROLL-1234',
  adminPassword: 'hall-it-secret',
});

function harness(check = shellSenderCheck) {
  const registered = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => unknown) => void registered.set(channel, listener),
    removeHandler: (channel: string) => void registered.delete(channel),
  };
  const handlers = {
    info: vi.fn(() => ({ version: '0.1.0', platform: 'linux', configPath: '/home/hall/.config/hallq/terminal.json' })),
    saveSetup: vi.fn(async () => ({ ok: true as const })),
    exit: vi.fn(async () => ({ ok: true as const })),
    cancelExit: vi.fn(),
  } satisfies ShellHandlers;
  const unregister = registerShellIpc(ipcMain as unknown as Pick<IpcMain, 'handle' | 'removeHandler'>, handlers, check);
  const invoke = async (channel: string, event: ShellSenderEvent, ...args: unknown[]) => registered.get(channel)!(event, ...args);
  return { registered, handlers, unregister, invoke };
}

describe('the setup screen saves its settings through main', () => {
  it('valid settings from the setup screen reach the handler, validated', async () => {
    const { handlers, invoke } = harness();
    expect(await invoke(SHELL_IPC.saveSetup, from(SETUP_PAGE), valid())).toEqual({ ok: true });
    expect(handlers.saveSetup).toHaveBeenCalledWith(valid());
  });

  it('the exit dialog checks the password through main, and cancels', async () => {
    const { handlers, invoke } = harness();
    expect(await invoke(SHELL_IPC.exit, from(EXIT_DIALOG), { password: 'hall-it-secret', action: 'quit' })).toEqual({ ok: true });
    expect(handlers.exit).toHaveBeenCalledWith({ password: 'hall-it-secret', action: 'quit' });
    await invoke(SHELL_IPC.cancelExit, from(EXIT_DIALOG));
    expect(handlers.cancelExit).toHaveBeenCalledOnce();
    expect(await invoke(SHELL_IPC.info, from(SETUP_PAGE))).toMatchObject({ version: '0.1.0' });
  });

  it('a handler that fails (disk full) is a bilingual refusal on screen, not a crash', async () => {
    const { handlers, invoke } = harness();
    handlers.saveSetup.mockRejectedValueOnce(new Error('ENOSPC: no space left on device'));
    const r: any = await invoke(SHELL_IPC.saveSetup, from(SETUP_PAGE), valid());
    expect(r.ok).toBe(false);
    expect(r.message.zh).toContain('保存设置失败');
    expect(r.message.en).toContain('ENOSPC');
  });

  it('unregistering removes every shell channel', () => {
    const { registered, unregister } = harness();
    expect([...registered.keys()].sort()).toEqual(Object.values(SHELL_IPC).sort());
    unregister();
    expect(registered.size).toBe(0);
  });
});

describe('only the setup page may use the shell', () => {
  const strangers: Array<[string, ShellSenderEvent]> = [
    ['a kiosk page', from('app://hallq/kiosk/index.html?terminal=kiosk-1')],
    ['the admin page', from('app://hallq/admin/index.html')],
    ['a subframe of the setup page', from(SETUP_PAGE, { url: SETUP_PAGE })],
    ['another origin', from('https://evil.example/setup/index.html')],
    ['a look-alike host', from('app://hallq.evil.example/setup/index.html')],
    ['another file in the setup folder', from('app://hallq/setup/other.html')],
    ['a frame that is gone (null senderFrame)', { senderFrame: null } as ShellSenderEvent],
  ];

  it.each(strangers)('%s: every channel is refused and no handler runs', async (_what, event) => {
    const { handlers, invoke } = harness();
    await expect(invoke(SHELL_IPC.info, event)).rejects.toThrow(/may not use the shell/);
    await expect(invoke(SHELL_IPC.saveSetup, event, valid())).rejects.toThrow(/may not use the shell/);
    await expect(invoke(SHELL_IPC.exit, event, { password: 'x', action: 'quit' })).rejects.toThrow(/may not use the shell/);
    await expect(invoke(SHELL_IPC.cancelExit, event)).rejects.toThrow(/may not use the shell/);
    for (const h of Object.values(handlers)) expect(h).not.toHaveBeenCalled();
  });

  it('the exit dialog may not rewrite the settings (saving is for the setup screen only)', async () => {
    const { handlers, invoke } = harness();
    await expect(invoke(SHELL_IPC.saveSetup, from(EXIT_DIALOG), valid())).rejects.toThrow();
    expect(handlers.saveSetup).not.toHaveBeenCalled();
    expect(shellSenderCheck(from(`${SETUP_PAGE}?mode=`), SHELL_IPC.saveSetup)).toBe(false);
  });

  it('the sender check is given the channel, so main can narrow it further', async () => {
    const check = vi.fn(() => false);
    const { invoke } = harness(check);
    await expect(invoke(SHELL_IPC.exit, from(EXIT_DIALOG), {})).rejects.toThrow();
    expect(check).toHaveBeenCalledWith(expect.anything(), SHELL_IPC.exit);
  });
});

describe('hostile payloads are refused with a bilingual message, and the handler never runs', () => {
  const cyclic: Record<string, unknown> = { ...valid() };
  cyclic.self = cyclic;

  const setupPayloads: Array<[string, unknown, string | undefined]> = [
    ['null', null, undefined],
    ['undefined', undefined, undefined],
    ['a string', 'kiosk-1', undefined],
    ['a number', 42, undefined],
    ['an array', [valid()], undefined],
    ['a Map', new Map(Object.entries(valid())), undefined],
    ['an object with a foreign prototype', Object.create({ role: 'admin' }), undefined],
    ['a number where the terminal id belongs', { ...valid(), terminalId: 7 }, 'terminalId'],
    ['a role that does not exist', { ...valid(), role: 'root' }, 'role'],
    ['servers as one string', { ...valid(), servers: 'http://hub:8080' }, 'servers'],
    ['a server with a path', { ...valid(), servers: ['http://hub:8080/api'] }, 'servers'],
    ['a javascript: server', { ...valid(), servers: ['javascript:alert(1)'] }, 'servers'],
    ['a short password', { ...valid(), adminPassword: 'short' }, 'adminPassword'],
    ['an extra-long password', { ...valid(), adminPassword: 'x'.repeat(129) }, 'adminPassword'],
    ['an extra-long terminal id', { ...valid(), terminalId: 'a'.repeat(41) }, 'terminalId'],
    ['a megabyte of server address', { ...valid(), servers: [`http://${'a'.repeat(1_000_000)}.example`] }, undefined],
    ['a counter without its window', { ...valid(), role: 'counter' }, 'windowId'],
    ['an unknown field', { ...valid(), lockdown: false }, 'lockdown'],
    ['a "__proto__" key', JSON.parse(`{"__proto__":{"isAdmin":true},${JSON.stringify(valid()).slice(1)}`), '__proto__'],
    ['a nested "__proto__" key', { ...valid(), servers: [JSON.parse('{"__proto__":{"isAdmin":true}}')] }, '__proto__'],
    ['a "constructor" key', { ...valid(), constructor: { prototype: { isAdmin: true } } }, 'constructor'],
    ['a cyclic object', cyclic, undefined],
    ['a BigInt', { ...valid(), terminalId: 10n }, undefined],
  ];

  it.each(setupPayloads)('save setup: %s', async (_what, payload, field) => {
    const { handlers, invoke } = harness();
    const r: any = await invoke(SHELL_IPC.saveSetup, from(SETUP_PAGE), payload);
    expect(r.ok).toBe(false);
    expect(BilingualSchema.safeParse(r.message).success).toBe(true);
    expect(r.message.zh).toContain('未保存');
    if (field !== undefined) {
      expect(r.field).toBe(field);
      expect(r.message.zh).toContain(field);
      expect(r.message.en).toContain(field);
    }
    // Never zod's own error object, never the password echoed back.
    expect(Object.keys(r).sort()).toEqual(field !== undefined ? ['field', 'message', 'ok'] : ['message', 'ok']);
    expect(JSON.stringify(r)).not.toContain('hall-it-secret');
    expect(handlers.saveSetup).not.toHaveBeenCalled();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it.each([
    ['no payload', undefined],
    ['an empty password', { password: '', action: 'quit' }],
    ['an unknown action', { password: 'hall-it-secret', action: 'format-disk' }],
    ['a password that is not a string', { password: ['hall-it-secret'], action: 'quit' }],
    ['an extra-long password', { password: 'x'.repeat(MAX_SHELL_PAYLOAD_CHARS + 1), action: 'quit' }],
    ['a "__proto__" key', JSON.parse('{"password":"x","action":"quit","__proto__":{"ok":true}}')],
    ['an extra field', { password: 'x', action: 'quit', skipCheck: true }],
  ])('exit: %s', async (_what, payload) => {
    const { handlers, invoke } = harness();
    const r: any = await invoke(SHELL_IPC.exit, from(EXIT_DIALOG), payload);
    expect(r.ok).toBe(false);
    expect(BilingualSchema.safeParse(r.message).success).toBe(true);
    expect(handlers.exit).not.toHaveBeenCalled();
  });
});
