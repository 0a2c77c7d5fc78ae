/**
 * Our own ESC/POS encoder (DEVICES.md, "Thermal ticket printer"): a builder that produces the
 * exact bytes of a job. Text is GBK (the printers sold in China take GB18030/GBK in Chinese
 * mode); a character the printer cannot print is refused up front, named, instead of printing
 * as garbage. QR payloads are UTF-8 and their length field counts bytes, not UTF-16 units.
 */
import iconv from 'iconv-lite';
import { DeviceError, toHex } from '../common/errors';
import { qrByteCapacity, type QrEcLevel } from '../../../shared/qr/qr';

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

export type Align = 'left' | 'center' | 'right';
export type CutMode = 'full' | 'partial' | { feed: number; partial?: boolean };
export type StatusKind = 1 | 2 | 3 | 4;

/** Characters that GB18030 printers mishandle, replaced by their full-width GBK twins. */
const SUBSTITUTES: ReadonlyMap<string, string> = new Map([['\u00a5', '\uffe5']]);

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function isPrintable(ch: string, bytes: Buffer): boolean {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0xe000 && cp <= 0xf8ff) return false; // GBK's user-defined areas: no glyph in the printer
  // iconv-lite writes '?' for what it cannot encode: only a round trip proves the bytes mean ch.
  if (iconv.decode(bytes, 'gbk') !== ch) return false;
  if (bytes.length === 1) return bytes[0]! >= 0x20 && bytes[0]! <= 0x7e; // ASCII, no control bytes
  if (bytes.length !== 2) return false;
  const [lead, trail] = [bytes[0]!, bytes[1]!];
  return lead >= 0x81 && lead <= 0xfe && trail >= 0x40 && trail <= 0xfe && trail !== 0x7f;
}

/**
 * Text to GBK bytes. Throws DeviceError('config', 'unprintable') naming every character that is
 * not printable GBK (emoji, rare CJK outside GBK, control characters), with its code point.
 */
export function encodeGbk(text: string): Uint8Array {
  const out: number[] = [];
  const bad = new Set<string>();
  for (const raw of text) {
    const ch = SUBSTITUTES.get(raw) ?? raw;
    const bytes = iconv.encode(ch, 'gbk');
    if (!isPrintable(ch, bytes)) {
      bad.add(raw);
      continue;
    }
    out.push(...bytes);
  }
  if (bad.size > 0) {
    const list = [...bad].map((c) => `${/[\p{Cc}\p{Cf}\s]/u.test(c) ? '' : `「${c}」`}${codePoint(c)}`).join(', ');
    throw new DeviceError('config', 'unprintable', { zh: `打印机无法打印这些字符：${list}`, en: `the printer cannot print these characters (outside GBK): ${list}` });
  }
  return Uint8Array.from(out);
}

/** Characters of `text` that the printer cannot print (empty when it all prints). */
export function unprintableChars(text: string): string[] {
  const bad = new Set<string>();
  for (const raw of text) {
    const ch = SUBSTITUTES.get(raw) ?? raw;
    if (!isPrintable(ch, iconv.encode(ch, 'gbk'))) bad.add(raw);
  }
  return [...bad];
}

/** `DLE EOT n`: the real-time status request. Sent alone, never inside another command. */
export function statusRequest(n: StatusKind): Uint8Array {
  return Uint8Array.of(DLE, EOT, n);
}

const EC_LEVEL_BYTE: Record<QrEcLevel, number> = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 };

export interface QrOptions {
  /** Module size in dots, 1..16 (`GS ( k` function 167). */
  moduleSize?: number;
  ecLevel?: QrEcLevel;
}

/**
 * The builder. Each method appends one command; `bytes()` returns the job and checks that no
 * real-time request (`DLE EOT`, `DLE ENQ`, `DLE DC4`) hides inside it, because the printer
 * acts on those wherever they appear, even inside another command's parameters.
 */
export class EscPos {
  private readonly parts: number[] = [];
  private chinese: boolean | undefined;

  /** `ESC @`: reset modes (size, bold, alignment) to the power-on state. */
  init(): this {
    return this.push(ESC, 0x40);
  }

  /** `FS &`: Chinese character mode on (GBK double-byte text). */
  chineseOn(): this {
    this.chinese = true;
    return this.push(FS, 0x26);
  }

  /** `FS .`: Chinese character mode off (single-byte code page). */
  chineseOff(): this {
    this.chinese = false;
    return this.push(FS, 0x2e);
  }

  /** Text in GBK. Non-ASCII text after `chineseOff()` is refused: it would print as garbage. */
  text(s: string): this {
    const bytes = encodeGbk(s);
    if (this.chinese === false && bytes.some((b) => b >= 0x80)) {
      throw new DeviceError('config', 'not-chinese-mode', { zh: '中文模式已关闭，无法打印中文', en: `Chinese mode is off: cannot print "${s}"` });
    }
    return this.push(...bytes);
  }

