/**
 * A byte link for the driver targets: what the driver writes goes to a responder (the fuzzed
 * device), what the device sends is delivered after a (virtual) delay. A driver's data
 * listener that throws is an exception escaping the driver: it is reported, not swallowed.
 */
import { DeviceError } from '../../electron/devices/common/errors';
import type { ByteLink } from '../../electron/devices/common/link';

export class FuzzLink implements ByteLink {
  readonly description = 'fuzz link';
  readonly written: Uint8Array[] = [];
  private readonly data = new Set<(chunk: Uint8Array) => void>();
  private readonly closed = new Set<(error?: Error) => void>();
  private isClosed = false;
  /** The device: sees each write; may call `send`. */
  responder: ((bytes: Uint8Array) => void) | undefined;
  /** Writes fail with this (a link that died mid-write). */
  failWrites: DeviceError | undefined;
  /** Called after each delivered chunk (to measure the driver's buffers). */
  afterDeliver: (() => void) | undefined;
  /** The number of times a data listener threw. */
  listenerThrows = 0;

  constructor(private readonly onThrow: (err: unknown) => void) {}

  get listeners(): number {
    return this.data.size;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) throw new DeviceError('transport', 'closed', { zh: '已断开', en: 'closed' });
    if (this.failWrites) throw this.failWrites;
    this.written.push(bytes.slice());
    this.responder?.(bytes.slice());
  }

  /** The device sends these chunks, `gapMs` apart (virtual), starting `delayMs` from now. */
  send(chunks: readonly Uint8Array[], delayMs = 1, gapMs = 0): void {
    let t = delayMs;
    for (const c of chunks) {
      const copy = c.slice();
      setTimeout(() => this.deliver(copy), t);
      t += gapMs;
    }
  }

  /** Deliver now (synchronously). */
  deliver(chunk: Uint8Array): void {
    if (this.isClosed) return;
    for (const l of [...this.data]) {
      try {
        l(chunk);
      } catch (err) {
        this.listenerThrows += 1;
        this.onThrow(err);
      }
    }
    this.afterDeliver?.();
  }

  onData(l: (chunk: Uint8Array) => void): () => void {
    this.data.add(l);
    return () => this.data.delete(l);
  }

  onClose(l: (error?: Error) => void): () => void {
    this.closed.add(l);
    return () => this.closed.delete(l);
  }

  async close(): Promise<void> {
    this.unplug();
  }

  unplug(err?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const l of [...this.closed]) l(err);
  }
}
