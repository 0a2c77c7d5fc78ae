/**
 * A serial capture button / foot pedal (高拍仪脚踏) on the peer end of a pty pair: a press is
 * one byte, or a short ASCII line such as "KEY1\r\n" (the form the simulator was opened with);
 * it can also bounce like a worn pedal and send noise.
 */
import type { ByteLink } from '../common/link';
import { PeerPort } from './scannerSim';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TriggerSimOptions {
  /** Line mode: each press sends this text and CRLF. */
  line?: string;
  /** Byte mode (when no line): the byte a press sends. Default 0x01. */
  byte?: number;
  baudRate?: number;
}

export class TriggerSim extends PeerPort {
  private readonly pressBytes: Uint8Array;

  private constructor(link: ByteLink, o: TriggerSimOptions) {
    super(link);
    this.pressBytes = o.line !== undefined ? new TextEncoder().encode(`${o.line}\r\n`) : Uint8Array.of(o.byte ?? 0x01);
  }

  static async open(path: string, o: TriggerSimOptions = {}): Promise<TriggerSim> {
    return new TriggerSim(await PeerPort.openLink(path, o.baudRate ?? 9600), o);
  }

  /** One press of the pedal, optionally cut into pieces like a USB-serial adapter delivers it. */
  async press(o: { splitAt?: number[]; pauseMs?: number } = {}): Promise<void> {
    await this.write(this.pressBytes, o);
  }

  /** A press that bounces: `times` presses `gapMs` apart (all inside the debounce window). */
  async bounce(times = 4, gapMs = 15): Promise<void> {
    for (let i = 0; i < times; i++) {
      if (i) await pause(gapMs);
      await this.press();
    }
  }

  /** Anything: noise, a byte or line the pedal does not send on a press. */
  async garbage(bytes: Uint8Array | number[] | string): Promise<void> {
    await this.write(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : Uint8Array.from(bytes));
  }
}
