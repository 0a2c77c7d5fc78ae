/**
 * LED strip (条屏) frames, described byte by byte:
 *
 *   start bytes | address (1 byte) | text (encoded) | checksum (0 or 1 byte) | end bytes
 *
 * Checksum range: the address byte and the text bytes — everything after the start bytes and
 * before the checksum byte; start and end bytes are not included. 'sum' is the low 8 bits of
 * the arithmetic sum, 'xor' the XOR of those bytes. (`checksumFrom: 'start'` includes the start
 * bytes too, for vendors that do; devices.json cannot say that yet.)
 *
 * Built-ins:
 *   'plain-01-07': 01 | addr | ASCII text | 07                 (no checksum, 300 ms between frames)
 *   'sum-3a-0a':   3A | addr | GB2312 text | sum(addr+text) | 0A   (9600 8N1, 300 ms between frames)
 *     e.g. address 1, "暂停服务" = D4 DD CD A3 B7 FE CE F1 →
 *          3A 01 D4 DD CD A3 B7 FE CE F1 96 0A   (01+D4+DD+CD+A3+B7+FE+CE+F1 = 0x696 → 0x96)
 *
 * Text encoding: iconv-lite's 'gb2312' is really GBK (cp936), so GB2312 is enforced here: every
 * double-byte character must have both bytes in A1..FE. Control characters are never allowed.
 * Text whose bytes would contain the first end byte is refused (the strip would cut it there).
 */
import iconv from 'iconv-lite';
import type { z } from 'zod';
import { ByteBuffer, type Framer, type FramerReport } from '../common/framer';
import { DeviceError, toHex } from '../common/errors';
import type { LedFrameSchema } from '../config';

export type LedEncoding = 'gb2312' | 'gbk' | 'ascii';

export interface LedFrameSpec {
  start: number[];
  /** The address byte; null = the frame has none. */
  address: number | null;
  encoding: LedEncoding;
  checksum: 'none' | 'sum' | 'xor';
  checksumFrom?: 'address' | 'start';
  end: number[];
  gapMs: number;
}

export const BUILTIN_FRAMES = {
  'plain-01-07': { start: [0x01], encoding: 'ascii', checksum: 'none', end: [0x07], gapMs: 300 },
  'sum-3a-0a': { start: [0x3a], encoding: 'gb2312', checksum: 'sum', end: [0x0a], gapMs: 300 },
} as const satisfies Record<string, Omit<LedFrameSpec, 'address'>>;

export type BuiltinFrame = keyof typeof BUILTIN_FRAMES;

/** A frame as devices.json gives it (LedFrameSchema), or a full spec; 'ff68-digits' is ff68Display.ts. */
export type LedFrameInput = BuiltinFrame | 'ff68-digits' | z.infer<typeof LedFrameSchema> | (Omit<LedFrameSpec, 'address'> & { address?: number | null });

/**
 * devices.json `led.frame` + `led.address` → the full spec. A frame's own address (or null =
 * none) wins. For 'ff68-digits' the spec is only the frame's outline (its bytes are built by
 * ff68Display.ts): start, end, the sum and the pacing.
 */
export function resolveLedFrame(frame: LedFrameInput, address: number | null): LedFrameSpec {
  if (frame === 'ff68-digits') return { start: [0xff, 0x68], address, encoding: 'ascii', checksum: 'sum', end: [0x16], gapMs: 300 };
  if (typeof frame === 'string') {
    const b = BUILTIN_FRAMES[frame];
    return { start: [...b.start], address, encoding: b.encoding, checksum: b.checksum, end: [...b.end], gapMs: b.gapMs };
  }
  return {
    start: [...frame.start],
    address: frame.address === undefined ? address : frame.address,
    encoding: frame.encoding,
    checksum: frame.checksum,
    ...('checksumFrom' in frame && frame.checksumFrom ? { checksumFrom: frame.checksumFrom } : {}),
    end: [...frame.end],
    gapMs: frame.gapMs,
  };
}