  /** Text, then a line feed. */
  line(s = ''): this {
    if (s) this.text(s);
    return this.push(LF);
  }

  /** `ESC a n` */
  align(a: Align): this {
    return this.push(ESC, 0x61, a === 'left' ? 0 : a === 'center' ? 1 : 2);
  }

  /** `ESC E n` */
  bold(on = true): this {
    return this.push(ESC, 0x45, on ? 1 : 0);
  }

  /** `GS ! n`: character magnification, width and height 1..8 (2 = double, 4 = quad). */
  size(width: number, height = width): this {
    for (const [name, v] of [
      ['width', width],
      ['height', height],
    ] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 8) throw new DeviceError('config', 'bad-size', { zh: '字符放大倍数须为 1 至 8', en: `character ${name} must be 1..8, got ${v}` });
    }
    return this.push(GS, 0x21, ((width - 1) << 4) | (height - 1));
  }

  /** `LF` n times (n = 1), or `ESC d n`. */
  feed(lines = 1): this {
    if (!Number.isInteger(lines) || lines < 0 || lines > 255) throw new DeviceError('config', 'bad-feed', { zh: '走纸行数无效', en: `feed must be 0..255 lines, got ${lines}` });
    return lines === 1 ? this.push(LF) : this.push(ESC, 0x64, lines);
  }

  /**
   * A QR code: model 2, module size, error level, store (pL pH = UTF-8 byte length + 3), print.
   */
  qr(data: string, opts: QrOptions = {}): this {
    const moduleSize = opts.moduleSize ?? 6;
    const ecLevel = opts.ecLevel ?? 'M';
    if (!Number.isInteger(moduleSize) || moduleSize < 1 || moduleSize > 16) {
      throw new DeviceError('config', 'bad-qr', { zh: '二维码模块大小须为 1 至 16', en: `QR module size must be 1..16, got ${moduleSize}` });
    }
    const payload = new TextEncoder().encode(data);
    const max = qrByteCapacity(40, ecLevel);
    if (payload.length === 0 || payload.length > max) {
      throw new DeviceError('config', 'bad-qr', { zh: '二维码内容为空或过长', en: `QR data must be 1..${max} bytes at level ${ecLevel}, got ${payload.length}` });
    }
    const stored = payload.length + 3;
    this.push(GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00); // model 2
    this.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleSize);
    this.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, EC_LEVEL_BYTE[ecLevel]);
    this.push(GS, 0x28, 0x6b, stored & 0xff, stored >> 8, 0x31, 0x50, 0x30, ...payload);
    return this.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30);
  }

  /** `GS V 0` full, `GS V 1` partial, `GS V 65|66 n` feed n motion units then full|partial cut. */
  cut(mode: CutMode = 'full'): this {
    if (mode === 'full') return this.push(GS, 0x56, 0x00);
    if (mode === 'partial') return this.push(GS, 0x56, 0x01);
    if (!Number.isInteger(mode.feed) || mode.feed < 0 || mode.feed > 255) {
      throw new DeviceError('config', 'bad-cut', { zh: '切纸前走纸量无效', en: `cut feed must be 0..255, got ${mode.feed}` });
    }
    return this.push(GS, 0x56, mode.partial === false ? 65 : 66, mode.feed);
  }

  /** Bytes as they are (for commands this builder does not know). */
  raw(bytes: ArrayLike<number>): this {
    return this.push(...Array.from(bytes));
  }

  get length(): number {
    return this.parts.length;
  }

  bytes(): Uint8Array {
    const out = Uint8Array.from(this.parts);
    const at = findRealtimeSequence(out);
    if (at >= 0) {
      throw new DeviceError(
        'config',
        'realtime-in-job',
        { zh: '打印数据中含有实时指令序列，已拒绝', en: `the job contains a real-time command sequence at byte ${at}; the printer would act on it` },
        toHex(out.subarray(Math.max(0, at - 8), at + 8)),
      );
    }
    return out;
  }

  private push(...bytes: number[]): this {
    for (const b of bytes) this.parts.push(b & 0xff);
    return this;
  }
}

/**
 * Index of a `DLE EOT n` / `DLE ENQ n` / `DLE DC4 n` sequence inside a job, or -1.
 * Printers scan the incoming stream for these even inside other commands' data.
 */
export function findRealtimeSequence(bytes: Uint8Array): number {
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] !== DLE) continue;
    const c = bytes[i + 1];
    const n = bytes[i + 2]!;
    if ((c === EOT && n >= 1 && n <= 4) || (c === 0x05 && n >= 0 && n <= 2) || (c === 0x14 && n >= 1 && n <= 8)) return i;
  }
  return -1;
}
