/**
 * The document camera's capture button / foot pedal (高拍仪脚踏) end to end: serial pedals over
 * real pseudo-terminals (socat) — a byte per press, or a "KEY1\r\n" line — debounced, unknown
 * input reported with its hex, unplug (kill socat) → missing, replug → works; a vendor HID
 * pedal through a faked node-hid; and the 'capture-button' event through the manager, Electron
 * IPC (main + preload) and the web-mode device host.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startDeviceHost } from '../../electron/device-host/server';
import type { DeviceError } from '../../electron/devices/common/errors';
import { nativeOverrides } from '../../electron/devices/common/native';
import { TriggerSchema } from '../../electron/devices/config';
import { DeviceManager } from '../../electron/devices/manager';
import type { HidDeviceInfo } from '../../electron/devices/scanner/hidLink';
import { openPtyPair, type PtyPair } from '../../electron/devices/sim/ptyPair';
import { TriggerSim, type TriggerSimOptions } from '../../electron/devices/sim/triggerSim';
import { superviseTrigger } from '../../electron/devices/trigger';
import { registerDeviceIpc } from '../../electron/main/deviceIpc';
import { devicesBridge } from '../../electron/preload/devices';
import { WsDeviceClient } from '../../renderer/devices/wsClient';
import { DeviceEventSchema, type DeviceEvent, type DeviceHealth } from '../../shared/devices/contract';
import { until } from '../support/until';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Short enough for a quick test, long enough that bounces 15 ms apart are always inside it. */
const DEBOUNCE = 200;
/** Wait this long between two presses that must both count. */
const APART = DEBOUNCE + 150;

async function serialRig(config: Record<string, unknown>, simOptions: TriggerSimOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hallq-trigger-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const pairs: PtyPair[] = [await openPtyPair(dir)];
  cleanups.push(() => Promise.all(pairs.map((p) => p.kill())).then(() => {}));
  const sims: TriggerSim[] = [await TriggerSim.open(pairs[0]!.peer, simOptions)];
  cleanups.push(() => Promise.all(sims.map((s) => s.close())).then(() => {}));

  const presses: string[] = [];
  const health: DeviceHealth[] = [];
  const errors: DeviceError[] = [];
  const cfg = TriggerSchema.parse({ id: 'pedal-w5', type: 'serial', debounceMs: DEBOUNCE, ...config, port: { path: pairs[0]!.device, baudRate: 9600 } });
  const { supervisor } = superviseTrigger(cfg, {
    toScreens: (e) => {
      // What reaches a screen must pass the contract.
      const ev = DeviceEventSchema.parse(e);
      if (ev.type === 'capture-button') presses.push(ev.deviceId);
    },
    onHealth: (h) => health.push(h),
    onError: (e) => errors.push(e),
    baseMs: 50,
    capMs: 200,
  });
  cleanups.push(() => supervisor.stop());
  return {
    presses,
    errors,
    health,
    supervisor,
    state: () => health.at(-1)?.state,
    sim: () => sims.at(-1)!,
    unplug: async () => {
      await pairs.at(-1)!.kill();
      await sims.at(-1)!.close();
    },
    replug: async () => {
      const p = await openPtyPair(dir);
      pairs.push(p);
      sims.push(await TriggerSim.open(p.peer, simOptions));
    },
  };
}

