/**
 * From a scanner's bytes to a Scan's text: decode (UTF-8, or GBK from older Chinese scanners),
 * strip the AIM symbology identifier (ISO/IEC 15424 `]Xn`: flag `]`, code letter, modifier).
 */
import iconv from 'iconv-lite';
import { DeviceError, toHex } from '../common/errors';

export type ScanEncoding = 'auto' | 'utf-8' | 'gbk';

const AIM = /^\]([A-Za-z])([0-9A-Za-z])/;

/** `]Q1https://…` → { symbology: ']Q1', text: 'https://…' }; text without a prefix is returned as is. */
export function splitAim(text: string): { text: string; symbology?: string } {
  const m = AIM.exec(text);
  if (!m) return { text };
  return { text: text.slice(3), symbology: m[0] };
}

/** True when the three bytes are an AIM identifier (HID POS puts it in its own field). */
export function aimFromBytes(b: Uint8Array): string | undefined {
  if (b.length !== 3 || b[0] !== 0x5d) return undefined;
  const s = String.fromCharCode(b[0], b[1]!, b[2]!);
  return AIM.test(s) ? s : undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Printable ASCII, TAB/CR/LF, CJK ideographs and Chinese punctuation / full-width forms only. */
const CHINESE_OR_ASCII = /^[\u0020-\u007e\t\r\n\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]*$/;

/**
 * 'auto': UTF-8 when the bytes are valid UTF-8 (plain ASCII is), else GBK — Chinese scanners
 * configured for "GBK output" send QR content that way. GBK Chinese can also be valid UTF-8 by
 * accident: 预约 is D4 A4 D4 BC in GBK, which UTF-8 reads as "ԤԼ" (two-byte sequences, U+0080
 * to U+07FF: Greek, Cyrillic, Armenian…). Chinese in UTF-8 is three bytes a character, so when
 * the UTF-8 reading has such characters and the GBK reading is all Chinese, it is GBK.
 * Configure 'utf-8' or 'gbk' to take no guess.
 */
export function decodeScanText(bytes: Uint8Array, encoding: ScanEncoding = 'auto'): string {
  if (encoding === 'gbk') return iconv.decode(Buffer.from(bytes), 'gbk');
  if (encoding === 'utf-8') return new TextDecoder('utf-8').decode(bytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes), 'gbk');
  }
  if (!/[\u0080-\u07ff]/.test(text)) return text;
  const gbk = iconv.decode(Buffer.from(bytes), 'gbk');
  return CHINESE_OR_ASCII.test(gbk) ? gbk : text;
}

/** Trailing CR/LF some scanners append even when the transport already delimits the code. */
export function trimSuffix(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x0a)) end--;
  return bytes.subarray(0, end);
}

/** Longest text a Scan may carry (shared/devices/contract.ts). */
export const MAX_SCAN_CHARS = 4096;

export interface ScanParts {
  text: string;
  symbology?: string;
}

/**
 * One code's bytes → text and symbology, or why it is not a code. `symbology` from a separate
 * field (HID POS) wins; otherwise a `]Xn` prefix in the data is used.
 */
export function codeFromBytes(bytes: Uint8Array, encoding: ScanEncoding, symbology?: string): ScanParts | { error: 'empty' | 'too-long' | 'undecodable' } {
  const decoded = decodeScanText(trimSuffix(bytes), encoding);
  // Bytes that are neither UTF-8 nor GBK (line noise, a damaged frame): not a code.
  if (decoded.includes('\uFFFD')) return { error: 'undecodable' };
  const split = symbology ? { text: decoded, symbology } : splitAim(decoded);
  if (split.text.length === 0) return { error: 'empty' };
  if (split.text.length > MAX_SCAN_CHARS) return { error: 'too-long' };
  return split;
}

/** The error a driver reports for bytes that decode as neither UTF-8 nor GBK. */
export function undecodable(id: string, bytes: Uint8Array): DeviceError {
  return new DeviceError('protocol', 'scan-undecodable', { zh: '扫码数据无法识别，已丢弃', en: `scanner ${id}: the code is neither UTF-8 nor GBK text` }, toHex(bytes, 32));
}
