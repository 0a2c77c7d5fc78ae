/**
 * The publisher's signature on an update (issue 15): an Ed25519 signature over
 * "hallq-update-v1\n<version>\n<sha512 of the installer, hex>\n", made with the publisher's
 * private key (`npm run sign-update`, scripts/sign-update.ts) and carried next to the installer in
 * the feed's latest*.yml under `hallqSignatures` (file name -> base64 signature). The app checks
 * it against the public key(s) pinned into its build (pinnedKeys.ts) before an update installs,
 * on every platform: Linux packages (AppImage, deb) have no other signature electron-updater
 * checks, and on Windows it comes on top of the Authenticode publisher check.
 *
 * The version is part of what is signed: an old, genuinely signed installer cannot be offered
 * as a newer version (and electron-updater refuses older versions: allowDowngrade is off).
 * node:crypto only; Electron's main process runs Node 22.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { z } from 'zod';

/** The field of latest*.yml that carries the signatures. */
export const SIGNATURES_FIELD = 'hallqSignatures';
const DOMAIN = 'hallq-update-v1';
/** A version as electron-builder writes it (semver); nothing that could break the message's lines. */
export const VersionSchema = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/, 'a version such as 1.2.3');
/** Key rotation: the old and the new key may both be pinned for a while. */
const MAX_KEYS = 4;
/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SignatureSchema = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'a base64 Ed25519 signature (64 bytes)');
const SignaturesSchema = z
  .record(z.string().min(1).max(255), SignatureSchema)
  .refine((r) => Object.keys(r).length <= 32, 'at most 32 signed files');

/** The bytes the publisher signs. */
export function signedMessage(version: string, sha512: Uint8Array): Buffer {
  const v = VersionSchema.parse(version);
  if (sha512.length !== 64) throw new Error('a SHA-512 digest is 64 bytes');
  return Buffer.from(`${DOMAIN}\n${v}\n${Buffer.from(sha512).toString('hex')}\n`, 'utf8');
}

export type KeysResult = { ok: true; keys: KeyObject[] } | { ok: false; error: string };

/**
 * The pinned key text: base64 raw Ed25519 public keys (32 bytes each, the form `npm run
 * sign-update -- keygen` prints), separated by commas or white space. Empty means none.
 */
export function parsePublicKeys(text: string): KeysResult {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) return { ok: false, error: 'no update signing key is pinned in this build' };
  if (parts.length > MAX_KEYS) return { ok: false, error: `at most ${MAX_KEYS} update signing keys` };
  const keys: KeyObject[] = [];
  for (const part of parts) {
    const raw = /^[A-Za-z0-9+/]{43}=$/.test(part) ? Buffer.from(part, 'base64') : null;
    if (raw?.length !== 32) return { ok: false, error: 'an update signing key is 32 bytes in base64 (44 characters)' };
    keys.push(createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' }));
  }
  return { ok: true, keys };
}

/** A public key in the pinned form (base64 of its 32 raw bytes). */
export function rawPublicKeyBase64(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519' || !der.subarray(0, ED25519_SPKI_PREFIX.length).equals(ED25519_SPKI_PREFIX)) throw new Error('not an Ed25519 public key');
  return der.subarray(ED25519_SPKI_PREFIX.length).toString('base64');
}

/** The signatures an update's info carries (the parsed latest*.yml), or why there are none. */
export function signaturesOf(info: unknown): { ok: true; signatures: string[] } | { ok: false; reason: string } {
  const field = typeof info === 'object' && info !== null ? (info as Record<string, unknown>)[SIGNATURES_FIELD] : undefined;
  if (field === undefined) return { ok: false, reason: `the update carries no signature (${SIGNATURES_FIELD} missing from its latest*.yml)` };
  const parsed = SignaturesSchema.safeParse(field);
  if (!parsed.success) return { ok: false, reason: `the update's ${SIGNATURES_FIELD} is malformed` };
  return { ok: true, signatures: Object.values(parsed.data) };
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** True when one of the signatures over (version, digest) is good under one of the keys. */
export function verifyDigest(version: string, sha512: Uint8Array, signatures: readonly string[], keys: readonly KeyObject[]): Verdict {
  if (!VersionSchema.safeParse(version).success) return { ok: false, reason: 'the update has no valid version' };
  const message = signedMessage(version, sha512);
  for (const sig of signatures) {
    const bytes = Buffer.from(sig, 'base64');
    for (const key of keys) if (verify(null, message, key, bytes)) return { ok: true };
  }
  return { ok: false, reason: 'no signature matches this file and version under the pinned key (tampered, or signed by someone else)' };
}

/** SHA-512 of a file, streamed (installers are ~100 MB; the main process keeps answering). */
export function sha512OfFile(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    createReadStream(path)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest()));
  });
}

/** The same, synchronously: for the check right before installing, in the app's quit handler. */
export function sha512OfFileSync(path: string): Buffer {
  const hash = createHash('sha512');
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest();
}

/** Checks a downloaded installer against its update info; never throws. */
export async function verifyUpdateFile(path: string, info: { version: string }, keys: readonly KeyObject[]): Promise<Verdict> {
  const sigs = signaturesOf(info);
  if (!sigs.ok) return sigs;
  try {
    return verifyDigest(info.version, await sha512OfFile(path), sigs.signatures, keys);
  } catch (e) {
    return { ok: false, reason: `cannot read the downloaded file: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The same, synchronously. */
export function verifyUpdateFileSync(path: string, info: { version: string }, keys: readonly KeyObject[]): Verdict {
  const sigs = signaturesOf(info);
  if (!sigs.ok) return sigs;
  try {
    return verifyDigest(info.version, sha512OfFileSync(path), sigs.signatures, keys);
  } catch (e) {
    return { ok: false, reason: `cannot read the downloaded file: ${e instanceof Error ? e.message : String(e)}` };
  }
}
