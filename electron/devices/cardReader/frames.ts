/**
 * The resident ID card reader's SAM serial protocol (DEVICES.md, "Resident ID card reader"):
 *
 *   command   AA AA AA 96 69 | LEN_HI LEN_LO | CMD PARA | DATA... | CHK
 *   response  AA AA AA 96 69 | LEN_HI LEN_LO | SW1 SW2 SW3 | DATA... | CHK
 *
 * LEN (big-endian) counts every byte after the length field, CHK included, so a frame is LEN + 7
 * bytes; CHK is the XOR of every byte from LEN_HI to the byte before CHK.
 *
 * The same streaming framer reads both directions (the driver reads responses, the simulator
 * reads commands); only the smallest plausible LEN differs.
 */
import type { Bilingual } from '../../../shared/config/text';
import { DeviceError, toHex } from '../common/errors';
import { ByteBuffer, type Framer, type FramerReport } from '../common/framer';

export const PREAMBLE = [0xaa, 0xaa, 0xaa, 0x96, 0x69] as const;
/** Preamble + LEN_HI + LEN_LO. */
export const HEADER_BYTES = 7;

/** Commands as [CMD, PARA]. */
export const CMD = {
  resetSam: [0x10, 0xff],
  samStatus: [0x11, 0xff],
  readSamId: [0x12, 0xff],
  findCard: [0x20, 0x01],
  selectCard: [0x20, 0x02],
  readText: [0x30, 0x01],
  readTextFingerprint: [0x30, 0x10],
  readAppendedAddress: [0x30, 0x03],
} as const satisfies Record<string, readonly [number, number]>;
export type CommandName = keyof typeof CMD;

/** SW3 values (DEVICES.md status table). */
export const SW = {
  ok: 0x90,
  noContent: 0x91,
  cardFound: 0x9f,
  checksumError: 0x10,
  lengthError: 0x11,
  commandError: 0x21,
  unauthorized: 0x23,
  unrecognized: 0x24,
  cardAuthSamFailed: 0x31,
  samAuthCardFailed: 0x32,
  verificationError: 0x33,
  unknownCardType: 0x40,
  readFailed: 0x41,
  randomNumberError: 0x47,
  samSelfTestFailed: 0x60,
  samNotAuthorized: 0x66,
  noCard: 0x80,
  selectFailed: 0x81,
} as const;

/**
 * Smallest and largest LEN the framer accepts. A response has at least SW1 SW2 SW3 CHK (4); a
 * command at least CMD PARA CHK (3). The largest real answer is text + photo + fingerprint
 * (3 + 6 + 256 + 1024 + up to 1024 + 1 = 2314); anything far beyond is garbage.
 */
export const MIN_RESPONSE_LEN = 4;
export const MIN_COMMAND_LEN = 3;
export const MAX_LEN = 0x0c00;

export function xorChecksum(bytes: Uint8Array, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i]!;
  return x;
}

function frame(body: ArrayLike<number>): Uint8Array {
  const len = body.length + 1;
  const out = new Uint8Array(HEADER_BYTES + len);
  out.set(PREAMBLE, 0);
  out[5] = (len >> 8) & 0xff;
  out[6] = len & 0xff;
  out.set(Array.from(body), HEADER_BYTES);
  out[out.length - 1] = xorChecksum(out, 5, out.length - 1);
  return out;
}

/** A command frame: `encodeCommand(0x20, 0x01)` = AA AA AA 96 69 00 03 20 01 22. */
export function encodeCommand(cmd: number, para: number, data: ArrayLike<number> = []): Uint8Array {
  return frame([cmd, para, ...Array.from(data)]);
}

export function encodeNamed(name: CommandName): Uint8Array {
  const [cmd, para] = CMD[name];
  return encodeCommand(cmd, para);
}

/** A response frame (the simulator's side): SW1 SW2 SW3, then data. */
export function encodeResponse(sw3: number, data: ArrayLike<number> = [], sw1 = 0, sw2 = 0): Uint8Array {
  const body = new Uint8Array(3 + data.length);
  body[0] = sw1;
  body[1] = sw2;
  body[2] = sw3;
  body.set(Array.from(data), 3);
  return frame(body);
}

/** One checked frame: `body` is everything between LEN and CHK. */
export interface SamFrame {
  body: Uint8Array;
  /** The whole frame as received. */
  raw: Uint8Array;
}

