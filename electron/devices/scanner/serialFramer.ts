/**
 * Serial scanner lines. With a suffix ('cr' or 'crlf') a code ends at CR; an LF straight after
 * the CR (CRLF, even in the next chunk) is dropped, and empty lines are ignored, so 'cr' and
 * 'crlf' scanners parse the same and a scanner set to the other suffix still works. An LF not
 * after a CR is part of the code (multi-line QR content). With 'tab' (the scan terminator
 * 09 that scanner and terminal settings offer beside 0D and none) a code ends at TAB instead.
 * STX/ETX framing is stxEtxFramer.ts.
 * With suffix 'none' the framer only collects; the driver calls `flush()` after the
 * inter-byte gap, and that ends the code. `flush()` in suffix mode instead drops a partial
 * line that never got its CR (reported), so it cannot prefix the next scan.
 */
import { ByteBuffer, type Framer, type FramerReport } from '../common/framer';
import { toHex } from '../common/errors';

export interface ScanLineFramerOptions extends FramerReport {
  suffix: 'cr' | 'crlf' | 'tab' | 'none';
  /** Longer partial codes are dropped (reported) up to the next CR (TAB). */
  maxBytes?: number;
}

export class ScanLineFramer implements Framer<Uint8Array> {
  private readonly buf = new ByteBuffer();
  private afterCr = false;
  /** Dropping an over-long line up to its CR. */
  private skipping = false;
  private readonly maxBytes: number;

  constructor(private readonly o: ScanLineFramerOptions) {
    this.maxBytes = o.maxBytes ?? 16 * 1024;
  }

  /** Something is waiting for its end (a partial code, or an over-long one being dropped). */
  get waiting(): boolean {
    return this.buf.length > 0 || this.skipping;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (this.o.suffix === 'none') {
      this.append(chunk);
      return out;
    }
    const end = this.o.suffix === 'tab' ? 0x09 : 0x0d;
    let i = 0;
    if (this.afterCr && chunk.length > 0) {
      if (chunk[0] === 0x0a) i = 1;
      this.afterCr = false;
    }
    while (i < chunk.length) {
      const cr = chunk.indexOf(end, i);
      if (cr < 0) {
        this.append(chunk.subarray(i));
        break;
      }
      this.append(chunk.subarray(i, cr));
      if (this.skipping) this.skipping = false;
      else if (this.buf.length > 0) out.push(this.buf.consume(this.buf.length));
      i = cr + 1;
      if (end !== 0x0d) continue;
      if (i < chunk.length) {
        if (chunk[i] === 0x0a) i += 1;
      } else {
        this.afterCr = true;
      }
    }
    return out;
  }

  /** The inter-byte gap passed: in 'none' mode the pending code; in suffix mode drop the partial. */
  flush(): Uint8Array | undefined {
    this.afterCr = false;
    if (this.skipping) {
      this.skipping = false;
      return undefined;
    }
    if (this.buf.length === 0) return undefined;
    const bytes = this.buf.consume(this.buf.length);
    if (this.o.suffix === 'none') return bytes;
    this.o.onDiscard?.(toHex(bytes), `no ${this.o.suffix === 'tab' ? 'TAB' : 'CR'} after the code (incomplete scan)`);
    return undefined;
  }

  reset(): void {
    this.buf.clear();
    this.afterCr = false;
    this.skipping = false;
  }

  private append(part: Uint8Array): void {
    if (this.skipping || part.length === 0) return;
    if (this.buf.length + part.length > this.maxBytes) {
      const head = this.buf.consume(this.buf.length);
      this.o.onDiscard?.(toHex(head, 32), `code longer than ${this.maxBytes} bytes`);
      // In 'none' mode there is no CR to wait for: the rest of the burst is dropped until flush().
      this.skipping = true;
      return;
    }
    this.buf.append(part);
  }
}
