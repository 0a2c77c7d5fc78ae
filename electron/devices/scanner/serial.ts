/**
 * A serial (RS-232 / USB-CDC) barcode scanner: lines of text ending in CR, CRLF or TAB, codes
 * framed `STX … ETX` (optionally with a Code ID after STX), or no suffix at all (the code ends
 * when the bytes stop for `interByteMs`). An AIM prefix `]Xn` becomes the scan's symbology.
 * Runs under DeviceSupervisor: `open()` gives it its link.
 */
import type { Scan } from '../../../shared/devices/contract';
import { DeviceError, toHex } from '../common/errors';
import { SerialInputDriver, type SerialInputOptions } from '../common/serialInput';
import { ScanLineFramer } from './serialFramer';
import { StxEtxFramer } from './stxEtxFramer';
import { Listeners } from '../common/support';
import { codeFromBytes, undecodable, type ScanEncoding } from './text';

export type SerialScanSuffix = 'cr' | 'crlf' | 'tab' | 'stx-etx' | 'none';

export interface SerialScannerOptions extends SerialInputOptions {
  suffix?: SerialScanSuffix;
  /** 'stx-etx': a one-byte Code ID follows STX (removed from the text). */
  codeId?: boolean;
  /** 'none': the gap that ends a code. Default 50 ms. */
  interByteMs?: number;
  /** 'cr'/'crlf'/'tab'/'stx-etx': a partial code older than this without its end is dropped. Default max(1000, 10 × interByteMs). */
  staleMs?: number;
  encoding?: ScanEncoding;
}

export class SerialScanner extends SerialInputDriver {
  private readonly framer: ScanLineFramer | StxEtxFramer;
  private readonly scans = new Listeners<[Scan]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly suffix: SerialScanSuffix;
  private readonly interByteMs: number;
  private readonly staleMs: number;

  constructor(private readonly o: SerialScannerOptions) {
    super(o, 'scanner', (id) => ({ zh: '扫码枪未配置串口', en: `scanner ${id}: no port configured` }));
    this.suffix = o.suffix ?? 'cr';
    this.interByteMs = o.interByteMs ?? 50;
    this.staleMs = o.staleMs ?? Math.max(1000, this.interByteMs * 10);
    const onDiscard = (hex: string, reason: string) => this.errors.emit(new DeviceError('protocol', 'scan-discarded', { zh: '扫码数据不完整，已丢弃', en: `scanner ${this.id}: ${reason}` }, hex));
    this.framer = this.suffix === 'stx-etx' ? new StxEtxFramer({ codeId: o.codeId ?? false, onDiscard }) : new ScanLineFramer({ suffix: this.suffix, onDiscard });
  }

  onScan(l: (scan: Scan) => void): () => void {
    return this.scans.add(l);
  }

  /** Forget a partial code: its link is gone. */
  protected override reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.framer.reset();
  }

  protected receive(chunk: Uint8Array): void {
    for (const code of this.framer.push(chunk)) this.emit(code instanceof Uint8Array ? code : code.data);
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.framer.waiting) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const code = this.framer.flush();
        if (code) this.emit(code);
      }, this.suffix === 'none' ? this.interByteMs : this.staleMs);
    }
  }

  private emit(bytes: Uint8Array): void {
    const r = codeFromBytes(bytes, this.o.encoding ?? 'auto');
    if ('error' in r) {
      if (r.error === 'too-long') {
        this.errors.emit(new DeviceError('protocol', 'scan-too-long', { zh: '扫码内容过长', en: `scanner ${this.id}: code longer than 4096 characters` }, toHex(bytes, 32)));
      }
      if (r.error === 'undecodable') this.errors.emit(undecodable(this.id, bytes));
      return;
    }
    this.scans.emit({ text: r.text, source: 'serial', ...(r.symbology ? { symbology: r.symbology } : {}) });
  }
}