describe('a serial capture pedal over a socat pty pair, under a DeviceSupervisor', () => {
  it('a byte per press: one press → one event; bounces → one event; unknown byte reported with hex; unplug → missing; replug → works', { timeout: 20_000 }, async () => {
    const r = await serialRig({ bytes: ['0x01'] }, { byte: 0x01 });
    r.supervisor.start();
    await until('ok', () => r.state() === 'ok');
    expect(r.supervisor.health).toMatchObject({ id: 'pedal-w5', kind: 'trigger', state: 'ok' });

    await r.sim().press();
    await until('the press', () => r.presses.length === 1);
    expect(r.presses).toEqual(['pedal-w5']);

    await pause(APART);
    await r.sim().bounce(5, 15); // a worn pedal: five contacts within ~60 ms
    await until('the bouncing press', () => r.presses.length === 2);
    await pause(APART);
    expect(r.presses).toHaveLength(2);

    await r.sim().garbage([0xfe]);
    await r.sim().garbage([0x0d, 0x0a]); // CR/LF after a key: ignored
    await until('the unknown byte report', () => r.errors.length === 1);
    await pause(100);
    expect(r.presses).toHaveLength(2);
    expect(r.errors.map((e) => [e.code, e.raw])).toEqual([['unknown-key', 'fe']]);
    expect(r.errors[0]!.text.en).toContain('0xfe');

    await r.unplug();
    await until('missing', () => r.state() === 'missing');
    expect(r.supervisor.health.message.en).toContain('capture still works with the on-screen button');
    await r.replug();
    await until('ok again', () => r.state() === 'ok');
    await r.sim().press();
    await until('the press after replug', () => r.presses.length === 3);
  });

  it('default (no "bytes"): any byte but CR/LF is a press, so a whole "KEY1\\r\\n" is one debounced press', { timeout: 20_000 }, async () => {
    const r = await serialRig({}, { line: 'KEY1' });
    r.supervisor.start();
    await until('ok', () => r.state() === 'ok');
    await r.sim().press();
    await until('the press', () => r.presses.length === 1);
    await pause(APART);
    await r.sim().press({ splitAt: [2], pauseMs: 20 });
    await until('the second press', () => r.presses.length === 2);
    await pause(APART);
    expect(r.presses).toHaveLength(2);
    expect(r.errors).toEqual([]);
  });

  it('line mode "KEY1": CRLF lines, lines cut in pieces, a line with no ending; other lines reported with hex; bounces; unplug/replug', { timeout: 20_000 }, async () => {
    const r = await serialRig({ line: 'KEY1' }, { line: 'KEY1' });
    r.supervisor.start();
    await until('ok', () => r.state() === 'ok');

    await r.sim().press();
    await until('the line press', () => r.presses.length === 1);

    await pause(APART);
    await r.sim().press({ splitAt: [1, 3, 5], pauseMs: 10 }); // "K" "EY" "1\r" "\n"
    await until('the press written in pieces', () => r.presses.length === 2);

    await pause(APART);
    await r.sim().garbage('KEY2\r\n');
    await until('the unknown line report', () => r.errors.length === 1);
    expect(r.errors[0]).toMatchObject({ code: 'unknown-line', raw: '4b 45 59 32' });
    expect(r.errors[0]!.text.en).toContain('"KEY2"');
    expect(r.presses).toHaveLength(2);

    await r.sim().garbage('KEY1'); // a model that sends no line ending: the pause ends the line
    await until('the press without a line ending', () => r.presses.length === 3);

    await pause(APART);
    await r.sim().bounce(4, 15);
    await until('the bouncing press', () => r.presses.length === 4);
    await pause(APART);
    expect(r.presses).toHaveLength(4);
    expect(r.errors).toHaveLength(1);

    await r.unplug();
    await until('missing', () => r.state() === 'missing');
    await r.replug();
    await until('ok again', () => r.state() === 'ok');
    await r.sim().press();
    await until('the press after replug', () => r.presses.length === 5);
    expect(new Set(r.presses)).toEqual(new Set(['pedal-w5']));
  });
});

/** A stand-in for node-hid: a device list the test edits, and devices it can make talk or vanish. */
function fakeNodeHid(initial: HidDeviceInfo[]) {
  const state = { list: initial, opened: [] as Array<EventEmitter & { path: string; closed: boolean }> };
  class Device extends EventEmitter {
    closed = false;
    constructor(readonly path: string) {
      super();
      if (!state.list.some((d) => d.path === path)) throw new Error(`could not open ${path}`);
      state.opened.push(this);
    }
    write(values: number[]): number {
      return values.length;
    }
    close(): void {
      this.closed = true;
    }
  }
  nativeOverrides.set('node-hid', { devices: () => state.list, HID: Device });
  return {
    state,
    last: () => state.opened.at(-1)!,
    send: (...reports: number[][]) => {
      for (const r of reports) state.opened.at(-1)!.emit('data', Buffer.from(r));
    },
  };
}

