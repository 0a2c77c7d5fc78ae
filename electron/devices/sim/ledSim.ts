/**
 * An LED strip on the peer end of a pty pair: parses the frames it receives (verifying the
 * checksum), keeps what each address shows, and records every frame with its arrival time (to
 * check the gap between frames) and everything it had to throw away.
 */
import { toHex } from '../common/errors';
import { LedFrameParser, type LedFrameSpec } from '../led/frame';
import { PeerPort } from './scannerSim';
import type { ByteLink } from '../common/link';

export interface LedSimFrame {
  address: number | null;
  text: string;
  raw: string;
  at: number;
}

export class LedSim extends PeerPort {
  readonly frames: LedSimFrame[] = [];
  readonly discarded: Array<{ hex: string; reason: string }> = [];
  /** Raw bytes as received, in hex, chunk by chunk. */
  readonly chunks: string[] = [];
  private readonly showing = new Map<number | null, string>();
  private readonly waiters = new Set<() => void>();

  private constructor(link: ByteLink, spec: LedFrameSpec) {
    super(link);
    const parser = new LedFrameParser(spec, { onDiscard: (hex, reason) => this.discarded.push({ hex, reason }) });
    link.onData((chunk) => {
      this.chunks.push(toHex(chunk));
      for (const f of parser.push(chunk)) {
        this.frames.push({ ...f, at: Date.now() });
        this.showing.set(f.address, f.text);
      }
      for (const w of [...this.waiters]) w();
    });
  }

  /** `spec` is the frame the strip understands (its address is only used to know if there is one). */
  static async open(path: string, spec: LedFrameSpec, baudRate = 9600): Promise<LedSim> {
    return new LedSim(await PeerPort.openLink(path, baudRate), spec);
  }

  /** What the strip at `address` shows now. */
  shows(address: number | null): string | undefined {
    return this.showing.get(address);
  }

  /** Resolves when `check` holds (checked after every chunk), or rejects after timeoutMs. */
  waitFor(check: (sim: LedSim) => boolean, timeoutMs = 3000): Promise<void> {
    if (check(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        if (!check(this)) return;
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error(`LED sim: condition not met within ${timeoutMs} ms; frames: ${JSON.stringify(this.frames.map((f) => f.text))}`));
      }, timeoutMs);
      this.waiters.add(done);
    });
  }
}
