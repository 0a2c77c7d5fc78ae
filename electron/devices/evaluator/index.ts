/**
 * The evaluator from devices.json: one adapter per protocol behind EvaluatorDriver, under a
 * DeviceSupervisor; presses go to the screens as DeviceEvent 'evaluator-key'.
 */
import type { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';
import type { DeviceEvent, DeviceHealth } from '../../../shared/devices/contract';
import type { DeviceError } from '../common/errors';
import type { ByteLink } from '../common/link';
import { DeviceSupervisor } from '../common/supervisor';
import type { EvaluatorSchema } from '../config';
import { parseUsbId, serialTarget } from '../scanner/support';
import { HidKeyboardEvaluator } from './hidKeyboard';
import { Rs485Evaluator } from './rs485';
import { SerialKeyEvaluator } from './serialKey';
import type { EvaluatorDriver } from './types';

export { HidKeyboardEvaluator, hidKeyName, type HidKeyboardEvaluatorOptions } from './hidKeyboard';
export { KeypadFramer, Rs485Evaluator, type KeypadFrame, type Rs485EvaluatorOptions } from './rs485';
export { SerialKeyEvaluator, type SerialKeyEvaluatorOptions } from './serialKey';
export type { EvaluatorDriver, Level } from './types';
export type EvaluatorConfig = z.output<typeof EvaluatorSchema>;

export function createEvaluator(cfg: EvaluatorConfig): EvaluatorDriver {
  switch (cfg.type) {
    case 'serial-key':
      return new SerialKeyEvaluator({ id: cfg.id, port: serialTarget(cfg.port), keymap: cfg.keymap });
    case 'rs485':
      return new Rs485Evaluator({ id: cfg.id, port: serialTarget(cfg.port), address: cfg.address, keymap: cfg.keymap });
    case 'hid-keyboard': {
      const vendorId = parseUsbId(cfg.vendorId);
      const productId = parseUsbId(cfg.productId);
      return new HidKeyboardEvaluator({ id: cfg.id, keymap: cfg.keymap, ...(vendorId !== undefined ? { vendorId } : {}), ...(productId !== undefined ? { productId } : {}) });
    }
  }
}

export interface EvaluatorWiring {
  /** To every screen: DeviceEvent 'evaluator-key'. */
  toScreens: (e: DeviceEvent) => void;
  onHealth: (h: DeviceHealth) => void;
  /** Unknown keys and line noise (for the log); the evaluator keeps working. */
  onError?: (err: DeviceError) => void;
  baseMs?: number;
  capMs?: number;
  fallback?: Bilingual;
  open?: () => Promise<ByteLink>;
}

/** The configured evaluator under a supervisor; call `supervisor.start()`. */
export function superviseEvaluator(cfg: EvaluatorConfig, w: EvaluatorWiring): { supervisor: DeviceSupervisor; driver: EvaluatorDriver } {
  const driver = createEvaluator(cfg);
  driver.onKey((key) => w.toScreens({ type: 'evaluator-key', key }));
  if (w.onError) driver.onError(w.onError);
  const supervisor = new DeviceSupervisor({
    id: cfg.id,
    kind: 'evaluator',
    open: w.open ?? (() => driver.open()),
    driver,
    onHealth: w.onHealth,
    fallback: w.fallback ?? { zh: '可在屏幕上评价', en: 'ratings can still be given on screen' },
    ...(w.baseMs !== undefined ? { baseMs: w.baseMs } : {}),
    ...(w.capMs !== undefined ? { capMs: w.capMs } : {}),
  });
  return { supervisor, driver };
}
