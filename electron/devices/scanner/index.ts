/**
 * Scanners from devices.json: one driver per entry (serial or HID POS), each under a
 * DeviceSupervisor; scans go to the screens as DeviceEvent 'scan'. Keyboard-wedge scanners
 * need no driver here: the renderer tells them from typing (renderer/devices/wedge.ts).
 */
import type { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';
import type { DeviceEvent, DeviceHealth } from '../../../shared/devices/contract';
import type { DeviceError } from '../common/errors';
import type { ByteLink } from '../common/link';
import { DeviceSupervisor } from '../common/supervisor';
import type { ScannerSchema } from '../config';
import { HidPosScanner } from './hidPos';
import { SerialScanner } from './serial';
import { parseUsbId, serialTarget } from './support';

export { HidPosScanner, HID_POS_USAGE_PAGE, type HidPosScannerOptions } from './hidPos';
export { SerialScanner, type SerialScannerOptions } from './serial';
export { ScanLineFramer } from './serialFramer';
export { HidPosAssembler, hidPosReports } from './hidPosFramer';
export { openHidLink, type HidModule, type HidDeviceInfo, type HidFilter } from './hidLink';
export type ScannerDriver = SerialScanner | HidPosScanner;
export type ScannerConfig = z.output<typeof ScannerSchema>;

export function createScanner(cfg: ScannerConfig): ScannerDriver {
  if (cfg.type === 'serial') {
    return new SerialScanner({ id: cfg.id, port: serialTarget(cfg.port), suffix: cfg.suffix, interByteMs: cfg.interByteMs });
  }
  const vendorId = parseUsbId(cfg.vendorId);
  const productId = parseUsbId(cfg.productId);
  return new HidPosScanner({ id: cfg.id, ...(vendorId !== undefined ? { vendorId } : {}), ...(productId !== undefined ? { productId } : {}) });
}

export interface ScannerWiring {
  /** To every screen: DeviceEvent 'scan'. */
  toScreens: (e: DeviceEvent) => void;
  onHealth: (h: DeviceHealth) => void;
  /** Incomplete, over-long or unreadable codes (for the log); scanning goes on. */
  onError?: (err: DeviceError) => void;
  baseMs?: number;
  capMs?: number;
  fallback?: Bilingual;
  /** Override how the link is opened (tests). */
  open?: () => Promise<ByteLink>;
}

/** A configured scanner under a supervisor; call `supervisor.start()`. */
export function superviseScanner(cfg: ScannerConfig, w: ScannerWiring): { supervisor: DeviceSupervisor; driver: ScannerDriver } {
  const driver = createScanner(cfg);
  driver.onScan((scan) => w.toScreens({ type: 'scan', scan }));
  if (w.onError) driver.onError(w.onError);
  const supervisor = new DeviceSupervisor({
    id: cfg.id,
    kind: 'scanner',
    open: w.open ?? (() => driver.open()),
    driver,
    onHealth: w.onHealth,
    fallback: w.fallback ?? { zh: '可手工输入号码', en: 'codes can still be typed in' },
    ...(w.baseMs !== undefined ? { baseMs: w.baseMs } : {}),
    ...(w.capMs !== undefined ? { capMs: w.capMs } : {}),
  });
  return { supervisor, driver };
}
