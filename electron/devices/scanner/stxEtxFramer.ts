/**
 * Serial scanners set to frame each code as `STX … ETX` (02 … 03; some send EOT 04 as the end),
 * the header and trailer POS drivers strip before handing the data on. A Honeywell scanner may
 * put its one-byte Code ID right after STX (`codeId: true`): it is removed from the text.
 * Bytes outside a frame (a CR some scanners add after ETX, line noise) are dropped and
 * reported; a new STX before the end drops the unfinished frame (reported), so a cut-off scan
 * never glues onto the next one. `flush()` (the stale timer) drops an unfinished frame.
 */
import { ByteBuffer, type Framer, type FramerReport } from '../common/framer';
import { toHex } from '../common/errors';

export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;

export interface StxEtxFramerOptions extends FramerReport {
  /** A one-byte Code ID follows STX (Honeywell "Code ID" prefix). */
  codeId?: boolean;
  maxBytes?: number;
}

export interface StxEtxCode {
  data: Uint8Array;
  /** The Code ID character, when the scanner sends one. */
  codeId?: string;
}

export class StxEtxFramer implements Framer<StxEtxCode> {
  private readonly buf = new ByteBuffer();
  private open = false;
  private readonly maxBytes: number;

  constructor(private readonly o: StxEtxFramerOptions = {}) {
    this.maxBytes = o.maxBytes ?? 16 * 1024;
  }

  /** Part of a frame is waiting for its end. */
  get waiting(): boolean {
    return this.open;
  }

  push(chunk: Uint8Array): StxEtxCode[] {
    const out: StxEtxCode[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (!this.open) {
        const s = chunk.indexOf(STX, i);
        const stop = s < 0 ? chunk.length : s;
        if (stop > i) this.o.onDiscard?.(toHex(chunk.subarray(i, stop), 32), 'bytes outside an STX … ETX frame');
        if (s < 0) break;
        this.open = true;
        i = s + 1;
        continue;
      }
      // Inside a frame: everything up to the next STX, ETX or EOT is data.
      let j = i;
      while (j < chunk.length && chunk[j] !== STX && chunk[j] !== ETX && chunk[j] !== EOT) j++;
      this.take(chunk.subarray(i, j));
      if (j >= chunk.length) break;
      if (chunk[j] === STX) {
        if (this.open) this.discard('a new STX before the end of the frame (incomplete scan)');
        this.open = true;
      } else if (this.open) {
        this.open = false;
        const code = this.code(this.buf.consume(this.buf.length));
        if (code) out.push(code);
      }
      i = j + 1;
    }
    return out;
  }

  /** Data of the open frame; past the limit the frame is dropped. */
  private take(part: Uint8Array): void {
    if (!this.open || part.length === 0) return;
    if (this.buf.length + part.length > this.maxBytes) {
      this.discard(`code longer than ${this.maxBytes} bytes`);
      this.open = false; // the rest of it, up to its end, is dropped as bytes outside a frame
      return;
    }
    this.buf.append(part);
  }

  /** The stale timer: an unfinished frame is dropped (reported). */
  flush(): undefined {
    if (this.open) this.discard('no ETX after the code (incomplete scan)');
    this.open = false;
    return undefined;
  }

  reset(): void {
    this.buf.clear();
    this.open = false;
  }

  /** Drop what the frame holds (consumed first: `onDiscard?.(…)` skips its arguments when there is no listener). */
  private discard(reason: string): void {
    const dropped = this.buf.consume(this.buf.length);
    this.o.onDiscard?.(toHex(dropped, 32), reason);
  }

  private code(frame: Uint8Array): StxEtxCode | undefined {
    if (!this.o.codeId) return frame.length ? { data: frame } : undefined;
    if (frame.length < 2) {
      this.o.onDiscard?.(toHex(frame), 'an STX … ETX frame without data after its Code ID');
      return undefined;
    }
    return { data: frame.subarray(1), codeId: String.fromCharCode(frame[0]!) };
  }
}