/** A response, with its status words split out. */
export interface SamResponse {
  sw1: number;
  sw2: number;
  sw3: number;
  /** The bytes after SW3, before CHK (for the read answer: the length fields, text, photo...). */
  data: Uint8Array;
  raw: Uint8Array;
}

export function toResponse(f: SamFrame): SamResponse {
  return { sw1: f.body[0]!, sw2: f.body[1]!, sw3: f.body[2]!, data: f.body.subarray(3), raw: f.raw };
}

/** Cheap frame description for logs: never the payload (a read answer carries a person's data). */
export function describeFrame(raw: Uint8Array): string {
  return raw.length <= SHORT_FRAME ? toHex(raw) : `${toHex(raw.subarray(0, 10))} … (${raw.length} bytes, payload withheld)`;
}

/** A response without data (preamble, LEN, SW1-3, CHK): nothing personal in it. */
const SHORT_FRAME = 11;

function startsWithPreamble(b: Uint8Array): boolean {
  return b.length >= PREAMBLE.length && PREAMBLE.every((p, i) => b[i] === p);
}

export interface SamFramerOptions extends FramerReport {
  /** MIN_RESPONSE_LEN (driver, default) or MIN_COMMAND_LEN (simulator). */
  minLen?: number;
  maxLen?: number;
}

/**
 * Streaming framer. Bytes may be cut anywhere. On garbage it drops bytes up to the next place a
 * preamble could start, and reports them (hex + reason):
 * - 'no preamble': bytes that cannot start a frame;
 * - 'impossible length': a preamble followed by LEN outside [minLen, maxLen];
 * - 'bad checksum': a whole frame whose CHK does not match;
 * - 'truncated frame': a frame cut short, recognised because a complete valid frame starts
 *   inside it (a truncated frame followed by a good one never swallows the good one).
 * A truncated frame with nothing after it waits; the driver calls `reset()` (or `discardPending`)
 * when the command times out, so it never hangs.
 */
export class SamFramer implements Framer<SamFrame> {
  private readonly buf = new ByteBuffer();
  private readonly minLen: number;
  private readonly maxLen: number;

  constructor(private readonly o: SamFramerOptions = {}) {
    this.minLen = o.minLen ?? MIN_RESPONSE_LEN;
    this.maxLen = o.maxLen ?? MAX_LEN;
  }

  /** Bytes held towards an incomplete frame. */
  get pending(): number {
    return this.buf.length;
  }

  push(chunk: Uint8Array): SamFrame[] {
    this.buf.append(chunk);
    const out: SamFrame[] = [];
    for (;;) {
      const r = this.step();
      if (r === 'wait') break;
      if (r !== 'dropped') out.push(r);
    }
    return out;
  }

  reset(): void {
    this.buf.clear();
  }

  /** Like reset(), but reports what was held (e.g. after a command timed out). */
  discardPending(reason: string): void {
    if (this.buf.length > 0) this.discard(this.buf.length, reason);
  }

  /** Try to take one frame off the front: a frame, 'dropped' (made progress), or 'wait'. */
  private step(): SamFrame | 'dropped' | 'wait' {
    const n = this.buf.length;
    if (n === 0) return 'wait';
    const v = this.buf.view();
    const pre = Math.min(n, PREAMBLE.length);
    for (let i = 0; i < pre; i++) {
      if (v[i] !== PREAMBLE[i]) return this.dropToNextStart(1, 'no preamble');
    }
    if (n < HEADER_BYTES) return 'wait';
    const len = (v[5]! << 8) | v[6]!;
    if (len < this.minLen || len > this.maxLen) return this.dropToNextStart(1, 'impossible length');
    const size = HEADER_BYTES + len;
    if (n < size) {
      // Incomplete: is a complete valid frame already inside? Then this one was cut short.
      const inner = this.findCompleteFrame(PREAMBLE.length);
      if (inner >= 0) {
        this.discard(inner, 'truncated frame');
        return 'dropped';
      }
      return 'wait';
    }
    if (xorChecksum(v, 5, size - 1) !== v[size - 1]) return this.dropToNextStart(1, 'bad checksum');
    const raw = this.buf.consume(size);
    return { body: raw.subarray(HEADER_BYTES, size - 1), raw };
  }

  /** Drop bytes up to the next position (>= from) where a preamble could start. */
  private dropToNextStart(from: number, reason: string): 'dropped' {
    const v = this.buf.view();
    let i = from;
    for (; i < v.length; i++) if (this.couldStart(v, i)) break;
    this.discard(i, reason);
    return 'dropped';
  }

