/** The window LED strip from devices.json, under a DeviceSupervisor. */
import type { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';
import type { DeviceHealth } from '../../../shared/devices/contract';
import type { DeviceError } from '../common/errors';
import type { ByteLink } from '../common/link';
import { DeviceSupervisor } from '../common/supervisor';
import type { LedSchema } from '../config';
import { serialTarget } from '../scanner/support';
import { LedStrip } from './strip';

export {
  BUILTIN_FRAMES,
  LedFrameParser,
  buildLedFrame,
  checksumOf,
  encodeLedText,
  resolveLedFrame,
  type BuiltinFrame,
  type LedEncoding,
  type LedFrameInput,
  type LedFrameParsed,
  type LedFrameSpec,
} from './frame';
export { LedStrip, type LedStripOptions } from './strip';
export type LedConfig = z.output<typeof LedSchema>;

export function createLedStrip(cfg: LedConfig): LedStrip {
  return new LedStrip({ id: cfg.id, port: serialTarget(cfg.port), frame: cfg.frame, address: cfg.address });
}

export interface LedWiring {
  onHealth: (h: DeviceHealth) => void;
  /** A re-send after reconnecting failed (show() rejects with its own errors). */
  onError?: (err: DeviceError) => void;
  baseMs?: number;
  capMs?: number;
  fallback?: Bilingual;
  open?: () => Promise<ByteLink>;
}

/** The configured strip under a supervisor; call `supervisor.start()`, then `driver.show(text)`. */
export function superviseLed(cfg: LedConfig, w: LedWiring): { supervisor: DeviceSupervisor; driver: LedStrip } {
  const driver = createLedStrip(cfg);
  if (w.onError) driver.onError(w.onError);
  const supervisor = new DeviceSupervisor({
    id: cfg.id,
    kind: 'led',
    open: w.open ?? (() => driver.open()),
    driver,
    onHealth: w.onHealth,
    fallback: w.fallback ?? { zh: '叫号仍显示在大屏并语音播报', en: 'calls still show on the hall display and are announced' },
    ...(w.baseMs !== undefined ? { baseMs: w.baseMs } : {}),
    ...(w.capMs !== undefined ? { capMs: w.capMs } : {}),
  });
  return { supervisor, driver };
}
