/**
 * Put a driver that opens its own link under a DeviceSupervisor: the wiring every device
 * family shares (health, the log's error sink, backoff, the "what still works" message).
 */
import type { Bilingual } from '../../../shared/config/text';
import type { DeviceHealth, DeviceKind } from '../../../shared/devices/contract';
import type { DeviceError } from './errors';
import type { ByteLink } from './link';
import { DeviceSupervisor, type SupervisedDriver } from './supervisor';

export interface DriverWiring {
  onHealth: (h: DeviceHealth) => void;
  /** Problems that do not stop the device (for the log). */
  onError?: (err: DeviceError) => void;
  baseMs?: number;
  capMs?: number;
  /** What still works without this device; each family has a default. */
  fallback?: Bilingual;
  /** Override how the link is opened (tests). */
  open?: () => Promise<ByteLink>;
}

export interface SelfOpeningDriver extends SupervisedDriver {
  open(): Promise<ByteLink>;
  onError(l: (err: DeviceError) => void): unknown;
}

export function superviseDriver(id: string, kind: DeviceKind, driver: SelfOpeningDriver, w: DriverWiring, fallback: Bilingual): DeviceSupervisor {
  if (w.onError) driver.onError(w.onError);
  return new DeviceSupervisor({
    id,
    kind,
    open: w.open ?? (() => driver.open()),
    driver,
    onHealth: w.onHealth,
    fallback: w.fallback ?? fallback,
    ...(w.baseMs !== undefined ? { baseMs: w.baseMs } : {}),
    ...(w.capMs !== undefined ? { capMs: w.capMs } : {}),
  });
}
