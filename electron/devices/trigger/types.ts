/**
 * Capture triggers (the document camera's button or foot pedal): whatever the hardware, a
 * driver turns presses into `{ deviceId }` once per press, after debouncing. Input that is not
 * a press is reported as DeviceError 'protocol' with the raw bytes (hex), never thrown.
 */
import { DeviceError } from '../common/errors';
import type { ByteLink } from '../common/link';
import type { SupervisedDriver } from '../common/supervisor';

export interface TriggerPress {
  deviceId: string;
}

export interface TriggerDriver extends SupervisedDriver {
  readonly id: string;
  onPress(l: (press: TriggerPress) => void): () => void;
  /** Unknown bytes, lines or reports: for the log. */
  onError(l: (err: DeviceError) => void): () => void;
  /** The link for the supervisor (serial port or HID device). */
  open(): Promise<ByteLink>;
}

/**
 * A press counts only when no other press came in the `ms` before it: the bounces of a pedal
 * (and a device that repeats while held) all fall inside the window, which each of them
 * extends, so one push is one press.
 */
export class Debouncer {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ms: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A raw press: true if it counts, false if it is a bounce of the one before. */
  press(): boolean {
    const t = this.now();
    const counts = t - this.last >= this.ms;
    this.last = t;
    return counts;
  }

  /** The link changed: the next press counts whatever came before. */
  reset(): void {
    this.last = Number.NEGATIVE_INFINITY;
  }
}

export function unknownInput(id: string, code: 'unknown-key' | 'unknown-line' | 'bad-report', what: string, raw: string): DeviceError {
  return new DeviceError('protocol', code, { zh: '拍照按键/脚踏发来无法识别的数据', en: `capture trigger ${id}: ${what}` }, raw);
}
