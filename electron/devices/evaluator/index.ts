/**
 * The evaluator from devices.json: one adapter per protocol behind EvaluatorDriver, under a
 * DeviceSupervisor; presses go to the screens as DeviceEvent 'evaluator-key'.
 */
import type { z } from 'zod';
import type { DeviceEvent } from '../../../shared/devices/contract';
import { superviseDriver, type DriverWiring } from '../common/supervise';
import type { DeviceSupervisor } from '../common/supervisor';
import type { EvaluatorSchema } from '../config';
import { parseUsbId, serialTarget } from '../common/support';
import { Ff68Evaluator } from './ff68';
import { HidKeyboardEvaluator } from './hidKeyboard';
import { Rs485Evaluator } from './rs485';
import { SerialKeyEvaluator } from './serialKey';
import type { EvaluatorDriver } from './types';

export { Ff68Evaluator, Ff68Framer, ff68Frame, ff68Sum, type Ff68EvaluatorOptions, type Ff68Frame } from './ff68';
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
    case 'ff68':
      return new Ff68Evaluator({ id: cfg.id, port: serialTarget(cfg.port), address: cfg.address, keymap: cfg.keymap });
    case 'hid-keyboard': {
      const vendorId = parseUsbId(cfg.vendorId);
      const productId = parseUsbId(cfg.productId);
      return new HidKeyboardEvaluator({ id: cfg.id, keymap: cfg.keymap, ...(vendorId !== undefined ? { vendorId } : {}), ...(productId !== undefined ? { productId } : {}) });
    }
  }
}

export interface EvaluatorWiring extends DriverWiring {
  /** To every screen: DeviceEvent 'evaluator-key'. */
  toScreens: (e: DeviceEvent) => void;
}

/** The configured evaluator under a supervisor; call `supervisor.start()`. */
export function superviseEvaluator(cfg: EvaluatorConfig, w: EvaluatorWiring): { supervisor: DeviceSupervisor; driver: EvaluatorDriver } {
  const driver = createEvaluator(cfg);
  driver.onKey((key) => w.toScreens({ type: 'evaluator-key', key }));
  const supervisor = superviseDriver(cfg.id, 'evaluator', driver, w, { zh: '可在屏幕上评价', en: 'ratings can still be given on screen' });
  return { supervisor, driver };
}
