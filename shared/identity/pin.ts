/**
 * Staff PINs (counter sign-in): only a salted PBKDF2-SHA256 hash travels in the staff
 * configuration, as `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`. A counter checks the PIN
 * against it offline. A 4-6 digit PIN is weak against anyone holding the hash, so the hash is
 * never shown, the server's config API strips it, and sign-in attempts are throttled on screen.
 */
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export const PIN_ITERATIONS = 20_000;
const FORMAT = /^pbkdf2-sha256\$(\d{1,7})\$([0-9a-f]{16,64})\$([0-9a-f]{64})$/;

export function isValidPin(pin: string): boolean {
  return /^\d{4,8}$/.test(pin);
}

/** `salt` is 16 random bytes from the caller (shared/ has no random source of its own). */
export async function hashPin(pin: string, salt: Uint8Array, iterations = PIN_ITERATIONS): Promise<string> {
  const dk = await pbkdf2Async(sha256, utf8ToBytes(pin), salt, { c: iterations, dkLen: 32 });
  return `pbkdf2-sha256$${iterations}$${bytesToHex(salt)}$${bytesToHex(dk)}`;
}

export async function verifyPin(pin: string, stored: string | undefined): Promise<boolean> {
  const m = stored ? FORMAT.exec(stored) : null;
  if (!m) return false;
  const dk = await pbkdf2Async(sha256, utf8ToBytes(pin), hexToBytes(m[2]!), { c: Number(m[1]), dkLen: 32 });
  // Constant time: compare every byte.
  const want = hexToBytes(m[3]!);
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= dk[i]! ^ want[i]!;
  return diff === 0;
}
