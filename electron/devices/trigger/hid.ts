/**
 * A capture button or foot pedal that is a vendor HID device (not a keyboard): an input report
 * per press, read through node-hid. node-hid is loaded lazily (common/native.ts via openHidLink),
 * so a missing prebuild or libusb makes the trigger 'missing' with the reason, never a crash;
 * an unplugged device makes node-hid emit `error`, which closes the link, and the supervisor
 * looks for it again by VID/PID with backoff.
 *
 * Which bits are the button: `mask`, ANDed byte by byte with each report (byte 0 is the report
 * id when the device numbers its reports: give it "00" then). Default: every bit.
 *  - reports 'state' (default): reports carry the button state; a press is a masked bit going
 *    from 0 to 1, a release report (bits back to 0) is silent, a repeated held state is no press.
 *  - reports 'press': one report per press and no release; any masked bit set is a press.
 * A report that changes only bits outside the mask is reported with its hex; so is a report too
 * short for the mask. Presses are debounced like the serial trigger's.
 */
import { DeviceError, toHex } from '../common/errors';
import type { ByteLink } from '../common/link';
import { Listeners } from '../common/support';
import { openHidLink } from '../scanner/hidLink';
import { Debouncer, unknownInput, type TriggerDriver, type TriggerPress } from './types';

export interface HidTriggerOptions {
  id?: string;
  vendorId?: number;
  productId?: number;
  usagePage?: number;
  mask?: number[];
  reports?: 'state' | 'press';
  debounceMs?: number;
  now?: () => number;
  openLink?: () => Promise<ByteLink>;
}

export class HidTrigger implements TriggerDriver {
  readonly id: string;
  private readonly presses = new Listeners<[TriggerPress]>();
  private readonly errors = new Listeners<[DeviceError]>();
  private readonly debounce: Debouncer;
  /** The mask up to its last nonzero byte: a report must be at least this long. */
  private readonly mask: number[] | undefined;
  private unsubscribe: (() => void) | undefined;
  private prev: Uint8Array = new Uint8Array(0);

  constructor(private readonly o: HidTriggerOptions) {
    this.id = o.id ?? 'trigger';
    this.debounce = new Debouncer(o.debounceMs ?? 300, o.now);
    if (o.mask) {
      let end = o.mask.length;
      while (end > 0 && o.mask[end - 1] === 0) end--;
      this.mask = o.mask.slice(0, end);
    }
  }

  onPress(l: (press: TriggerPress) => void): () => void {
    return this.presses.add(l);
  }

  onError(l: (err: DeviceError) => void): () => void {
    return this.errors.add(l);
  }

  open(): Promise<ByteLink> {
    if (this.o.openLink) return this.o.openLink();
    if (this.o.vendorId === undefined) {
      return Promise.reject(
        new DeviceError('config', 'no-vendor-id', {
          zh: 'HID 拍照脚踏须配置 vendorId',
          en: `capture trigger ${this.id}: a HID trigger needs vendorId (and productId), or any HID device could be read as one`,
        }),
      );
    }
    return openHidLink({
      label: 'capture button / pedal',
      vendorId: this.o.vendorId,
      ...(this.o.productId !== undefined ? { productId: this.o.productId } : {}),
      ...(this.o.usagePage !== undefined ? { usagePage: this.o.usagePage } : {}),
    });
  }

  async attach(link: ByteLink): Promise<void> {
    this.detach();
    this.unsubscribe = link.onData((r) => this.report(r));
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.prev = new Uint8Array(0);
    this.debounce.reset();
  }

  private report(r: Uint8Array): void {
    const mask = this.mask;
    if (mask && r.length < mask.length) {
      this.errors.emit(unknownInput(this.id, 'bad-report', `a ${r.length}-byte report is shorter than the ${mask.length}-byte mask`, toHex(r)));
      return;
    }
    const inMask = (i: number) => (mask ? (mask[i] ?? 0) : 0xff);
    const prev = this.prev;
    this.prev = Uint8Array.from(r);
    let pressed = false;
    let other = false;
    for (let i = 0; i < r.length; i++) {
      // 'state': only bits that turned on; 'press': every bit that is on.
      const on = this.o.reports === 'press' ? r[i]! : r[i]! & ~(prev[i] ?? 0);
      if (on & inMask(i)) pressed = true;
      if (on & ~inMask(i) & 0xff) other = true;
    }
    if (pressed) {
      if (this.debounce.press()) this.presses.emit({ deviceId: this.id });
    } else if (other) {
      this.errors.emit(unknownInput(this.id, 'unknown-key', 'a report with no button bit set (outside the mask)', toHex(r)));
    }
  }
}
