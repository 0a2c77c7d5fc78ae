import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeOverrides } from '../../electron/devices/common/native';
import { DeviceSupervisor } from '../../electron/devices/common/supervisor';
import type { HidDeviceInfo, HidModule } from '../../electron/devices/scanner/hidLink';
import { hidPosReports } from '../../electron/devices/scanner/hidPosFramer';
import { HidPosScanner } from '../../electron/devices/scanner/hidPos';
import { createScanner } from '../../electron/devices/scanner';
import { ScannerSchema } from '../../electron/devices/config';
import type { DeviceHealth, Scan } from '../../shared/devices/contract';

/** A stand-in for node-hid: a device list the test edits, and devices it can make talk or vanish. */
interface FakeDevice extends EventEmitter {
  readonly path: string;
  closed: boolean;
  /** Send reports like the scanner does. */
  send(reports: Uint8Array[]): void;
}

/** A stand-in for node-hid: a device list the test edits, and devices it can make talk or vanish. */
function fakeNodeHid() {
  const state = {
    list: [] as HidDeviceInfo[],
    opened: [] as FakeDevice[],
    failList: undefined as Error | undefined,
    last: (): FakeDevice => state.opened[state.opened.length - 1]!,
  };
  class Device extends EventEmitter implements FakeDevice {
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
      this.removeAllListeners();
    }
    send(reports: Uint8Array[]): void {
      for (const r of reports) this.emit('data', Buffer.from(r));
    }
  }
  const module: HidModule = {
    devices: () => {
      if (state.failList) throw state.failList;
      return state.list;
    },
    HID: Device,
  };
  return {
    module,
    opened: state.opened,
    last: state.last,
    get list(): HidDeviceInfo[] {
      return state.list;
    },
    set list(l: HidDeviceInfo[]) {
      state.list = l;
    },
    get failList(): Error | undefined {
      return state.failList;
    },
    set failList(e: Error | undefined) {
      state.failList = e;
    },
  };
}

const SCANNER: HidDeviceInfo = { vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw3', usagePage: 0x8c, usage: 0x02, product: 'Xenon 1950g' };
const KEYBOARD: HidDeviceInfo = { vendorId: 0x046d, productId: 0xc31c, path: '/dev/hidraw0', usagePage: 0x01, usage: 0x06 };
const KEYBOARD_MODE_SCANNER: HidDeviceInfo = { vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw2', usagePage: 0x01, usage: 0x06 };

function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) return resolve();
      if (Date.now() > end) return reject(new Error('condition not met in time'));
      setTimeout(poll, 5);
    };
    poll();
  });
}

