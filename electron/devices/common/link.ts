/**
 * A byte link to a device: a serial port, a TCP socket (printer port 9100) or a device file
 * (/dev/usb/lp0). Drivers speak their protocol over this and never see which it is.
 */
export interface ByteLink {
  readonly description: string;
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Called once when the link is gone (unplugged, closed, reset); `error` says why. */
  onClose(listener: (error?: Error) => void): () => void;
  close(): Promise<void>;
}

/** Listener bookkeeping shared by link implementations. */
export class LinkEvents {
  private readonly data = new Set<(chunk: Uint8Array) => void>();
  private readonly closed = new Set<(error?: Error) => void>();
  private done = false;

  onData(l: (chunk: Uint8Array) => void): () => void {
    this.data.add(l);
    return () => this.data.delete(l);
  }

  onClose(l: (error?: Error) => void): () => void {
    this.closed.add(l);
    return () => this.closed.delete(l);
  }

  emitData(chunk: Uint8Array): void {
    for (const l of this.data) l(chunk);
  }

  emitClose(error?: Error): void {
    if (this.done) return;
    this.done = true;
    for (const l of this.closed) l(error);
  }

  get isClosed(): boolean {
    return this.done;
  }
}