const describe = (c: string) => `"${c}" (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;

/** Encode text for the strip, or a DeviceError 'config' naming every character it cannot show. */
export function encodeLedText(text: string, encoding: LedEncoding): Uint8Array {
  const bad: string[] = [];
  const parts: Uint8Array[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    let bytes: Uint8Array | undefined;
    if (cp >= 0x20 && cp !== 0x7f) {
      if (cp < 0x80) bytes = Uint8Array.of(cp);
      else if (encoding !== 'ascii') {
        const b = iconv.encode(ch, 'gbk');
        const roundTrip = iconv.decode(b, 'gbk') === ch;
        const inGb2312 = b.length === 2 && b[0]! >= 0xa1 && b[0]! <= 0xfe && b[1]! >= 0xa1 && b[1]! <= 0xfe;
        if (roundTrip && (encoding === 'gbk' ? b.length >= 1 : inGb2312)) bytes = new Uint8Array(b);
      }
    }
    if (bytes) parts.push(bytes);
    else if (!bad.includes(ch)) bad.push(ch);
  }
  if (bad.length > 0) {
    const label = encoding === 'ascii' ? 'ASCII' : encoding.toUpperCase();
    throw new DeviceError('config', 'led-unencodable', {
      zh: `条屏（${label}）无法显示这些字符：${bad.join(' ')}`,
      en: `the LED strip (${label}) cannot show ${bad.map(describe).join(', ')}`,
    });
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function checksumOf(kind: 'sum' | 'xor', bytes: Uint8Array): number {
  let c = 0;
  for (const b of bytes) c = kind === 'sum' ? (c + b) & 0xff : c ^ b;
  return c;
}

/** The bytes the checksum covers for a frame laid out as start|addr|text. */
function covered(spec: LedFrameSpec, frame: Uint8Array, textEnd: number): Uint8Array {
  return frame.subarray(spec.checksumFrom === 'start' ? 0 : spec.start.length, textEnd);
}

export function buildLedFrame(spec: LedFrameSpec, text: string): Uint8Array {
  const body = encodeLedText(text, spec.encoding);
  const end0 = spec.end[0];
  if (end0 !== undefined && body.includes(end0)) {
    throw new DeviceError('config', 'led-text-has-marker', {
      zh: '条屏文字与帧结束符冲突',
      en: `the encoded text contains the frame's end byte 0x${toHex([end0])}; the strip would cut the text there`,
    });
  }
  const head = spec.start.length + (spec.address === null ? 0 : 1);
  const cs = spec.checksum === 'none' ? 0 : 1;
  const f = new Uint8Array(head + body.length + cs + spec.end.length);
  f.set(spec.start, 0);
  if (spec.address !== null) f[spec.start.length] = spec.address;
  f.set(body, head);
  if (spec.checksum !== 'none') f[head + body.length] = checksumOf(spec.checksum, covered(spec, f, head + body.length));
  f.set(spec.end, head + body.length + cs);
  return f;
}

export interface LedFrameParsed {
  address: number | null;
  text: string;
  raw: string;
}

/**
 * The strip's side (the simulator, and tests): finds frames in a byte stream, verifies the
 * checksum and that the text is well-formed for the encoding, decodes it. The text ends at the
 * first end byte (it can never contain one); a checksum equal to the end byte is recognised by
 * trying the checksum one byte later. On a bad checksum, a truncated frame or garbage it drops
 * a byte and resyncs on the next start.
 */
export class LedFrameParser implements Framer<LedFrameParsed> {
  private readonly buf = new ByteBuffer();
  private readonly head: number;
  private readonly cs: number;

  constructor(
    private readonly spec: LedFrameSpec,
    private readonly report: FramerReport = {},
    private readonly maxFrame = 1024,
  ) {
    this.head = spec.start.length + (spec.address === null ? 0 : 1);
    this.cs = spec.checksum === 'none' ? 0 : 1;
  }

  push(chunk: Uint8Array): LedFrameParsed[] {
    this.buf.append(chunk);
    const out: LedFrameParsed[] = [];
    for (;;) {
      const r = this.step();
      if (r === 'wait') break;
      if (r !== 'again') out.push(r);
    }
    return out;
  }

  reset(): void {
    this.buf.clear();
  }

