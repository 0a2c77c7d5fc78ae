/**
 * Keyed hash of ID numbers (hall rule R21): apart from the masked form, this
 * is the only form in which an ID number is stored or sent between machines.
 * A keyed hash (rather than a plain SHA-256) is required because the space of
 * ID numbers is small enough to brute-force an unkeyed hash.
 */

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { normaliseIdNumber } from './idNumber';

/** Minimum length of the hall's secret key, in bytes (a string key counts its UTF-8 bytes). */
export const MIN_ID_HASH_KEY_BYTES = 16;

/**
 * HMAC-SHA256 of the normalised ID number (trimmed, full-width folded,
 * upper-case — so '…x' and '…X' hash the same) under the hall's secret key,
 * as 64 lower-case hex characters.
 *
 * The number is not validated here (callers validate first); it must not be
 * blank.
 *
 * @throws Error if the key is shorter than 16 bytes or the ID number is blank.
 */
export function idHash(key: string | Uint8Array, idNumber: string): string {
  const keyBytes = typeof key === 'string' ? utf8ToBytes(key) : key;
  if (!(keyBytes instanceof Uint8Array)) {
    throw new TypeError('idHash: the key must be a string or a Uint8Array');
  }
  if (keyBytes.length < MIN_ID_HASH_KEY_BYTES) {
    throw new Error(
      `idHash: the hall's secret key must be at least ${MIN_ID_HASH_KEY_BYTES} bytes long (got ${keyBytes.length})`,
    );
  }
  const normalised = normaliseIdNumber(idNumber);
  if (normalised === '') {
    throw new Error('idHash: the ID number is empty');
  }
  return bytesToHex(hmac(sha256, keyBytes, utf8ToBytes(normalised)));
}
