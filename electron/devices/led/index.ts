/** The window LED strip from devices.json, under a DeviceSupervisor. */
import type { z } from 'zod';
import { superviseDriver, type DriverWiring } from '../common/supervise';
import type { DeviceSupervisor } from '../common/supervisor';
import type { LedSchema } from '../config';
import { serialTarget } from '../common/support';
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
export { ff68Digits, ff68DisplayFrame, ff68Shown } from './ff68Display';
export type LedConfig = z.output<typeof LedSchema>;

export function createLedStrip(cfg: LedConfig): LedStrip {
  return new LedStrip({ id: cfg.id, port: serialTarget(cfg.port), frame: cfg.frame, address: cfg.address });
}

/** A re-send after reconnecting failed goes to `onError` (show() rejects with its own errors). */
export type LedWiring = DriverWiring;

/** The configured strip under a supervisor; call `supervisor.start()`, then `driver.show(text)`. */
export function superviseLed(cfg: LedConfig, w: LedWiring): { supervisor: DeviceSupervisor; driver: LedStrip } {
  const driver = createLedStrip(cfg);
  // R2 silent calling: the board shows every call; nothing is announced by default.
  const supervisor = superviseDriver(cfg.id, 'led', driver, w, { zh: '叫号仍显示在大厅显示屏上', en: 'calls still show on the hall display board' });
  return { supervisor, driver };
}
