/**
 * A serial barcode scanner on the peer end of a pty pair: it "types" codes the way real
 * scanners do — with a CR / CRLF / TAB suffix or none, or framed STX … ETX (EOT) with an
 * optional Code ID, an optional AIM prefix, UTF-8 or GBK, and written in pieces (a
 * USB-serial adapter delivers codes cut anywhere). See tests/fixtures/devices/scanner/.
 */
import iconv from 'iconv-lite';
import type { ByteLink } from '../common/link';
import { openSerialLink } from '../common/serialLink';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The simulator's end of the cable. Shared by the scanner, evaluator and LED simulators. */
export class PeerPort {
  private gone = false;

  protected constructor(protected readonly link: ByteLink) {
    link.onClose(() => (this.gone = true));
  }

  static async openLink(path: string, baudRate = 9600): Promise<ByteLink> {
    return openSerialLink({ path, baudRate });
  }

  /** The cable is gone (the pty pair was killed). */
  get closed(): boolean {
    return this.gone;
  }

  /** Write bytes, optionally in pieces cut at `splitAt` offsets with `pauseMs` between them. */
  async write(bytes: Uint8Array, o: { splitAt?: number[]; pauseMs?: number } = {}): Promise<void> {
    const cuts = [...new Set((o.splitAt ?? []).filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (from > 0 && o.pauseMs) await pause(o.pauseMs);
      await this.link.write(bytes.subarray(from, cut));
      from = cut;
    }
  }

  async close(): Promise<void> {
    await this.link.close().catch(() => {});
  }
}

export interface SimScanOptions {
  /** How the scanner ends a code: CR, CRLF, TAB, nothing, or STX … ETX around it. */
  suffix?: 'cr' | 'crlf' | 'tab' | 'stx-etx' | 'none';
  /** 'stx-etx': the Code ID character sent right after STX (Honeywell "Code ID" prefix). */
  codeId?: string;
  /** 'stx-etx': end with EOT (04) instead of ETX (03), as some scanners do. */
  eot?: boolean;
  /** AIM identifier to send first, e.g. ']Q1'. */
  aim?: string;
  encoding?: 'utf-8' | 'gbk';
  /** Cut the bytes (prefix + text + suffix) at these offsets into separate writes. */
  splitAt?: number[];
  /** Pause between pieces (keep it below the driver's inter-byte gap for suffix 'none'). */
  pauseMs?: number;
}

export class ScannerSim extends PeerPort {
  static async open(path: string, baudRate = 9600): Promise<ScannerSim> {
    return new ScannerSim(await PeerPort.openLink(path, baudRate));
  }

  /** The exact bytes a scan puts on the wire. */
  static bytes(text: string, o: SimScanOptions = {}): Uint8Array {
    const body = o.encoding === 'gbk' ? new Uint8Array(iconv.encode(text, 'gbk')) : new TextEncoder().encode(text);
    const framed = o.suffix === 'stx-etx';
    const aim = new TextEncoder().encode(`${framed ? '\x02' + (o.codeId ?? '') : ''}${o.aim ?? ''}`);
    const suffix = o.suffix === 'none' ? [] : o.suffix === 'crlf' ? [0x0d, 0x0a] : o.suffix === 'tab' ? [0x09] : framed ? [o.eot ? 0x04 : 0x03] : [0x0d];
    const out = new Uint8Array(aim.length + body.length + suffix.length);
    out.set(aim, 0);
    out.set(body, aim.length);
    out.set(suffix, aim.length + body.length);
    return out;
  }

  async scan(text: string, o: SimScanOptions = {}): Promise<void> {
    await this.write(ScannerSim.bytes(text, o), o);
  }
}
