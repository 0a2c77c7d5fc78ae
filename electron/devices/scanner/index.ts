/**
 * Scanners from devices.json: one driver per entry (serial or HID POS), each under a
 * DeviceSupervisor; scans go to the screens as DeviceEvent 'scan'. Keyboard-wedge scanners
 * need no driver here: the renderer tells them from typing (renderer/devices/wedge.ts).
 */
import type { z } from 'zod';
import type { DeviceEvent } from '../../../shared/devices/contract';
import { superviseDriver, type DriverWiring } from '../common/supervise';
import type { DeviceSupervisor } from '../common/supervisor';
import type { ScannerSchema } from '../config';
import { HidPosScanner } from './hidPos';
import { SerialScanner } from './serial';
import { parseUsbId, serialTarget } from '../common/support';

export { HidPosScanner, HID_POS_USAGE_PAGE, type HidPosScannerOptions } from './hidPos';
export { SerialScanner, type SerialScannerOptions } from './serial';
export { ScanLineFramer } from './serialFramer';
export { StxEtxFramer } from './stxEtxFramer';
export { HidPosAssembler, hidPosReports } from './hidPosFramer';
export { openHidLink, type HidModule, type HidDeviceInfo, type HidFilter } from './hidLink';
export type ScannerDriver = SerialScanner | HidPosScanner;
export type ScannerConfig = z.output<typeof ScannerSchema>;

export function createScanner(cfg: ScannerConfig): ScannerDriver {
  if (cfg.type === 'serial') {
    return new SerialScanner({ id: cfg.id, port: serialTarget(cfg.port), suffix: cfg.suffix, interByteMs: cfg.interByteMs, ...(cfg.codeId !== undefined ? { codeId: cfg.codeId } : {}), ...(cfg.encoding ? { encoding: cfg.encoding } : {}) });
  }
  const vendorId = parseUsbId(cfg.vendorId);
  const productId = parseUsbId(cfg.productId);
  return new HidPosScanner({ id: cfg.id, ...(cfg.encoding ? { encoding: cfg.encoding } : {}), ...(vendorId !== undefined ? { vendorId } : {}), ...(productId !== undefined ? { productId } : {}) });
}

export interface ScannerWiring extends DriverWiring {
  /** To every screen: DeviceEvent 'scan'. */
  toScreens: (e: DeviceEvent) => void;
}

/** A configured scanner under a supervisor; call `supervisor.start()`. */
export function superviseScanner(cfg: ScannerConfig, w: ScannerWiring): { supervisor: DeviceSupervisor; driver: ScannerDriver } {
  const driver = createScanner(cfg);
  driver.onScan((scan) => w.toScreens({ type: 'scan', scan }));
  const supervisor = superviseDriver(cfg.id, 'scanner', driver, w, { zh: '可手工输入号码', en: 'codes can still be typed in' });
  return { supervisor, driver };
}