describe('a vendor HID capture pedal (node-hid faked)', () => {
  afterEach(() => nativeOverrides.delete('node-hid'));

  const PEDAL: HidDeviceInfo = { vendorId: 0x1a2b, productId: 0x0001, path: '/dev/hidraw6', usagePage: 0xff00, usage: 1, product: 'Pedal' };
  const OTHER: HidDeviceInfo = { vendorId: 0x046d, productId: 0xc31c, path: '/dev/hidraw0', usagePage: 1, usage: 6 };

  function hidRig(config: Record<string, unknown>) {
    const presses: string[] = [];
    const errors: DeviceError[] = [];
    const health: DeviceHealth[] = [];
    const cfg = TriggerSchema.parse({ id: 'pedal', type: 'hid', vendorId: '0x1a2b', productId: '0001', debounceMs: DEBOUNCE, ...config });
    const { supervisor } = superviseTrigger(cfg, {
      toScreens: (e) => {
        const ev = DeviceEventSchema.parse(e);
        if (ev.type === 'capture-button') presses.push(ev.deviceId);
      },
      onHealth: (h) => health.push(h),
      onError: (e) => errors.push(e),
      baseMs: 20,
      capMs: 40,
    });
    cleanups.push(() => supervisor.stop());
    return { presses, errors, health, supervisor, state: () => supervisor.health.state };
  }

  it('press/release reports with a report id: one event per press, bounces and held state are one, other bits reported; unplug → missing; replug → works', async () => {
    const hid = fakeNodeHid([OTHER, PEDAL]);
    // Report id 0x01 first; bit 0 of byte 1 is the pedal.
    const r = hidRig({ mask: ['00', '01'], usagePage: '0xff00' });
    r.supervisor.start();
    await until('ok', () => r.state() === 'ok');
    expect(hid.state.opened.map((d) => d.path)).toEqual(['/dev/hidraw6']);
    expect(r.supervisor.health.message.en).toContain('hid 1a2b:0001 Pedal');

    hid.send([0x01, 0x01], [0x01, 0x01], [0x01, 0x00]); // down, held (repeated), up
    expect(r.presses).toEqual(['pedal']);
    hid.send([0x01, 0x01], [0x01, 0x00], [0x01, 0x01], [0x01, 0x00]); // a bounce inside the window
    expect(r.presses).toEqual(['pedal']);
    await pause(APART);
    hid.send([0x01, 0x01], [0x01, 0x00]);
    expect(r.presses).toEqual(['pedal', 'pedal']);

    hid.send([0x01, 0x02], [0x01, 0x00]); // another button of the device, not mapped
    hid.send([0x01]); // too short for the mask
    expect(r.presses).toHaveLength(2);
    expect(r.errors.map((e) => [e.code, e.raw])).toEqual([
      ['unknown-key', '01 02'],
      ['bad-report', '01'],
    ]);

    hid.state.list = [OTHER];
    hid.last().emit('error', new Error('could not read from HID device'));
    await until('missing', () => r.state() === 'missing');
    expect(hid.last().closed).toBe(true);
    hid.state.list = [OTHER, { ...PEDAL, path: '/dev/hidraw9' }];
    await until('ok again', () => r.state() === 'ok');
    expect(hid.last().path).toBe('/dev/hidraw9');
    hid.send([0x01, 0x01]);
    expect(r.presses).toHaveLength(3);
  });

  it("reports 'press': one report per press with no release report", async () => {
    const hid = fakeNodeHid([PEDAL]);
    const r = hidRig({ reports: 'press' });
    r.supervisor.start();
    await until('ok', () => r.state() === 'ok');
    hid.send([0x05]);
    await pause(APART);
    hid.send([0x05], [0x05]); // the second is a bounce
    await pause(APART);
    hid.send([0x05]);
    hid.send([0x00]); // nothing set: silent
    expect(r.presses).toHaveLength(3);
    expect(r.errors).toEqual([]);
  });

  it('node-hid that will not load (no libusb) is "missing" with the reason, never a crash', async () => {
    nativeOverrides.set('node-hid', new Error('libusb-1.0.so.0: cannot open shared object file'));
    const r = hidRig({});
    r.supervisor.start();
    await until('missing', () => r.state() === 'missing');
    expect(r.supervisor.health).toMatchObject({ kind: 'trigger', code: 'native-missing' });
    expect(r.supervisor.health.message.en).toMatch(/libusb/);
    expect(r.supervisor.health.message.en).toContain('capture still works with the on-screen button');
  });

  it('the pedal not plugged in is "missing", and found when it is plugged in', async () => {
    const hid = fakeNodeHid([OTHER]);
    const r = hidRig({});
    r.supervisor.start();
    await until('missing', () => r.state() === 'missing');
    expect(r.supervisor.health.code).toBe('not-found');
    hid.state.list = [OTHER, PEDAL];
    await until('ok', () => r.state() === 'ok');
    hid.send([0x01]);
    expect(r.presses).toEqual(['pedal']);
  });
});

