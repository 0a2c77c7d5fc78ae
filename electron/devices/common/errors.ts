/**
 * Typed device errors: what failed (the link, the protocol, the device's own status, or time),
 * a code, a message for people in both languages, and the raw bytes that showed it (hex).
 */
import type { Bilingual } from '../../../shared/config/text';

export type DeviceErrorKind = 'transport' | 'protocol' | 'status' | 'timeout' | 'config' | 'unavailable';

export class DeviceError extends Error {
  constructor(
    readonly kind: DeviceErrorKind,
    readonly code: string,
    readonly text: Bilingual,
    readonly raw?: string,
  ) {
    super(`${kind}/${code}: ${text.en}${raw ? ` [${raw}]` : ''}`);
    this.name = 'DeviceError';
  }
}

export function toHex(bytes: Uint8Array | readonly number[], max = 256): string {
  const arr = Array.from(bytes.slice(0, max) as ArrayLike<number>);
  const s = arr.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? `${s} …(+${bytes.length - max})` : s;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-f]/gi, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
