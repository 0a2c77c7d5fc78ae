/**
 * Button evaluators that send one key-code byte per press over serial. Each byte is looked up
 * in the key map (hex byte → level). CR and LF that some models send after the key are ignored
 * unless the key map names them; any other unknown byte is reported with its hex.
 */
import type { EvaluatorKey } from '../../../shared/devices/contract';
import { DeviceError, toHex } from '../common/errors';
import type { ByteLink } from '../common/link';
import { openSerialLink, type SerialTarget } from '../common/serialLink';
import { Listeners } from '../common/support';
import { byteKeymap, unknownKey, type EvaluatorDriver, type Level } from './types';

export interface SerialKeyEvaluatorOptions {
  id?: string;
  port?: SerialTarget;
  /** "31" → 5 … */
  keymap: Record<string, Level>;
  /** Bytes that mean nothing (default CR, LF). */
  ignore?: number[];
  openLink?: () => Promise<ByteLink>;
}

export class SerialKeyEvaluator implements EvaluatorDriver {
  readonly id: string;
  private readonly keymap: Map<number, Level>;
  private readonly ignore: Set<number>;
  private readonly keys = new Listeners<[EvaluatorKey]>();
  private readonly errors = new Listeners<[DeviceError]>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: SerialKeyEvaluatorOptions) {
    this.id = o.id ?? 'evaluator';
    this.keymap = byteKeymap(this.id, o.keymap);
    this.ignore = new Set(o.ignore ?? [0x0d, 0x0a]);
    if (!o.port && !o.openLink) throw new DeviceError('config', 'no-port', { zh: '评价器未配置串口', en: `evaluator ${this.id}: no port configured` });
  }

  onKey(l: (key: EvaluatorKey) => void): () => void {
    return this.keys.add(l);
  }

  onError(l: (err: DeviceError) => void): () => void {
    return this.errors.add(l);
  }

  open(): Promise<ByteLink> {
    return this.o.openLink ? this.o.openLink() : openSerialLink(this.o.port!);
  }

  async attach(link: ByteLink): Promise<void> {
    this.detach();
    this.unsubscribe = link.onData((chunk) => {
      for (const b of chunk) {
        const level = this.keymap.get(b);
        if (level !== undefined) this.keys.emit({ deviceId: this.id, level });
        else if (!this.ignore.has(b)) this.errors.emit(unknownKey(this.id, `key code 0x${toHex([b])}`, toHex([b])));
      }
    });
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
