/**
 * From a scanner's bytes to a Scan's text: decode (UTF-8, or GBK from older Chinese scanners),
 * strip the AIM symbology identifier (ISO/IEC 15424 `]Xn`: flag `]`, code letter, modifier).
 */
import iconv from 'iconv-lite';

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

/**
 * 'auto': UTF-8 when the bytes are valid UTF-8 (plain ASCII is), else GBK — Chinese scanners
 * configured for "GBK output" send QR content that way.
 */
export function decodeScanText(bytes: Uint8Array, encoding: ScanEncoding = 'auto'): string {
  if (encoding === 'gbk') return iconv.decode(Buffer.from(bytes), 'gbk');
  if (encoding === 'utf-8') return new TextDecoder('utf-8').decode(bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes), 'gbk');
  }
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
export function codeFromBytes(bytes: Uint8Array, encoding: ScanEncoding, symbology?: string): ScanParts | { error: 'empty' | 'too-long' } {
  const decoded = decodeScanText(trimSuffix(bytes), encoding);
  const split = symbology ? { text: decoded, symbology } : splitAim(decoded);
  if (split.text.length === 0) return { error: 'empty' };
  if (split.text.length > MAX_SCAN_CHARS) return { error: 'too-long' };
  return split;
}
