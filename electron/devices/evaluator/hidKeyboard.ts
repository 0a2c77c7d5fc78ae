/**
 * Keypads that present themselves as USB keyboards, read through node-hid (usage page 0x01,
 * usage 0x06). Linux only in practice: Windows and macOS do not let node-hid open keyboards
 * (DEVICES.md). Boot-keyboard input reports: [modifiers, reserved, key1..key6] (8 bytes), or 9
 * bytes with a report id first, which is dropped. A key counts when its usage appears in a
 * report (held keys do not repeat at HID level). Key names follow the browser's
 * KeyboardEvent.key ("1", "a", "F1", "Enter"); keypad keys are "Numpad1"… and also match "1".
 * The map is case-insensitive. vendorId is required: without it the hall PC's own keyboard
 * would be read as an evaluator.
 */
import type { EvaluatorKey } from '../../../shared/devices/contract';
import { DeviceError, toHex } from '../common/errors';
import type { ByteLink } from '../common/link';
import { Listeners } from '../common/support';
import { openHidLink } from '../scanner/hidLink';
import { unknownKey, type EvaluatorDriver, type Level } from './types';

/** HID keyboard usage → [name, fallback name]. */
export function hidKeyName(usage: number): [string, string?] | undefined {
  if (usage >= 0x04 && usage <= 0x1d) return [String.fromCharCode(0x61 + usage - 0x04)];
  if (usage >= 0x1e && usage <= 0x26) return [String(usage - 0x1d)];
  if (usage === 0x27) return ['0'];
  if (usage >= 0x3a && usage <= 0x45) return [`F${usage - 0x39}`];
  if (usage >= 0x68 && usage <= 0x73) return [`F${usage - 0x68 + 13}`];
  if (usage >= 0x59 && usage <= 0x61) return [`Numpad${usage - 0x58}`, String(usage - 0x58)];
  if (usage === 0x62) return ['Numpad0', '0'];
  const named: Record<number, [string, string?]> = {
    0x28: ['Enter'],
    0x29: ['Escape'],
    0x2a: ['Backspace'],
    0x2b: ['Tab'],
    0x2c: ['Space'],
    0x2d: ['-'],
    0x2e: ['='],
    0x2f: ['['],
    0x30: [']'],
    0x31: ['\\'],
    0x33: [';'],
    0x34: ["'"],
    0x35: ['`'],
    0x36: [','],
    0x37: ['.'],
    0x38: ['/'],
    0x49: ['Insert'],
    0x4a: ['Home'],
    0x4b: ['PageUp'],
    0x4c: ['Delete'],
    0x4d: ['End'],
    0x4e: ['PageDown'],
    0x4f: ['ArrowRight'],
    0x50: ['ArrowLeft'],
    0x51: ['ArrowDown'],
    0x52: ['ArrowUp'],
    0x54: ['NumpadDivide', '/'],
    0x55: ['NumpadMultiply', '*'],
    0x56: ['NumpadSubtract', '-'],
    0x57: ['NumpadAdd', '+'],
    0x58: ['NumpadEnter', 'Enter'],
    0x63: ['NumpadDecimal', '.'],
  };
  return named[usage];
}

export interface HidKeyboardEvaluatorOptions {
  id?: string;
  vendorId?: number;
  productId?: number;
  /** Key name ("1", "F1", "Numpad5") → level. */
  keymap: Record<string, Level>;
  openLink?: () => Promise<ByteLink>;
}

export class HidKeyboardEvaluator implements EvaluatorDriver {
  readonly id: string;
  private readonly keymap = new Map<string, Level>();
  private readonly keys = new Listeners<[EvaluatorKey]>();
  private readonly errors = new Listeners<[DeviceError]>();
  private unsubscribe: (() => void) | undefined;
  private held = new Set<number>();

  constructor(private readonly o: HidKeyboardEvaluatorOptions) {
    this.id = o.id ?? 'evaluator';
    for (const [k, level] of Object.entries(o.keymap)) this.keymap.set(k.toLowerCase(), level);
  }

  onKey(l: (key: EvaluatorKey) => void): () => void {
    return this.keys.add(l);
  }

  onError(l: (err: DeviceError) => void): () => void {
    return this.errors.add(l);
  }

  open(): Promise<ByteLink> {
    if (this.o.openLink) return this.o.openLink();
    if (this.o.vendorId === undefined) {
      return Promise.reject(
        new DeviceError('config', 'no-vendor-id', {
          zh: '键盘式评价器须配置 vendorId/productId',
          en: `evaluator ${this.id}: a HID keyboard evaluator needs vendorId (and productId), or the PC's own keyboard would be read`,
        }),
      );
    }
    return openHidLink({
      label: 'HID keyboard evaluator',
      usagePage: 0x01,
      usage: 0x06,
      vendorId: this.o.vendorId,
      ...(this.o.productId !== undefined ? { productId: this.o.productId } : {}),
    });
  }

  async attach(link: ByteLink): Promise<void> {
    this.detach();
    this.unsubscribe = link.onData((report) => this.report(report));
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.held.clear();
  }

  private report(r: Uint8Array): void {
    const body = r.length === 9 ? r.subarray(1) : r;
    if (body.length !== 8) {
      this.errors.emit(new DeviceError('protocol', 'bad-report', { zh: '评价器数据格式不对', en: `evaluator ${this.id}: a ${r.length}-byte report is not a keyboard report` }, toHex(r)));
      return;
    }
    const now = new Set<number>();
    for (const u of body.subarray(2)) if (u > 0x03) now.add(u); // 0 = none, 1..3 = rollover/errors
    if (body[2] === 0x01) return; // phantom state (too many keys): keep the previous set
    for (const u of now) {
      if (this.held.has(u)) continue;
      const names = hidKeyName(u);
      const level = names && (this.keymap.get(names[0].toLowerCase()) ?? (names[1] ? this.keymap.get(names[1].toLowerCase()) : undefined));
      if (level !== undefined) this.keys.emit({ deviceId: this.id, level });
      else this.errors.emit(unknownKey(this.id, `key ${names ? names[0] : `usage 0x${toHex([u])}`}`, toHex(r)));
    }
    this.held = now;
  }
}