  private couldStart(v: Uint8Array, i: number): boolean {
    const m = Math.min(PREAMBLE.length, v.length - i);
    for (let k = 0; k < m; k++) if (v[i + k] !== PREAMBLE[k]) return false;
    return true;
  }

  /** First offset >= from where a complete frame with a valid length and checksum sits, or -1. */
  private findCompleteFrame(from: number): number {
    const v = this.buf.view();
    for (let i = from; i + HEADER_BYTES + this.minLen <= v.length; i++) {
      if (v[i] !== PREAMBLE[0] || !this.couldStart(v, i)) continue;
      const len = (v[i + 5]! << 8) | v[i + 6]!;
      if (len < this.minLen || len > this.maxLen || i + HEADER_BYTES + len > v.length) continue;
      if (xorChecksum(v, i + 5, i + HEADER_BYTES + len - 1) === v[i + HEADER_BYTES + len - 1]) return i;
    }
    return -1;
  }

  /**
   * Report dropped bytes. A dropped frame may be a read answer (a person's name and number), so
   * for runs starting with a preamble only the header is shown; other garbage up to 64 bytes.
   */
  private discard(n: number, reason: string): void {
    const dropped = this.buf.consume(n);
    this.o.onDiscard?.(startsWithPreamble(dropped) ? describeFrame(dropped) : toHex(dropped, 64), reason);
  }
}

/** SW3 → what people are told. */
export const STATUS_TEXT: Record<number, Bilingual> = {
  0x90: { zh: '操作成功', en: 'success' },
  0x91: { zh: '无此内容', en: 'no content' },
  0x9f: { zh: '找到证件', en: 'card found' },
  0x10: { zh: '读卡器收到的命令校验和错误', en: 'the reader received a command with a bad checksum' },
  0x11: { zh: '读卡器收到的命令长度错误', en: 'the reader received a command with a bad length' },
  0x21: { zh: '读卡器收到的命令错误', en: 'the reader received a malformed command' },
  0x23: { zh: '越权操作', en: 'unauthorized operation' },
  0x24: { zh: '无法识别的错误', en: 'unrecognized error' },
  0x31: { zh: '证件认证安全模块失败，请重新放置证件', en: 'the card failed to authenticate the SAM; place the card again' },
  0x32: { zh: '安全模块认证证件失败，请重新放置证件', en: 'the SAM failed to authenticate the card; place the card again' },
  0x33: { zh: '信息验证错误，请重新放置证件', en: 'verification error; place the card again' },
  0x40: { zh: '无法识别的证件类型', en: 'unknown card type' },
  0x41: { zh: '读证件操作失败，请重新放置证件', en: 'reading the card failed; place the card again' },
  0x47: { zh: '取随机数失败，请重新放置证件', en: 'random-number error; place the card again' },
  0x60: { zh: '安全模块自检失败，读卡器需要维修', en: 'SAM self-test failed; the reader needs service' },
  0x66: { zh: '安全模块未经授权，读卡器无法使用', en: 'the SAM is not authorized; the reader cannot be used' },
  0x80: { zh: '未找到证件', en: 'no card found' },
  0x81: { zh: '选取证件失败，请重新放置证件', en: 'selecting the card failed; place the card again' },
};

/**
 * Statuses that are about the card in the field (damaged, moved, not a genuine card), not the
 * reader: they do not make the device unhealthy. Everything else that is not success is a
 * reader (SAM) fault.
 */
export const CARD_STATUSES: ReadonlySet<number> = new Set([0x31, 0x32, 0x33, 0x40, 0x41, 0x47, 0x80, 0x81, 0x91]);

export function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** A non-success answer as a typed error: kind 'status', code 'sw-60', bilingual text, raw hex. */
export function statusError(res: SamResponse, command: string): DeviceError {
  const known = STATUS_TEXT[res.sw3];
  const text = known ?? { zh: `读卡器返回未知状态 ${hex2(res.sw3).toUpperCase()}`, en: `the reader answered an unknown status 0x${hex2(res.sw3)}` };
  const sw = `SW ${hex2(res.sw1)} ${hex2(res.sw2)} ${hex2(res.sw3)}`;
  return new DeviceError('status', `sw-${hex2(res.sw3)}`, { zh: `${text.zh}（${command}）`, en: `${text.en} (${command}, ${sw})` }, describeFrame(res.raw));
}

export function isCardStatus(err: DeviceError): boolean {
  if (err.kind !== 'status' || !err.code.startsWith('sw-')) return false;
  return CARD_STATUSES.has(parseInt(err.code.slice(3), 16));
}
