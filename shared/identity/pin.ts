/**
 * Staff PINs (counter sign-in) and the terminal's exit password: only a salted PBKDF2-SHA256
 * hash is ever stored, as `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`. The format names
 * its KDF and its cost, so it is versioned by itself: a hash made with fewer than
 * PIN_ITERATIONS (the 20,000 of hallq before issue 15) still verifies, and `pinHashIsCurrent`
 * tells the server to re-hash it at the clerk's next online sign-in. A future KDF gets a new
 * first field; verifyPin refuses any first field it does not know.
 *
 * PIN_ITERATIONS is tuned (SECURITY.md, "Staff PINs and sign-in"): one check costs a counter
 * PC about a seventh of a second, and 10^6 six-digit guesses cost one CPU core about a day and
 * a half. The KDF runs in WebCrypto (native) where the platform offers it, and in JavaScript
 * (@noble/hashes, same result, slower) where it does not (a page served over plain http from
 * another machine has no `crypto.subtle`).
 */
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** Iterations for every new hash (OWASP's 2023 figure for PBKDF2-SHA256). */
export const PIN_ITERATIONS = 600_000;
/** Fewest digits of a new PIN (an older, shorter PIN still signs in once, then must change). */
export const MIN_PIN_DIGITS = 6;
export const MAX_PIN_DIGITS = 12;
/** Below this a stored hash is not even checked: no real hash was ever made with less. */
const MIN_ITERATIONS = 1_000;
const MAX_ITERATIONS = 9_999_999;
const FORMAT = /^pbkdf2-sha256\$(\d{1,7})\$([0-9a-f]{16,64})\$([0-9a-f]{64})$/;

/** A PIN an admin may set now: 6 to 12 digits. */
export function isValidPin(pin: string): boolean {
  return new RegExp(`^\\d{${MIN_PIN_DIGITS},${MAX_PIN_DIGITS}}$`).test(pin);
}

/** A PIN a clerk may type at sign-in: also the 4-5 digit PINs set before issue 15. */
export function isTypablePin(pin: string): boolean {
  return new RegExp(`^\\d{4,${MAX_PIN_DIGITS}}$`).test(pin);
}

/** Whether the stored hash is in the current format and cost (else: re-hash when the PIN is known). */
export function pinHashIsCurrent(stored: string | undefined): boolean {
  const m = stored ? FORMAT.exec(stored) : null;
  return m !== null && Number(m[1]) >= PIN_ITERATIONS;
}

/** Whether `stored` is a hash verifyPin can check at all (any cost it accepts). */
export function isPinHash(stored: string | undefined): boolean {
  const m = stored ? FORMAT.exec(stored) : null;
  return m !== null && Number(m[1]) >= MIN_ITERATIONS;
}

/** `salt` is 16 random bytes from the caller (shared/ has no random source of its own). */
export async function hashPin(pin: string, salt: Uint8Array, iterations = PIN_ITERATIONS): Promise<string> {
  const dk = await pbkdf2(pin, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${bytesToHex(salt)}$${bytesToHex(dk)}`;
}

export async function verifyPin(pin: string, stored: string | undefined): Promise<boolean> {
  const m = stored ? FORMAT.exec(stored) : null;
  if (!m) return false;
  const iterations = Number(m[1]);
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) return false;
  const dk = await pbkdf2(pin, hexToBytes(m[2]!), iterations);
  // Constant time: compare every byte.
  const want = hexToBytes(m[3]!);
  let diff = 0;
  for (let i = 0; i < 32; i++) diff |= dk[i]! ^ want[i]!;
  return diff === 0;
}

// WebCrypto as far as we use it (shared/ is compiled without DOM or Node types).
interface SubtleLike {
  importKey(format: 'raw', key: Uint8Array, alg: 'PBKDF2', extractable: false, usages: ['deriveBits']): Promise<unknown>;
  deriveBits(alg: { name: 'PBKDF2'; hash: 'SHA-256'; salt: Uint8Array; iterations: number }, key: unknown, bits: number): Promise<ArrayBuffer>;
}

function subtle(): SubtleLike | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
}

async function pbkdf2(pin: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const s = subtle();
  if (s) {
    try {
      const key = await s.importKey('raw', utf8ToBytes(pin), 'PBKDF2', false, ['deriveBits']);
      return new Uint8Array(await s.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256));
    } catch {
      // A platform that lists subtle but refuses PBKDF2: the JavaScript KDF gives the same bytes.
    }
  }
  return pbkdf2Async(sha256, utf8ToBytes(pin), salt, { c: iterations, dkLen: 32 });
}
