/**
 * The document camera's capture button or foot pedal (高拍仪拍照键 / 脚踏) as a device: when it
 * reports over serial (a byte per press, or a short ASCII line such as "KEY1\r\n") or as a vendor
 * HID device (an input report per press), its presses reach the counter screen as DeviceEvent
 * `{ type: 'capture-button', deviceId }`, debounced (a pedal bounces), under a DeviceSupervisor
 * (health row of kind 'trigger', reconnect with backoff; a missing node-hid/libusb is 'missing').
 * One that types like a keyboard needs no driver: the counter screen handles its key itself.
 *
 * devices.json:
 *   "trigger": { "type": "serial", "port": { "path": "/dev/ttyUSB1", "baudRate": 9600 },
 *                "bytes": ["01"] | "line": "KEY1", "debounceMs": 300 }
 *   "trigger": { "type": "hid", "vendorId": "0x1a2b", "productId": "0x0001",
 *                "mask": ["00", "01"], "reports": "state", "debounceMs": 300 }
 * See config.ts (TriggerSchema) for every field.
 */
import type { z } from 'zod';
import type { DeviceEvent } from '../../../shared/devices/contract';
import { superviseDriver, type DriverWiring } from '../common/supervise';
import type { DeviceSupervisor } from '../common/supervisor';
import { parseUsbId, serialTarget } from '../common/support';
import type { TriggerSchema } from '../config';
import { HidTrigger } from './hid';
import { SerialTrigger } from './serial';
import type { TriggerDriver } from './types';

export { HidTrigger, type HidTriggerOptions } from './hid';
export { SerialTrigger, type SerialTriggerOptions } from './serial';
export { Debouncer, type TriggerDriver, type TriggerPress } from './types';
export type TriggerConfig = z.output<typeof TriggerSchema>;

const hexByte = (h: string) => parseInt(h.replace(/^0x/i, ''), 16);

export function createTrigger(cfg: TriggerConfig, o: { now?: () => number } = {}): TriggerDriver {
  const now = o.now ? { now: o.now } : {};
  if (cfg.type === 'serial') {
    return new SerialTrigger({
      id: cfg.id,
      port: serialTarget(cfg.port),
      debounceMs: cfg.debounceMs,
      ...(cfg.bytes ? { bytes: cfg.bytes.map(hexByte) } : {}),
      ...(cfg.line !== undefined ? { line: cfg.line } : {}),
      ...now,
    });
  }
  const vendorId = parseUsbId(cfg.vendorId);
  const productId = parseUsbId(cfg.productId);
  const usagePage = parseUsbId(cfg.usagePage);
  return new HidTrigger({
    id: cfg.id,
    reports: cfg.reports,
    debounceMs: cfg.debounceMs,
    ...(vendorId !== undefined ? { vendorId } : {}),
    ...(productId !== undefined ? { productId } : {}),
    ...(usagePage !== undefined ? { usagePage } : {}),
    ...(cfg.mask ? { mask: cfg.mask.map(hexByte) } : {}),
    ...now,
  });
}

export interface TriggerWiring extends DriverWiring {
  /** To every screen: DeviceEvent 'capture-button'. */
  toScreens: (e: DeviceEvent) => void;
}

/** The configured trigger under a supervisor; call `supervisor.start()`. */
export function superviseTrigger(cfg: TriggerConfig, w: TriggerWiring): { supervisor: DeviceSupervisor; driver: TriggerDriver } {
  const driver = createTrigger(cfg);
  driver.onPress((p) => w.toScreens({ type: 'capture-button', deviceId: p.deviceId }));
  const supervisor = superviseDriver(cfg.id, 'trigger', driver, w, { zh: '可用屏幕按钮或键盘拍照', en: 'capture still works with the on-screen button or the keyboard' });
  return { supervisor, driver };
}
