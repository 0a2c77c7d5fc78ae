/**
 * A window LED strip: `show(text)` encodes the text into the configured frame and sends it,
 * one frame at a time with at least `gapMs` between frames (strips drop frames that come too
 * close). Strips never answer, so a frame is "shown" once written. The last text is kept and
 * sent again whenever the strip is (re)attached: a strip that lost power or was re-plugged
 * shows the right thing again without the counter doing anything.
 */
import { CommandQueue } from '../common/commandQueue';
import { DeviceError } from '../common/errors';
import type { ByteLink } from '../common/link';
import { openSerialLink, type SerialTarget } from '../common/serialLink';
import type { SupervisedDriver } from '../common/supervisor';
import { Listeners, sleep } from '../common/support';
import { ff68DisplayFrame } from './ff68Display';
import { buildLedFrame, resolveLedFrame, type LedFrameInput, type LedFrameSpec } from './frame';

export interface LedStripOptions {
  id?: string;
  port?: SerialTarget;
  /**
   * A built-in frame name, a devices.json frame, or a full spec; a frame's own address (or null
   * = none) wins over `address`. 'ff68-digits': the FF 68 bus digit display (ff68Display.ts).
   */
  frame: LedFrameInput;
  /** The strip's address on the bus (default 1). */
  address?: number;
  /** Give up on one frame write after this long. Default 2000 ms. */
  writeTimeoutMs?: number;
  openLink?: () => Promise<ByteLink>;
}

export class LedStrip implements SupervisedDriver {
  readonly id: string;
  readonly spec: LedFrameSpec;
  private readonly build: (text: string) => Uint8Array;
  private readonly queue = new CommandQueue();
  private readonly errors = new Listeners<[DeviceError]>();
  private link: ByteLink | undefined;
  private lastSentAt = -Infinity;
  private desired: string | undefined;
  private shownText: string | undefined;

  constructor(private readonly o: LedStripOptions) {
    this.id = o.id ?? 'led';
    const address = o.address ?? 1;
    this.spec = resolveLedFrame(o.frame, address);
    this.build = o.frame === 'ff68-digits' ? (text) => ff68DisplayFrame(address, text) : (text) => buildLedFrame(this.spec, text);
    if (!o.port && !o.openLink) throw new DeviceError('config', 'no-port', { zh: '条屏未配置串口', en: `LED strip ${this.id}: no port configured` });
  }

  /** What the strip should be showing (the last text given to show()). */
  get text(): string | undefined {
    return this.desired;
  }

  /** The last text actually written to the strip. */
  get shown(): string | undefined {
    return this.shownText;
  }

  /** Write failures of re-sends on attach (show() rejects with its own). */
  onError(l: (err: DeviceError) => void): () => void {
    return this.errors.add(l);
  }

  /** The frame bytes for a text; throws DeviceError 'config' naming the characters the strip cannot show. */
  frame(text: string): Uint8Array {
    return this.build(text);
  }

  /**
   * Show a text. Rejects with 'config' for text the strip cannot show (nothing is sent), and
   * with 'unavailable' while the strip is disconnected (the text is shown when it is back).
   */
  async show(text: string): Promise<void> {
    const bytes = this.frame(text);
    this.desired = text;
    if (!this.link) {
      throw new DeviceError('unavailable', 'disconnected', { zh: '条屏未连接，恢复后自动显示', en: `LED strip ${this.id} is not connected; the text is shown when it is back` });
    }
    await this.send(text, bytes);
  }

  open(): Promise<ByteLink> {
    return this.o.openLink ? this.o.openLink() : openSerialLink(this.o.port!);
  }

  async attach(link: ByteLink): Promise<void> {
    this.link = link;
    this.shownText = undefined;
    const text = this.desired;
    if (text !== undefined) {
      this.send(text, this.frame(text)).catch((err: unknown) => {
        if (err instanceof DeviceError) this.errors.emit(err);
      });
    }
  }

  detach(): void {
    this.link = undefined;
    this.shownText = undefined;
  }

  private send(text: string, bytes: Uint8Array): Promise<void> {
    const gap = this.spec.gapMs;
    return this.queue.run('led-frame', (this.o.writeTimeoutMs ?? 2000) + gap, async (signal) => {
      const wait = this.lastSentAt + gap - Date.now();
      if (wait > 0) await sleep(wait);
      const link = this.link;
      if (!link || signal.aborted) {
        throw new DeviceError('unavailable', 'disconnected', { zh: '条屏未连接，恢复后自动显示', en: `LED strip ${this.id} is not connected; the text is shown when it is back` });
      }
      await link.write(bytes);
      this.lastSentAt = Date.now();
      this.shownText = text;
    });
  }
}
