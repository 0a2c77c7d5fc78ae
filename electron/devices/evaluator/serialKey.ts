/**
 * Button evaluators that send one key-code byte per press over serial. Each byte is looked up
 * in the key map (hex byte → level). CR and LF that some models send after the key are ignored
 * unless the key map names them; any other unknown byte is reported with its hex.
 */
import type { EvaluatorKey } from '../../../shared/devices/contract';
import { toHex } from '../common/errors';
import { SerialInputDriver, type SerialInputOptions } from '../common/serialInput';
import { Listeners } from '../common/support';
import { byteKeymap, unknownKey, type EvaluatorDriver, type Level } from './types';

export interface SerialKeyEvaluatorOptions extends SerialInputOptions {
  /** "31" → 5 … */
  keymap: Record<string, Level>;
  /** Bytes that mean nothing (default CR, LF). */
  ignore?: number[];
}

export class SerialKeyEvaluator extends SerialInputDriver implements EvaluatorDriver {
  private readonly keymap: Map<number, Level>;
  private readonly ignore: Set<number>;
  private readonly keys = new Listeners<[EvaluatorKey]>();

  constructor(o: SerialKeyEvaluatorOptions) {
    super(o, 'evaluator', (id) => ({ zh: '评价器未配置串口', en: `evaluator ${id}: no port configured` }));
    this.keymap = byteKeymap(this.id, o.keymap);
    this.ignore = new Set(o.ignore ?? [0x0d, 0x0a]);
  }

  onKey(l: (key: EvaluatorKey) => void): () => void {
    return this.keys.add(l);
  }

  protected receive(chunk: Uint8Array): void {
    for (const b of chunk) {
      const level = this.keymap.get(b);
      if (level !== undefined) this.keys.emit({ deviceId: this.id, level });
      else if (!this.ignore.has(b)) this.errors.emit(unknownKey(this.id, `key code 0x${toHex([b])}`, toHex([b])));
    }
  }
}
