/**
 * RS-485 keypads on a shared bus: 4-byte frames `01 | addr | key | 07`. The framer finds
 * 0x01, waits for four bytes and checks the 0x07; on anything else it drops bytes up to the
 * next 0x01 and reports them (resync). Frames for other addresses belong to other windows'
 * keypads on the same bus and are skipped silently; this driver answers only its own address.
 */
import type { EvaluatorKey } from '../../../shared/devices/contract';
import { DeviceError, toHex } from '../common/errors';
import { ByteBuffer, type Framer, type FramerReport } from '../common/framer';
import { SerialInputDriver, type SerialInputOptions } from '../common/serialInput';
import { Listeners } from '../common/support';
import { byteKeymap, unknownKey, type EvaluatorDriver, type Level } from './types';

export const KEYPAD_START = 0x01;
export const KEYPAD_END = 0x07;

export interface KeypadFrame {
  address: number;
  key: number;
  raw: string;
}

export class KeypadFramer implements Framer<KeypadFrame> {
  private readonly buf = new ByteBuffer();

  constructor(private readonly report: FramerReport = {}) {}

  push(chunk: Uint8Array): KeypadFrame[] {
    this.buf.append(chunk);
    const out: KeypadFrame[] = [];
    while (this.buf.length > 0) {
      const start = this.buf.view().indexOf(KEYPAD_START);
      if (start < 0) {
        this.discard(this.buf.length, 'no frame start (01)');
        break;
      }
      if (start > 0) this.discard(start, 'bytes before a frame start (01)');
      if (this.buf.length < 4) break;
      if (this.buf.at(3) !== KEYPAD_END) {
        // Not a frame here: skip this 01 and look for the next one.
        const next = this.buf.view(1).indexOf(KEYPAD_START);
        this.discard(next < 0 ? this.buf.length : next + 1, 'frame without its end byte (07)');
        continue;
      }
      const f = this.buf.consume(4);
      out.push({ address: f[1]!, key: f[2]!, raw: toHex(f) });
    }
    return out;
  }

  reset(): void {
    this.buf.clear();
  }

  private discard(n: number, reason: string): void {
    const dropped = this.buf.consume(n);
    this.report.onDiscard?.(toHex(dropped), reason);
  }
}

export interface Rs485EvaluatorOptions extends SerialInputOptions {
  /** This window's keypad address on the bus. */
  address: number;
  /** Key byte as hex ("31") → level. */
  keymap: Record<string, Level>;
}

export class Rs485Evaluator extends SerialInputDriver implements EvaluatorDriver {
  private readonly keymap: Map<number, Level>;
  private readonly framer: KeypadFramer;
  private readonly keys = new Listeners<[EvaluatorKey]>();

  constructor(private readonly o: Rs485EvaluatorOptions) {
    super(o, 'evaluator', (id) => ({ zh: '评价器未配置串口', en: `evaluator ${id}: no port configured` }));
    this.keymap = byteKeymap(this.id, o.keymap);
    this.framer = new KeypadFramer({
      onDiscard: (hex, reason) => this.errors.emit(new DeviceError('protocol', 'garbage', { zh: '评价器线路上有无法识别的数据', en: `evaluator ${this.id}: ${reason}` }, hex)),
    });
  }

  onKey(l: (key: EvaluatorKey) => void): () => void {
    return this.keys.add(l);
  }

  protected receive(chunk: Uint8Array): void {
    for (const f of this.framer.push(chunk)) {
      if (f.address !== this.o.address) continue;
      const level = this.keymap.get(f.key);
      if (level !== undefined) this.keys.emit({ deviceId: this.id, level });
      else this.errors.emit(unknownKey(this.id, `key 0x${toHex([f.key])} from address ${f.address}`, f.raw));
    }
  }

  protected override reset(): void {
    this.framer.reset();
  }
}