describe("'capture-button' through the manager and both transports", () => {
  it('a pedal press reaches a page over Electron IPC (main + preload) and over the web-mode device host', { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-trigger-m-'));
    const pair = await openPtyPair(dir);
    const sim = await TriggerSim.open(pair.peer, { line: 'KEY1' });
    const manager = new DeviceManager({
      config: { scanners: [], trigger: TriggerSchema.parse({ id: 'pedal', type: 'serial', port: { path: pair.device }, line: 'KEY1', debounceMs: DEBOUNCE }) },
      hallKey: 'hall-secret-key-for-id-hashes-0001',
      baseMs: 50,
      capMs: 200,
    });
    const direct: DeviceEvent[] = [];
    manager.subscribe((e) => direct.push(e));
    manager.start();
    cleanups.push(async () => {
      await manager.stop();
      await sim.close();
      await pair.kill();
      rmSync(dir, { recursive: true, force: true });
    });
    await until('the trigger healthy', async () => (await manager.health()).some((h) => h.kind === 'trigger' && h.state === 'ok'));
    expect((await manager.health()).map((h) => [h.id, h.kind])).toEqual([['pedal', 'trigger']]);

    // Electron IPC with fakes for the Electron objects (as devices-transports does).
    const handlers = new Map<string, (event: unknown, payload?: unknown) => unknown>();
    const listeners = new Set<(e: unknown, p: unknown) => void>();
    const event = {
      sender: { id: 1, isDestroyed: () => false, send: (_ch: string, p: unknown) => listeners.forEach((l) => l({}, p)), once: () => {} },
      senderFrame: { url: 'app://hallq/counter/index.html' },
    };
    const ipcRenderer = {
      invoke: async (ch: string, payload?: unknown) => handlers.get(ch)!(event, payload),
      on: (_ch: string, l: (e: unknown, p: unknown) => void) => listeners.add(l),
      removeListener: (_ch: string, l: (e: unknown, p: unknown) => void) => listeners.delete(l),
    };
    const off = registerDeviceIpc({ handle: (ch: string, fn: never) => handlers.set(ch, fn), removeHandler: (ch: string) => handlers.delete(ch) } as never, manager, () => true);
    cleanups.push(off);
    const viaIpc: DeviceEvent[] = [];
    devicesBridge(ipcRenderer as never).subscribe((e) => viaIpc.push(e));

    // The device host and its browser client.
    const host = await startDeviceHost({ api: manager, allowedOrigins: ['http://127.0.0.1:8080'], token: 'tok' });
    cleanups.push(() => host.close());
    const WithOrigin = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'http://127.0.0.1:8080' });
      }
    };
    const client = new WsDeviceClient({ url: host.url, token: "tok", WebSocket: WithOrigin as never });
    cleanups.push(() => client.close());
    const viaHost: DeviceEvent[] = [];
    client.subscribe((e) => viaHost.push(e));
    expect((await client.health()).map((h) => h.kind)).toEqual(['trigger']);

    await sim.press();
    const want = { type: 'capture-button', deviceId: 'pedal' };
    const presses = (l: DeviceEvent[]) => l.filter((e) => e.type === 'capture-button');
    await until('the press, directly', () => presses(direct).length === 1);
    await until('the press, over IPC', () => presses(viaIpc).length === 1);
    await until('the press, over the device host', () => presses(viaHost).length === 1);
    expect([presses(direct)[0], presses(viaIpc)[0], presses(viaHost)[0]]).toEqual([want, want, want]);
  });
});
