/**
 * Evaluators on the `FF 68` serial bus of hardware callers (呼叫器) and four-key evaluators,
 * as an open-source queue system drives them (JackQChen/QueueSystem, CallSystem; facts in
 * tests/fixtures/devices/evaluator/README): 9600 8N1,
 *
 *   FF 68 | L | L | 68 | addr | func | data (L − 2 bytes) | sum | 16
 *
 * L counts addr, func and data (L = 2: no data, the host's beep); the two copies must agree;
 * sum = (addr + func + data) & 0xFF.
 * A four-key evaluator sends func 11 with one data byte, the key's value (00..03); the host
 * answers with the same frame as func 01 (the sum 0x10 lower). Caller keys (func 01: call 0C,
 * recall 0D, evaluate 0B, pause 12, transfer 13, digits, confirm 0F) are answered with an echo
 * and are not ratings. Frames for other addresses belong to other windows on the same bus:
 * skipped silently, never answered. The framer resyncs on anything else, reporting it.
 */
import type { EvaluatorKey } from '../../../shared/devices/contract';
import { DeviceError, toHex } from '../common/errors';
import { ByteBuffer, type Framer, type FramerReport } from '../common/framer';
import type { ByteLink } from '../common/link';
import { SerialInputDriver, type SerialInputOptions } from '../common/serialInput';
import { Listeners } from '../common/support';
import { byteKeymap, unknownKey, type EvaluatorDriver, type Level } from './types';

export const FF68_EVALUATION = 0x11;
export const FF68_ACK = 0x01;
/** L = 2 is a frame without data (the host's beep); the source refuses L > 5 from a keypad, we allow up to 16. */
const MIN_L = 2;
const MAX_L = 16;

export interface Ff68Frame {
  address: number;
  func: number;
  data: Uint8Array;
  raw: string;
}

export function ff68Sum(address: number, func: number, data: Uint8Array | readonly number[]): number {
  let s = address + func;
  for (const b of data) s += b;
  return s & 0xff;
}

export function ff68Frame(address: number, func: number, data: Uint8Array | readonly number[]): Uint8Array {
  const L = data.length + 2;
  return Uint8Array.from([0xff, 0x68, L, L, 0x68, address, func, ...data, ff68Sum(address, func, data), 0x16]);
}

export class Ff68Framer implements Framer<Ff68Frame> {
  private readonly buf = new ByteBuffer();

  constructor(private readonly report: FramerReport = {}) {}

  push(chunk: Uint8Array): Ff68Frame[] {
    this.buf.append(chunk);
    const out: Ff68Frame[] = [];
    for (;;) {
      const v = this.buf.view();
      let s = -1;
      for (let i = 0; i + 1 < v.length; i++) {
        if (v[i] === 0xff && v[i + 1] === 0x68) {
          s = i;
          break;
        }
      }
      if (s < 0) {
        // Keep a trailing FF: it may start the next frame.
        const keep = v.length > 0 && v[v.length - 1] === 0xff ? 1 : 0;
        if (v.length - keep > 0) this.drop(v.length - keep, 'no frame start (FF 68)');
        return out;
      }
      if (s > 0) this.drop(s, 'bytes before a frame start (FF 68)');
      if (this.buf.length < 5) return out;
      const L = this.buf.at(2);
      if (L !== this.buf.at(3) || this.buf.at(4) !== 0x68 || L < MIN_L || L > MAX_L) {
        this.drop(1, `not a frame header (length ${L}/${this.buf.at(3)}, fixed byte ${toHex([this.buf.at(4)])})`);
        continue;
      }
      const size = L + 7;
      if (this.buf.length < size) return out;
      const f = this.buf.view(0, size);
      const address = f[5]!;
      const func = f[6]!;
      const data = f.slice(7, 7 + L - 2);
      if (f[size - 1] !== 0x16 || f[size - 2] !== ff68Sum(address, func, data)) {
        this.drop(1, f[size - 1] !== 0x16 ? 'frame without its end byte (16)' : 'bad checksum');
        continue;
      }
      const raw = toHex(this.buf.consume(size));
      out.push({ address, func, data, raw });
    }
  }

  reset(): void {
    this.buf.clear();
  }

  private drop(n: number, reason: string): void {
    // Consume first: `onDiscard?.(…)` skips its arguments when there is no listener.
    const dropped = this.buf.consume(n);
    this.report.onDiscard?.(toHex(dropped, 64), reason);
  }
}

export interface Ff68EvaluatorOptions extends SerialInputOptions {
  /** This window's evaluator address on the bus. */
  address: number;
  /** The key's value byte as hex ("00".."03") → level. */
  keymap: Record<string, Level>;
}

export class Ff68Evaluator extends SerialInputDriver implements EvaluatorDriver {
  private readonly keymap: Map<number, Level>;
  private readonly framer: Ff68Framer;
  private readonly keys = new Listeners<[EvaluatorKey]>();
  private link: ByteLink | undefined;

  constructor(private readonly o: Ff68EvaluatorOptions) {
    super(o, 'evaluator', (id) => ({ zh: '评价器未配置串口', en: `evaluator ${id}: no port configured` }));
    this.keymap = byteKeymap(this.id, o.keymap);
    this.framer = new Ff68Framer({
      onDiscard: (hex, reason) => this.errors.emit(new DeviceError('protocol', 'garbage', { zh: '评价器线路上有无法识别的数据', en: `evaluator ${this.id}: ${reason}` }, hex)),
    });
  }

  onKey(l: (key: EvaluatorKey) => void): () => void {
    return this.keys.add(l);
  }

  override async attach(link: ByteLink): Promise<void> {
    await super.attach(link);
    this.link = link;
  }

  override detach(): void {
    this.link = undefined;
    super.detach();
  }

  protected receive(chunk: Uint8Array): void {
    for (const f of this.framer.push(chunk)) {
      if (f.address !== this.o.address) continue;
      if (f.func !== FF68_EVALUATION) {
        this.answer(ff68Frame(f.address, f.func, f.data)); // a caller key: echoed, not a rating
        continue;
      }
      if (f.data.length !== 1) {
        // The source refuses an evaluation frame with L <= 2; one value byte is all it reads.
        this.errors.emit(new DeviceError('protocol', 'bad-evaluation', { zh: '评价器数据格式不对', en: `evaluator ${this.id}: an evaluation frame carries ${f.data.length} value bytes, not 1` }, f.raw));
        continue;
      }
      this.answer(ff68Frame(f.address, FF68_ACK, f.data));
      const value = f.data[0]!;
      const level = this.keymap.get(value);
      if (level !== undefined) this.keys.emit({ deviceId: this.id, level });
      else this.errors.emit(unknownKey(this.id, `evaluation value 0x${toHex([value])} from address ${f.address}`, f.raw));
    }
  }

  protected override reset(): void {
    this.framer.reset();
  }

  private answer(bytes: Uint8Array): void {
    this.link?.write(bytes).catch((err: unknown) => {
      this.errors.emit(new DeviceError('transport', 'write-failed', { zh: '评价器应答发送失败', en: `evaluator ${this.id}: could not answer (${String(err)})` }, toHex(bytes)));
    });
  }
}
