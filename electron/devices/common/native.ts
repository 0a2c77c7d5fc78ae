/**
 * Native modules (serialport, node-hid) load only in the main process, only when a device
 * needs them, and a failure (missing prebuild, missing libusb) becomes a DeviceError the
 * health view can show, instead of a crash at start.
 */
import { createRequire } from 'node:module';
import { DeviceError } from './errors';

const require_ = createRequire(import.meta.url);
const cache = new Map<string, unknown>();

/** For tests: pretend a native module is missing, or provide a fake. */
export const nativeOverrides = new Map<string, unknown | Error>();

export function loadNative<T>(name: 'serialport' | 'node-hid'): T {
  const override = nativeOverrides.get(name);
  if (override instanceof Error) throw unavailable(name, override);
  if (override !== undefined) return override as T;
  if (cache.has(name)) return cache.get(name) as T;
  try {
    const mod = require_(name) as T;
    cache.set(name, mod);
    return mod;
  } catch (err) {
    throw unavailable(name, err as Error);
  }
}

function unavailable(name: string, err: Error): DeviceError {
  const lib = /libusb/i.test(err.message) ? ' (install libusb-1.0)' : '';
  return new DeviceError('unavailable', 'native-missing', { zh: `设备驱动组件 ${name} 无法加载${lib}`, en: `the native module ${name} cannot be loaded${lib}: ${err.message}` });
}
