/**
 * An evaluator on the peer end of a pty pair: single key-code bytes (button evaluators), RS-485
 * keypad frames `01 addr key 07` (its own and other addresses on the bus), and line noise.
 */
import { KEYPAD_END, KEYPAD_START } from '../evaluator/rs485';
import { PeerPort } from './scannerSim';

export class EvaluatorSim extends PeerPort {
  static async open(path: string, baudRate = 9600): Promise<EvaluatorSim> {
    return new EvaluatorSim(await PeerPort.openLink(path, baudRate));
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
