/**
 * Streaming framers: bytes arrive in chunks cut anywhere; a framer keeps what it has, returns
 * every complete frame, and on garbage (bad header, bad checksum, impossible length) drops a
 * byte and looks for the next frame start, reporting what it dropped.
 */
export interface Framer<F> {
  /** Feed a chunk; get the frames it completed, in order. */
  push(chunk: Uint8Array): F[];
  /** Forget a partial frame (after a timeout or a reconnect). */
  reset(): void;
}

export interface FramerReport {
  /** Bytes skipped while resynchronising, as hex, with why. */
  onDiscard?: (hex: string, reason: string) => void;
}

/** Growable byte buffer for framers. */
export class ByteBuffer {
  private buf = new Uint8Array(1024);
  private len = 0;

  get length(): number {
    return this.len;
  }

  append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  at(i: number): number {
    return this.buf[i]!;
  }

  view(start = 0, end = this.len): Uint8Array {
    return this.buf.subarray(start, end);
  }

  /** Drop the first n bytes. */
  consume(n: number): Uint8Array {
    const out = this.buf.slice(0, n);
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
    return out;
  }

  clear(): void {
    this.len = 0;
  }
}
