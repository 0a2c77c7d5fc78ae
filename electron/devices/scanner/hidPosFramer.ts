/**
 * HID POS scanner reports, Honeywell layout (64 bytes):
 *   [0]      report id 0x02 (scanned data)
 *   [1]      number of data bytes in this packet (0..56; up to 58 accepted)
 *   [2..4]   AIM symbology identifier, e.g. `]Q1` (zeros when the scanner sends none)
 *   [5..]    data
 *   [63]     1 when more packets of the same code follow, else 0
 * A code longer than one packet spans several; the AIM id of the first is kept.
 * The link delivers whole reports, so the stream is cut every 64 bytes (a chunk split anywhere
 * still reassembles); a report with another id is dropped whole and reported. A partial code
 * whose next packet does not come within `packetGapMs` is dropped (reported).
 */
import { ByteBuffer, type Framer, type FramerReport } from '../common/framer';
import { toHex } from '../common/errors';
import { aimFromBytes } from './text';

export const HID_POS_REPORT_SIZE = 64;
export const HID_POS_REPORT_ID = 0x02;
const DATA_AT = 5;
const MAX_DATA = HID_POS_REPORT_SIZE - DATA_AT - 1;

export interface HidPosCode {
  data: Uint8Array;
  symbology?: string;
}

export interface HidPosAssemblerOptions extends FramerReport {
  packetGapMs?: number;
  now?: () => number;
  /** A code longer than this many bytes is dropped (reported). */
  maxBytes?: number;
}

export class HidPosAssembler implements Framer<HidPosCode> {
  private readonly buf = new ByteBuffer();
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private symbology: string | undefined;
  private lastAt = 0;
  private readonly now: () => number;

  constructor(private readonly o: HidPosAssemblerOptions = {}) {
    this.now = o.now ?? Date.now;
  }

  push(chunk: Uint8Array): HidPosCode[] {
    this.buf.append(chunk);
    const out: HidPosCode[] = [];
    while (this.buf.length >= HID_POS_REPORT_SIZE) {
      const r = this.buf.consume(HID_POS_REPORT_SIZE);
      const code = this.report(r);
      if (code) out.push(code);
    }
    return out;
  }

  reset(): void {
    this.buf.clear();
    this.dropPartial();
  }

  private report(r: Uint8Array): HidPosCode | undefined {
    const now = this.now();
    if (this.parts.length > 0 && now - this.lastAt > (this.o.packetGapMs ?? 250)) {
      this.o.onDiscard?.(toHex(this.partial(), 32), 'the rest of a multi-packet code never came');
      this.dropPartial();
    }
    if (r[0] !== HID_POS_REPORT_ID) {
      this.o.onDiscard?.(toHex(r), `report id 0x${r[0]!.toString(16).padStart(2, '0')} is not scanned data (0x02)`);
      return undefined;
    }
    const len = r[1]!;
    if (len > MAX_DATA) {
      this.o.onDiscard?.(toHex(r), `data length ${len} does not fit a ${HID_POS_REPORT_SIZE}-byte report`);
      this.dropPartial();
      return undefined;
    }
    if (this.parts.length === 0) this.symbology = aimFromBytes(r.subarray(2, 5));
    this.parts.push(r.slice(DATA_AT, DATA_AT + len));
    this.partBytes += len;
    this.lastAt = now;
    if (this.partBytes > (this.o.maxBytes ?? 16 * 1024)) {
      this.o.onDiscard?.(toHex(this.partial(), 32), 'code too long');
      this.dropPartial();
      return undefined;
    }
    if (r[HID_POS_REPORT_SIZE - 1] === 1) return undefined;
    const code: HidPosCode = { data: this.partial(), ...(this.symbology ? { symbology: this.symbology } : {}) };
    this.dropPartial();
    return code;
  }

  private partial(): Uint8Array {
    const out = new Uint8Array(this.partBytes);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private dropPartial(): void {
    this.parts = [];
    this.partBytes = 0;
    this.symbology = undefined;
  }
}

/**
 * Build the reports a scanner would send for `data` (tests and the simulator), in the layout
 * of the published Honeywell capture (tests/fixtures/devices/scanner/): 56 data bytes a report,
 * and the Honeywell Code ID at [61] when given (e.g. 0x73 for QR), else 0.
 */
export function hidPosReports(data: Uint8Array, aim = ']Q1', perPacket = 56, codeId = 0): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  do {
    const n = Math.min(perPacket, data.length - at);
    const r = new Uint8Array(HID_POS_REPORT_SIZE);
    r[0] = HID_POS_REPORT_ID;
    r[1] = n;
    for (let i = 0; i < 3 && i < aim.length; i++) r[2 + i] = aim.charCodeAt(i);
    r.set(data.subarray(at, at + n), DATA_AT);
    r[HID_POS_REPORT_SIZE - 3] = codeId;
    at += n;
    r[HID_POS_REPORT_SIZE - 1] = at < data.length ? 1 : 0;
    out.push(r);
  } while (at < data.length);
  return out;
}
