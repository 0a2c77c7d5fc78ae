/**
 * An evaluator on the peer end of a pty pair: single key-code bytes (button evaluators), RS-485
 * keypad frames `01 addr key 07` (its own and other addresses on the bus), FF 68 bus frames
 * (a four-key evaluator's func 11 + value, as tests/fixtures/devices/evaluator/ff68.json), and
 * line noise. Whatever the host sends back (the FF 68 acknowledgements) is kept in `received`.
 */
import type { ByteLink } from '../common/link';
import { ff68Frame, FF68_EVALUATION } from '../evaluator/ff68';
import { KEYPAD_END, KEYPAD_START } from '../evaluator/rs485';
import { PeerPort } from './scannerSim';

export class EvaluatorSim extends PeerPort {
  /** Bytes from the host, chunk by chunk. */
  readonly received: Uint8Array[] = [];

  private constructor(link: ByteLink) {
    super(link);
    link.onData((chunk) => this.received.push(Uint8Array.from(chunk)));
  }

  static async open(path: string, baudRate = 9600): Promise<EvaluatorSim> {
    return new EvaluatorSim(await PeerPort.openLink(path, baudRate));
  }

  /** A four-key evaluator on the FF 68 bus: func 11 and the key's value (00..03). */
  async pressFf68(address: number, value: number, o: { splitAt?: number[]; pauseMs?: number } = {}): Promise<void> {
    await this.write(ff68Frame(address, FF68_EVALUATION, [value]), o);
  }

  static frame(address: number, key: number): Uint8Array {
    return Uint8Array.of(KEYPAD_START, address, key, KEYPAD_END);
  }

  /** A button evaluator: one key-code byte. */
  async press(code: number): Promise<void> {
    await this.write(Uint8Array.of(code));
  }

  /** An RS-485 keypad frame, optionally written in pieces. */
  async pressFrame(address: number, key: number, o: { splitAt?: number[]; pauseMs?: number } = {}): Promise<void> {
    await this.write(EvaluatorSim.frame(address, key), o);
  }

  /** Anything: noise, a truncated frame. */
  async garbage(bytes: Uint8Array | number[]): Promise<void> {
    await this.write(Uint8Array.from(bytes));
  }
}
