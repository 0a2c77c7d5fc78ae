/**
 * A capture button or foot pedal on a serial port (RS-232 / USB-CDC). Two shapes are common:
 *  - a byte per press: by default any byte but CR/LF is a press (CR/LF some models send after
 *    it are ignored); with `bytes` only those are, and any other byte is reported with its hex;
 *  - a short ASCII line per press ("KEY1\r\n"): with `line`, a line ended by CR or LF (or by
 *    a pause of `lineGapMs`, for models that send no ending) that equals it is a press; any
 *    other line is reported with its hex.
 * Presses are debounced (`debounceMs`, default 300): a pedal's bounces are one press.
 */
import { toHex } from '../common/errors';
import { SerialInputDriver, type SerialInputOptions } from '../common/serialInput';
import { Listeners } from '../common/support';
import { Debouncer, unknownInput, type TriggerDriver, type TriggerPress } from './types';

const CR = 0x0d;
const LF = 0x0a;
/** A partial line longer than this is noise, not a press. */
const MAX_LINE = 128;

export interface SerialTriggerOptions extends SerialInputOptions {
  /** The bytes that mean "pressed"; default any byte but CR/LF. */
  bytes?: number[];
  /** Line mode: the text a line must equal (surrounding spaces ignored). */
  line?: string;
  debounceMs?: number;
  /** Line mode: a line without CR/LF ends after this quiet time. Default 100 ms. */
  lineGapMs?: number;
  now?: () => number;
}

export class SerialTrigger extends SerialInputDriver implements TriggerDriver {
  private readonly presses = new Listeners<[TriggerPress]>();
  private readonly pressBytes: Set<number> | undefined;
  private readonly line: string | undefined;
  private readonly debounce: Debouncer;
  private partial: number[] = [];
  private gapTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: SerialTriggerOptions) {
    super(o, 'trigger', (id) => ({ zh: '拍照脚踏未配置串口', en: `capture trigger ${id}: no port configured` }));
    this.pressBytes = o.bytes && o.bytes.length ? new Set(o.bytes) : undefined;
    this.line = o.line?.trim();
    this.debounce = new Debouncer(o.debounceMs ?? 300, o.now);
  }

  onPress(l: (press: TriggerPress) => void): () => void {
    return this.presses.add(l);
  }

  protected receive(chunk: Uint8Array): void {
    if (this.line !== undefined) this.receiveLine(chunk);
    else for (const b of chunk) this.receiveByte(b);
  }

  protected override reset(): void {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    this.partial = [];
    this.debounce.reset();
  }

  private receiveByte(b: number): void {
    if (this.pressBytes ? this.pressBytes.has(b) : b !== CR && b !== LF) this.press();
    else if (b !== CR && b !== LF) this.errors.emit(unknownInput(this.id, 'unknown-key', `byte 0x${toHex([b])} is not a press`, toHex([b])));
  }

  private receiveLine(chunk: Uint8Array): void {
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    for (const b of chunk) {
      if (b === CR || b === LF) {
        this.endLine();
        continue;
      }
      this.partial.push(b);
      if (this.partial.length > MAX_LINE) {
        const dropped = this.partial;
        this.partial = [];
        this.errors.emit(unknownInput(this.id, 'unknown-line', `more than ${MAX_LINE} bytes without a line end`, toHex(dropped, 32)));
      }
    }
    if (this.partial.length) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = undefined;
        this.endLine();
      }, this.o.lineGapMs ?? 100);
    }
  }

  private endLine(): void {
    const bytes = this.partial;
    this.partial = [];
    if (!bytes.length) return; // the LF of a CRLF, or a blank line
    const text = String.fromCharCode(...bytes).trim();
    if (text === this.line) this.press();
    else this.errors.emit(unknownInput(this.id, 'unknown-line', `line ${JSON.stringify(text)} is not "${this.line}"`, toHex(bytes)));
  }

  private press(): void {
    if (this.debounce.press()) this.presses.emit({ deviceId: this.id });
  }
}
