/**
 * Evaluators (评价器): whatever the hardware, a driver turns key presses into
 * `EvaluatorKey { deviceId, level 1..5 }` through its key map. A key not in the map is reported
 * as DeviceError 'protocol' with the raw bytes, never thrown.
 */
import type { EvaluatorKey } from '../../../shared/devices/contract';
import { DeviceError } from '../common/errors';
import type { ByteLink } from '../common/link';
import type { SupervisedDriver } from '../common/supervisor';

export type Level = EvaluatorKey['level'];

export interface EvaluatorDriver extends SupervisedDriver {
  readonly id: string;
  onKey(l: (key: EvaluatorKey) => void): () => void;
  /** Unknown keys, garbage on the line: for the log and the health view. */
  onError(l: (err: DeviceError) => void): () => void;
  /** The link for the supervisor (serial port or HID device). */
  open(): Promise<ByteLink>;
}

/** Key map with hex-byte keys ("31", "0x31") → Map<byte, level>; a bad key is a config error. */
export function byteKeymap(id: string, keymap: Record<string, Level>): Map<number, Level> {
  const out = new Map<number, Level>();
  for (const [k, level] of Object.entries(keymap)) {
    const m = /^(?:0x)?([0-9a-f]{1,2})$/i.exec(k.trim());
    if (!m) {
      throw new DeviceError('config', 'bad-keymap', { zh: `评价器按键表有误：${k}`, en: `evaluator ${id}: key map entry "${k}" is not a hex byte such as "31" or "0x31"` });
    }
    out.set(parseInt(m[1]!, 16), level);
  }
  return out;
}

export function unknownKey(id: string, what: string, raw: string): DeviceError {
  return new DeviceError('protocol', 'unknown-key', { zh: '评价器发来未知按键', en: `evaluator ${id}: ${what} is not in the key map` }, raw);
}
