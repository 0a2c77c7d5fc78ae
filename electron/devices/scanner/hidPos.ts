/**
 * A HID POS barcode scanner (usage page 0x8C) through node-hid: no keyboard emulation, so it
 * cannot type into the wrong field and needs no focus. Reports are reassembled
 * (hidPosFramer.ts). Unplugging makes node-hid emit `error`, which closes the link; the
 * supervisor reports 'missing' and finds the device again by usage page and VID/PID.
 */
import type { Scan } from '../../../shared/devices/contract';
import { DeviceError, toHex } from '../common/errors';
import type { ByteLink } from '../common/link';
import type { SupervisedDriver } from '../common/supervisor';
import { openHidLink, type HidByteLink } from './hidLink';
import { HidPosAssembler } from './hidPosFramer';
import { Listeners } from '../common/support';
import { codeFromBytes, undecodable, type ScanEncoding } from './text';

export const HID_POS_USAGE_PAGE = 0x8c;
export const HONEYWELL_VENDOR_ID = 0x0c2e;
/** Feature report id 0xFE, value 1: what a Honeywell scanner is sent after opening (see attach). */
export const HONEYWELL_ENABLE = Uint8Array.of(0xfe, 0x01);

export interface HidPosScannerOptions {
  id?: string;
  vendorId?: number;
  productId?: number;
  serialNumber?: string;
  encoding?: ScanEncoding;
  /** A multi-packet code whose next packet is later than this is dropped. Default 250 ms. */
  packetGapMs?: number;
  /** Feature report sent after opening (report id first); default FE 01 for Honeywell (vendor 0C2E), none otherwise. */
  enableReport?: Uint8Array;
  /** Open the link some other way; default: openHidLink(usage page 0x8C + ids). */
  openLink?: () => Promise<ByteLink>;
  now?: () => number;
}

export class HidPosScanner implements SupervisedDriver {
  readonly id: string;
  private readonly assembler: HidPosAssembler;
  private readonly scans = new Listeners<[Scan]>();
  private readonly errors = new Listeners<[DeviceError]>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: HidPosScannerOptions = {}) {
    this.id = o.id ?? 'scanner';
    this.assembler = new HidPosAssembler({
      ...(o.packetGapMs !== undefined ? { packetGapMs: o.packetGapMs } : {}),
      ...(o.now ? { now: o.now } : {}),
      onDiscard: (hex, reason) => this.errors.emit(new DeviceError('protocol', 'hid-report-discarded', { zh: '扫码数据无法识别，已丢弃', en: `scanner ${this.id}: ${reason}` }, hex)),
    });
  }

  onScan(l: (scan: Scan) => void): () => void {
    return this.scans.add(l);
  }

  onError(l: (err: DeviceError) => void): () => void {
    return this.errors.add(l);
  }

  open(): Promise<ByteLink> {
    if (this.o.openLink) return this.o.openLink();
    return openHidLink({
      label: 'HID POS scanner',
      usagePage: HID_POS_USAGE_PAGE,
      ...(this.o.vendorId !== undefined ? { vendorId: this.o.vendorId } : {}),
      ...(this.o.productId !== undefined ? { productId: this.o.productId } : {}),
      ...(this.o.serialNumber !== undefined ? { serialNumber: this.o.serialNumber } : {}),
    });
  }

  async attach(link: ByteLink): Promise<void> {
    this.detach();
    // Honeywell scanners are put into HID POS mode with feature report FE = 01 after opening
    // (as NielsLeenheer/WebHidBarcodeScanner does for vendor 0C2E). Failing is not fatal: the
    // scanner may already be in that mode; it is reported for the log.
    const feature = this.o.enableReport ?? (this.o.vendorId === HONEYWELL_VENDOR_ID ? HONEYWELL_ENABLE : undefined);
    const hidLink = link as Partial<HidByteLink>;
    if (feature && hidLink.sendFeatureReport) {
      await hidLink.sendFeatureReport(feature).catch((err: unknown) => {
        this.errors.emit(new DeviceError('transport', 'enable-report-failed', { zh: '扫码枪未能切换到 HID POS 模式', en: `scanner ${this.id}: the enable report ${toHex(feature)} failed (${err instanceof Error ? err.message : String(err)})` }, toHex(feature)));
      });
    }
    this.unsubscribe = link.onData((chunk) => {
      for (const code of this.assembler.push(chunk)) {
        const r = codeFromBytes(code.data, this.o.encoding ?? 'auto', code.symbology);
        if ('error' in r) {
          if (r.error === 'too-long') this.errors.emit(new DeviceError('protocol', 'scan-too-long', { zh: '扫码内容过长', en: `scanner ${this.id}: code longer than 4096 characters` }, toHex(code.data, 32)));
          if (r.error === 'undecodable') this.errors.emit(undecodable(this.id, code.data));
          continue;
        }
        this.scans.emit({ text: r.text, source: 'hid-pos', ...(r.symbology ? { symbology: r.symbology } : {}) });
      }
    });
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.assembler.reset();
  }
}