  private step(): LedFrameParsed | 'wait' | 'again' {
    const { start, end } = this.spec;
    const view = this.buf.view();
    const s = indexOfSeq(view, start, 0);
    if (s < 0) {
      // Keep a possible partial start at the tail.
      const keep = Math.min(view.length, start.length - 1);
      if (view.length - keep > 0) this.drop(view.length - keep, 'no frame start');
      return 'wait';
    }
    if (s > 0) {
      this.drop(s, 'bytes before a frame start');
      return 'again';
    }
    const firstEnd = this.head + this.cs;
    // Only within the longest frame: a flood of start bytes must not cost a scan of the whole buffer per byte.
    const e = indexOfSeq(view.subarray(0, this.maxFrame), end, firstEnd);
    if (e < 0) {
      if (view.length > this.maxFrame) {
        this.drop(1, 'frame too long or without its end bytes');
        return 'again';
      }
      return 'wait';
    }
    if (this.cs === 0) {
      if (this.validText(e)) return this.accept(e, e);
      this.drop(1, 'not text the strip could show (truncated frame or garbage)');
      return 'again';
    }
    // A: checksum right before the end bytes.
    if (this.verify(e - 1) && this.validText(e - 1)) return this.accept(e - 1, e);
    // B: the checksum byte is itself equal to end[0]; the end bytes follow it.
    if (this.checksumAt(e) === view[e] && this.validText(e)) {
      if (view.length < e + 1 + end.length) return 'wait';
      if (matchesAt(view, end, e + 1)) return this.accept(e, e + 1);
    }
    this.drop(1, 'bad checksum, truncated frame or garbage');
    return 'again';
  }

  /** The checksum over the covered bytes up to textEnd (exclusive). */
  private checksumAt(textEnd: number): number {
    if (textEnd < this.head) return -1;
    return checksumOf(this.spec.checksum as 'sum' | 'xor', covered(this.spec, this.buf.view(), textEnd));
  }

  private verify(textEnd: number): boolean {
    return textEnd >= this.head && this.checksumAt(textEnd) === this.buf.at(textEnd);
  }

  /**
   * The bytes from the header to textEnd are text the encoder could have produced: no control
   * bytes, and well-formed for the encoding. This is what tells a frame that lost its end byte,
   * glued to the next frame, from one frame (the address byte and the lost frame's checksum land
   * in the "text"): with a sum checksum such a glued frame can check out.
   */
  private validText(textEnd: number): boolean {
    const t = this.buf.view(this.head, textEnd);
    const enc = this.spec.encoding;
    for (let i = 0; i < t.length; i++) {
      const b = t[i]!;
      if (b < 0x20 || b === 0x7f) return false;
      if (b < 0x80) continue;
      if (enc === 'ascii') return false;
      if (enc === 'gbk' && b === 0x80) continue;
      const lead = enc === 'gb2312' ? b >= 0xa1 && b <= 0xfe : b >= 0x81 && b <= 0xfe;
      const n = t[i + 1];
      const trail = n !== undefined && (enc === 'gb2312' ? n >= 0xa1 && n <= 0xfe : n >= 0x40 && n <= 0xfe && n !== 0x7f);
      if (!lead || !trail) return false;
      i++;
    }
    return true;
  }

  private accept(textEnd: number, endAt: number): LedFrameParsed {
    const frame = this.buf.consume(endAt + this.spec.end.length);
    const text = frame.subarray(this.head, textEnd);
    const address = this.spec.address === null ? null : frame[this.spec.start.length]!;
    return { address, text: iconv.decode(Buffer.from(text), 'gbk'), raw: toHex(frame) };
  }

  private drop(n: number, reason: string): void {
    // Consume first: `onDiscard?.(…)` skips its arguments when there is no listener.
    const dropped = this.buf.consume(n);
    this.report.onDiscard?.(toHex(dropped), reason);
  }
}

function matchesAt(hay: Uint8Array, needle: readonly number[], at: number): boolean {
  if (at + needle.length > hay.length) return false;
  for (let i = 0; i < needle.length; i++) if (hay[at + i] !== needle[i]) return false;
  return true;
}

function indexOfSeq(hay: Uint8Array, needle: readonly number[], from: number): number {
  if (needle.length === 0) return from <= hay.length ? from : -1;
  for (let i = from; i + needle.length <= hay.length; i++) if (matchesAt(hay, needle, i)) return i;
  return -1;
}