function rig(o: ConstructorParameters<typeof HidPosScanner>[0] = {}) {
  const scanner = new HidPosScanner(o);
  const scans: Scan[] = [];
  const healths: DeviceHealth[] = [];
  scanner.onScan((s) => scans.push(s));
  const sup = new DeviceSupervisor({
    id: 'scanner',
    kind: 'scanner',
    open: () => scanner.open(),
    driver: scanner,
    onHealth: (h) => healths.push(h),
    baseMs: 20,
    capMs: 60,
    random: () => 1,
  });
  return { scanner, sup, scans, healths, state: () => sup.health.state };
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('HID POS scanner (fake node-hid)', () => {
  afterEach(() => nativeOverrides.delete('node-hid'));

  it('opens only the usage page 0x8C interface, and reassembles multi-packet codes', async () => {
    const hid = fakeNodeHid();
    hid.list = [KEYBOARD, KEYBOARD_MODE_SCANNER, SCANNER];
    nativeOverrides.set('node-hid', hid.module);
    const r = rig({ vendorId: 0x0c2e, productId: 0x0b61 });
    r.sup.start();
    await until(() => r.state() === 'ok');
    expect(hid.opened.map((d) => d.path)).toEqual(['/dev/hidraw3']);
    expect(r.sup.health.message.en).toContain('hid 0c2e:0b61 Xenon 1950g');

    const qr = 'https://zwfw.example.gov.cn/appointment/verify?code=' + 'AB12'.repeat(30);
    hid.last().send(hidPosReports(enc(qr), ']Q1'));
    hid.last().send(hidPosReports(enc('请到5号窗口'), ']Q1'));
    expect(r.scans).toEqual([
      { text: qr, symbology: ']Q1', source: 'hid-pos' },
      { text: '请到5号窗口', symbology: ']Q1', source: 'hid-pos' },
    ]);
    await r.sup.stop();
    expect(hid.last().closed).toBe(true);
  });

  it('vid/pid that match nothing: missing, never opening another device', async () => {
    const hid = fakeNodeHid();
    hid.list = [KEYBOARD, SCANNER];
    nativeOverrides.set('node-hid', hid.module);
    const r = rig({ vendorId: 0x05e0 });
    r.sup.start();
    await until(() => r.state() === 'missing');
    expect(r.sup.health.code).toBe('not-found');
    expect(hid.opened).toEqual([]);
    await r.sup.stop();
  });

  it("unplug (node-hid 'error') → missing; replug → found again by VID/PID and scanning works", async () => {
    const hid = fakeNodeHid();
    hid.list = [SCANNER];
    nativeOverrides.set('node-hid', hid.module);
    const r = rig({ vendorId: 0x0c2e, productId: 0x0b61 });
    r.sup.start();
    await until(() => r.state() === 'ok');
    const first = hid.last();

    // Half a code, then the cable is pulled.
    const reports = hidPosReports(enc('X'.repeat(100)), ']Q1');
    first.send([reports[0]!]);
    hid.list = [];
    first.emit('error', new Error('could not read from HID device'));
    await until(() => r.state() === 'missing');
    expect(r.sup.health.code).toBe('disconnected');
    expect(first.closed).toBe(true);
    // Still gone at the next attempt.
    await until(() => r.healths.some((h) => h.code === 'not-found'));
    expect(r.state()).toBe('missing');

    // Plugged into another USB port: new hidraw path, same VID/PID.
    hid.list = [{ ...SCANNER, path: '/dev/hidraw5' }];
    await until(() => r.state() === 'ok');
    expect(hid.last().path).toBe('/dev/hidraw5');
    hid.last().send(hidPosReports(enc('A001'), ']C0'));
    // The half code from before the unplug is not glued to it.
    expect(r.scans).toEqual([{ text: 'A001', symbology: ']C0', source: 'hid-pos' }]);
    await r.sup.stop();
  });

  it('node-hid cannot load (no libusb): missing with the reason, no crash, keeps trying', async () => {
    nativeOverrides.set('node-hid', new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory'));
    const r = rig();
    r.sup.start();
    await until(() => r.state() === 'missing');
    expect(r.sup.health.code).toBe('native-missing');
    expect(r.sup.health.message.en).toContain('install libusb-1.0');
    expect(r.sup.health.message.zh).toContain('node-hid');

    // Installed later: the next attempt finds it.
    const hid = fakeNodeHid();
    hid.list = [SCANNER];
    nativeOverrides.set('node-hid', hid.module);
    await until(() => r.state() === 'ok');
    await r.sup.stop();
  });

  it('the binding failing only when listing devices is also missing-with-reason', async () => {
    const hid = fakeNodeHid();
    hid.failList = new Error('libusb-1.0.so.0: cannot open shared object file');
    nativeOverrides.set('node-hid', hid.module);
    const r = rig();
    r.sup.start();
    await until(() => r.state() === 'missing');
    expect(r.sup.health.code).toBe('native-missing');
    expect(r.sup.health.message.en).toContain('libusb');
    await r.sup.stop();
  });

  it('a device that cannot be opened (permissions) is missing with a udev hint', async () => {
    const hid = fakeNodeHid();
    hid.list = [{ ...SCANNER, path: '/dev/hidraw9' }];
    nativeOverrides.set('node-hid', {
      devices: hid.module.devices,
      HID: class {
        constructor() {
          throw new Error('cannot open device with path /dev/hidraw9: Permission denied');
        }
      },
    });
    const r = rig();
    r.sup.start();
    await until(() => r.state() === 'missing');
    expect(r.sup.health.code).toBe('open-failed');
    expect(r.sup.health.message.en).toContain('udev');
    await r.sup.stop();
  });

  it('is built from devices.json with hex ids', async () => {
    const hid = fakeNodeHid();
    hid.list = [{ ...SCANNER, vendorId: 0x1eab }, SCANNER];
    nativeOverrides.set('node-hid', hid.module);
    const d = createScanner(ScannerSchema.parse({ type: 'hid-pos', vendorId: '0x0C2E', productId: '0b61' }));
    expect(d).toBeInstanceOf(HidPosScanner);
    const link = await d.open();
    expect(link.description).toContain('0c2e:0b61');
    await link.close();
  });
});
