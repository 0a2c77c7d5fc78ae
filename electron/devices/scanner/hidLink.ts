/**
 * A HID device as a ByteLink: each `onData` chunk is one input report exactly as node-hid
 * delivers it (report id first when the device numbers its reports). node-hid is loaded with
 * loadNative, so a missing prebuild or libusb becomes DeviceError 'unavailable' (health
 * 'missing' under the supervisor), never a crash. node-hid has no hot-plug events: it emits
 * `error` when the device goes away, which closes the link; the supervisor then looks for the
 * device again (usage page, VID/PID) with backoff.
 */
import { DeviceError } from '../common/errors';
import { LinkEvents, type ByteLink } from '../common/link';
import { loadNative } from '../common/native';

/** The part of node-hid's API used here (a test fake implements just this). */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  serialNumber?: string | undefined;
  product?: string | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
  interface?: number;
}

export interface HidHandle {
  on(event: 'data', l: (data: Buffer) => void): unknown;
  on(event: 'error', l: (err: Error) => void): unknown;
  write(values: number[]): number;
  /** node-hid has it; a stand-in may not. The first byte is the report id. */
  sendFeatureReport?(data: number[]): number;
  close(): void;
}

/** A HID link can also send a feature report (report id first). */
export interface HidByteLink extends ByteLink {
  sendFeatureReport(bytes: Uint8Array): Promise<void>;
}

export interface HidModule {
  devices(): HidDeviceInfo[];
  HID: new (path: string) => HidHandle;
}

export interface HidFilter {
  usagePage?: number;
  usage?: number;
  vendorId?: number;
  productId?: number;
  serialNumber?: string;
  /** For messages: "HID POS scanner". */
  label: string;
}

const hex4 = (n: number | undefined) => (n === undefined ? '*' : n.toString(16).padStart(4, '0'));

export function matchesHid(d: HidDeviceInfo, f: HidFilter): boolean {
  return (
    (f.usagePage === undefined || d.usagePage === f.usagePage) &&
    (f.usage === undefined || d.usage === f.usage) &&
    (f.vendorId === undefined || d.vendorId === f.vendorId) &&
    (f.productId === undefined || d.productId === f.productId) &&
    (f.serialNumber === undefined || d.serialNumber === f.serialNumber)
  );
}

export async function openHidLink(f: HidFilter): Promise<HidByteLink> {
  const hid = loadNative<HidModule>('node-hid');
  const what = `${f.label} ${hex4(f.vendorId)}:${hex4(f.productId)}${f.usagePage !== undefined ? ` usage page 0x${f.usagePage.toString(16)}` : ''}`;
  let list: HidDeviceInfo[];
  try {
    list = hid.devices();
  } catch (err) {
    // node-hid loads its binding lazily, so a missing libusb can first show up here.
    const msg = (err as Error).message;
    const lib = /libusb|\.so|cannot open shared object|dlopen/i.test(msg) ? ' (install libusb-1.0)' : '';
    throw new DeviceError('unavailable', 'native-missing', { zh: `设备驱动组件 node-hid 无法使用${lib}`, en: `node-hid cannot list devices${lib}: ${msg}` });
  }
  const hit = list.find((d) => d.path && matchesHid(d, f));
  if (!hit?.path) {
    throw new DeviceError('unavailable', 'not-found', { zh: '未找到设备，请检查 USB 连接', en: `no ${what} is connected` });
  }
  let dev: HidHandle;
  try {
    dev = new hid.HID(hit.path);
  } catch (err) {
    const msg = (err as Error).message;
    const perm = /permission|access/i.test(msg) ? ' (Linux: add a udev rule for hidraw)' : '';
    throw new DeviceError('transport', 'open-failed', { zh: `无法打开设备${perm ? '（权限不足）' : ''}`, en: `cannot open ${what} at ${hit.path}${perm}: ${msg}` });
  }
  const ev = new LinkEvents();
  let open = true;
  const shut = () => {
    if (!open) return;
    open = false;
    try {
      dev.close();
    } catch {
      // already gone
    }
  };
  dev.on('data', (data) => ev.emitData(new Uint8Array(data)));
  dev.on('error', (err) => {
    shut();
    ev.emitClose(err);
  });
  return {
    description: `hid ${hex4(hit.vendorId)}:${hex4(hit.productId)} ${hit.product ?? ''}`.trim(),
    write: async (bytes) => {
      if (ev.isClosed) throw new DeviceError('transport', 'closed', { zh: '设备已断开', en: `${what} is closed` });
      try {
        dev.write(Array.from(bytes));
      } catch (err) {
        throw new DeviceError('transport', 'write-failed', { zh: '写入设备失败', en: (err as Error).message });
      }
    },
    sendFeatureReport: async (bytes) => {
      if (ev.isClosed) throw new DeviceError('transport', 'closed', { zh: '设备已断开', en: `${what} is closed` });
      if (!dev.sendFeatureReport) throw new DeviceError('transport', 'no-feature-reports', { zh: '设备不支持特性报告', en: `${what} takes no feature reports` });
      try {
        dev.sendFeatureReport(Array.from(bytes));
      } catch (err) {
        throw new DeviceError('transport', 'feature-report-failed', { zh: '写入设备失败', en: (err as Error).message });
      }
    },
    onData: (l) => ev.onData(l),
    onClose: (l) => ev.onClose(l),
    close: async () => {
      shut();
      ev.emitClose();
    },
  };
}
