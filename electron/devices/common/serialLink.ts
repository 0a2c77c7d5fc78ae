/**
 * Serial ports through `serialport`, loaded lazily: a missing native module makes the device
 * 'missing' with a clear message, never a crash. One owner per port (the OS lock, plus ours).
 */
import { DeviceError } from './errors';
import { LinkEvents, type ByteLink } from './link';
import { loadNative } from './native';

export interface SerialTarget {
  /** A path (/dev/ttyUSB0, COM3), or the USB identity to look for (survives re-plugging). */
  path?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  baudRate: number;
}

interface SerialPortLike {
  write(data: Uint8Array, cb?: (err?: Error | null) => void): boolean;
  drain(cb: (err?: Error | null) => void): void;
  close(cb?: (err?: Error | null) => void): void;
  on(event: 'data', l: (b: Uint8Array) => void): void;
  on(event: 'close', l: (err?: Error & { disconnected?: boolean }) => void): void;
  on(event: 'error', l: (err: Error) => void): void;
  isOpen: boolean;
}

interface SerialPortModule {
  SerialPort: {
    new (opts: { path: string; baudRate: number; autoOpen: boolean; lock?: boolean }): SerialPortLike & { open(cb: (err?: Error | null) => void): void };
    list(): Promise<Array<{ path: string; vendorId?: string; productId?: string; serialNumber?: string }>>;
  };
}

/** One owner per port: path -> the link that holds it. */
const owned = new Map<string, object>();

const bareHex = (id: string | undefined) => id?.toLowerCase().replace(/^0x/, '').padStart(4, '0');

/** Windows needs \\.\COM10 and above spelled out. */
export function platformPath(path: string, platform = process.platform): string {
  return platform === 'win32' && /^COM\d{2,}$/i.test(path) ? `\\\\.\\${path}` : path;
}

export async function resolveSerialPath(t: SerialTarget): Promise<string> {
  if (t.path) return platformPath(t.path);
  const mod = loadNative<SerialPortModule>('serialport');
  const ports = await mod.SerialPort.list();
  // serialport lists ids as bare hex ("1a86"); configs may say "0x1a86".
  const hit = ports.find(
    (p) =>
      (!t.vendorId || bareHex(p.vendorId) === bareHex(t.vendorId)) &&
      (!t.productId || bareHex(p.productId) === bareHex(t.productId)) &&
      (!t.serialNumber || p.serialNumber === t.serialNumber),
  );
  if (!hit) {
    throw new DeviceError('unavailable', 'not-found', {
      zh: '未找到设备，请检查连接线',
      en: `no serial device ${t.vendorId ?? '*'}:${t.productId ?? '*'}${t.serialNumber ? ` (${t.serialNumber})` : ''} is connected`,
    });
  }
  return hit.path;
}

export async function openSerialLink(t: SerialTarget): Promise<ByteLink> {
  const path = await resolveSerialPath(t);
  if (owned.has(path)) {
    throw new DeviceError('config', 'port-in-use', { zh: `串口 ${path} 已被其他设备使用`, en: `serial port ${path} is already owned by another device` });
  }
  const mod = loadNative<SerialPortModule>('serialport');
  const port = new mod.SerialPort({ path, baudRate: t.baudRate, autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) =>
    port.open((err) =>
      err ? reject(new DeviceError('transport', 'open-failed', { zh: `无法打开串口 ${path}`, en: `cannot open ${path}: ${err.message}` })) : resolve(),
    ),
  );
  const token = {};
  owned.set(path, token);
  const ev = new LinkEvents();
  port.on('data', (b) => ev.emitData(new Uint8Array(b)));
  const gone = (err?: Error) => {
    // A late event of this old port must not free the path a newer link now owns.
    if (owned.get(path) === token) owned.delete(path);
    ev.emitClose(err);
  };
  port.on('close', (err) => gone(err ?? undefined));
  port.on('error', (err) => gone(err));
  return {
    description: `serial ${path} @${t.baudRate}`,
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        if (ev.isClosed) return reject(new DeviceError('transport', 'closed', { zh: '设备已断开', en: `${path} is closed` }));
        // The port may die while draining: settle on its close too, never hang.
        const off = ev.onClose(() => reject(new DeviceError('transport', 'closed', { zh: '设备已断开', en: `${path} closed while writing` })));
        port.write(bytes, (err) => {
          if (err) {
            off();
            return reject(new DeviceError('transport', 'write-failed', { zh: '写入设备失败', en: err.message }));
          }
          port.drain(() => {
            off();
            resolve();
          });
        });
      }),
    onData: (l) => ev.onData(l),
    onClose: (l) => ev.onClose(l),
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) {
          gone();
          return resolve();
        }
        port.close(() => {
          gone();
          resolve();
        });
      }),
  };
}
