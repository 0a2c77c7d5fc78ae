import { describe, expect, it } from 'vitest';
import { logDeviceHealth } from '../../renderer/devices/healthLog';
import { spoolerPrintHtml } from '../../electron/main/spooler';
import { FakeDevices } from '../support/fakeDevices';

describe('device health reaches the admin view through the event log (R17)', () => {
  it('a printer out of paper is logged as a fault once, and its recovery once', async () => {
    const devices = new FakeDevices();
    const written: Array<[string, any]> = [];
    logDeviceHealth({ devices, author: async (type, payload) => written.push([type, payload]), holdMs: 0 });
    const health = (state: 'ok' | 'fault' | 'missing', code?: string) =>
      devices.emit({ type: 'health', health: { id: 'printer', kind: 'printer', state, since: 0, message: { zh: '缺纸', en: 'paper out' }, ...(code ? { code, raw: '60' } : {}) } });
    health('ok');
    health('fault', 'paper-out');
    health('fault', 'paper-out');
    health('ok');
    health('ok');
    expect(written.map(([t]) => t)).toEqual(['device.fault', 'device.recovered']);
    expect(written[0]![1]).toMatchObject({ device: 'printer', code: 'paper-out', raw: '60' });
    expect(written[0]![1].message).toMatch(/缺纸/);
  });
});

describe('the OS spooler prints the HTML ticket silently (fakes for Electron objects)', () => {
  it('loads the ticket in a hidden, script-less window, prints to the named printer, and closes it', async () => {
    const calls: any = {};
    const print = spoolerPrintHtml((o) => {
      calls.options = o;
      return {
        loadURL: async (url: string) => void (calls.url = url),
        destroy: () => void (calls.destroyed = true),
        webContents: { print: (opts: any, cb: (ok: boolean, why: string) => void) => ((calls.print = opts), cb(true, '')) },
      } as never;
    });
    expect(await print('<p>A001</p>', 'POS-80')).toEqual({ success: true });
    expect(calls.options).toMatchObject({ show: false, webPreferences: { javascript: false, sandbox: true } });
    expect(decodeURIComponent(calls.url)).toContain('<p>A001</p>');
    expect(calls.print).toMatchObject({ silent: true, deviceName: 'POS-80' });
    expect(calls.destroyed).toBe(true);
  });

  it('a spooler failure is reported with its reason, and the window is still closed', async () => {
    let destroyed = false;
    const print = spoolerPrintHtml(
      () =>
        ({
          loadURL: async () => {},
          destroy: () => void (destroyed = true),
          webContents: { print: (_o: unknown, cb: (ok: boolean, why: string) => void) => cb(false, 'Printer is offline') },
        }) as never,
    );
    expect(await print('<p>x</p>', 'POS-80')).toEqual({ success: false, failureReason: 'Printer is offline' });
    expect(destroyed).toBe(true);
  });
});
