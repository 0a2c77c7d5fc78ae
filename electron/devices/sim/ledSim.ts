/**
 * An LED strip on the peer end of a pty pair: parses the frames it receives (verifying the
 * checksum), keeps what each address shows, and records every frame with its arrival time (to
 * check the gap between frames) and everything it had to throw away.
 */
import { toHex } from '../common/errors';
import { Ff68Framer } from '../evaluator/ff68';
import { ff68Shown } from '../led/ff68Display';
import { LedFrameParser, type LedFrameParsed, type LedFrameSpec } from '../led/frame';
import type { FramerReport } from '../common/framer';
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

  private constructor(link: ByteLink, spec: LedFrameSpec | 'ff68-digits') {
    super(link);
    const report = { onDiscard: (hex: string, reason: string) => this.discarded.push({ hex, reason }) };
    const parser = spec === 'ff68-digits' ? ff68DisplayParser(report) : new LedFrameParser(spec, report);
    link.onData((chunk) => {
      this.chunks.push(toHex(chunk));
      for (const f of parser.push(chunk)) {
        this.frames.push({ ...f, at: Date.now() });
        this.showing.set(f.address, f.text);
      }
      for (const w of [...this.waiters]) w();
    });
  }

  /**
   * `spec` is the frame the strip understands (its address is only used to know if there is
   * one); 'ff68-digits' is the FF 68 bus digit display, which shows six positions ("   023").
   */
  static async open(path: string, spec: LedFrameSpec | 'ff68-digits', baudRate = 9600): Promise<LedSim> {
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

/** The FF 68 display's side: display frames (func 02, six digits) as what they show. */
function ff68DisplayParser(report: FramerReport): { push(chunk: Uint8Array): LedFrameParsed[] } {
  const framer = new Ff68Framer(report);
  return {
    push: (chunk) => {
      const out: LedFrameParsed[] = [];
      for (const f of framer.push(chunk)) {
        const text = ff68Shown(f);
        if (text === undefined) report.onDiscard?.(f.raw, `not a display frame (func ${f.func.toString(16).padStart(2, '0')})`);
        else out.push({ address: f.address, text, raw: f.raw });
      }
      return out;
    },
  };
}
