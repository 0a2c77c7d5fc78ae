#!/usr/bin/env node
/**
 * `npm run sign-update -- <command>`: the publisher's side of signed updates (README "Signed
 * updates"; the app's side is electron/main/update/updateSignature.ts).
 *
 *   keygen <private-key-file>   a new Ed25519 key pair: the private key to the file (PKCS#8 PEM,
 *                               mode 0600, never overwritten; encrypted when
 *                               HALLQ_UPDATE_KEY_PASSPHRASE is set), the public key printed
 *                               (and written to <file>.pub) for HALLQ_UPDATE_PUBLIC_KEYS
 *   sign <private-key-file> <release-dir>
 *                               signs every installer each latest*.yml in the folder names
 *                               (after checking its SHA-512 against the yml) and writes the
 *                               signatures into that yml (hallqSignatures)
 *   verify <public-keys> <release-dir>
 *                               checks them as a terminal will, before the folder is published
 *
 * The private key never goes near the hall: keep it offline with whoever builds releases.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parsePublicKeys, rawPublicKeyBase64, SIGNATURES_FIELD, signedMessage, verifyDigest } from '../electron/main/update/updateSignature';

export interface ChannelFile {
  version: string;
  files: { url: string; sha512: string }[];
  /** Signatures already in the file (file name -> base64). */
  signatures: Record<string, string>;
}

const unquote = (v: string) => {
  const t = v.trim();
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2) return t.slice(1, -1).replace(/''/g, "'");
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) return t.slice(1, -1);
  return t;
};

/**
 * Reads a latest*.yml as electron-builder writes it (version, files: - url / sha512, and the
 * signatures block this script appends). Not a general YAML reader: anything else is ignored.
 */
export function readChannelFile(text: string): ChannelFile {
  let version = '';
  const files: { url: string; sha512: string }[] = [];
  const signatures: Record<string, string> = {};
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    const top = /^([A-Za-z0-9_]+):\s*(.*)$/.exec(line);
    if (top) {
      section = top[1]!;
      if (section === 'version') version = unquote(top[2]!);
      continue;
    }
    if (section === 'files') {
      const item = /^\s*-\s*url:\s*(.+)$/.exec(line);
      if (item) files.push({ url: unquote(item[1]!), sha512: '' });
      const sha = /^\s+sha512:\s*(.+)$/.exec(line);
      if (sha && files.length > 0) files[files.length - 1]!.sha512 = unquote(sha[1]!);
    } else if (section === SIGNATURES_FIELD) {
      const entry = /^\s+('(?:[^']|'')*'|"[^"]*"|[^:\s]+):\s*(\S+)\s*$/.exec(line);
      if (entry) signatures[unquote(entry[1]!)] = unquote(entry[2]!);
    }
  }
  if (version === '') throw new Error('no version in the channel file');
  if (files.length === 0) throw new Error('no files in the channel file');
  return { version, files, signatures };
}

/** The yml with its signatures block replaced (always last in the file, written by this script). */
export function withSignatures(text: string, signatures: Record<string, string>): string {
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith(`${SIGNATURES_FIELD}:`));
  let kept = lines;
  if (start >= 0) {
    let end = start + 1;
    while (end < lines.length && /^\s/.test(lines[end]!)) end++;
    kept = [...lines.slice(0, start), ...lines.slice(end)];
  }
  // Both quoted: a YAML reader never takes a name or a base64 value for anything but a string.
  const block = [`${SIGNATURES_FIELD}:`, ...Object.entries(signatures).map(([name, sig]) => `  '${name.replace(/'/g, "''")}': '${sig}'`)];
  return `${[...kept, ...block].join('\n')}\n`;
}

function sha512OfFile(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha512');
    createReadStream(path)
      .on('error', reject)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest()));
  });
}

/** An installer's name from a channel file: a plain file name in the release folder, nothing else. */
function fileIn(dir: string, url: string): string {
  const name = decodeURIComponent(url);
  if (name !== basename(name) || name === '..' || name === '.' || name.includes('\\')) throw new Error(`"${url}" is not a file name in the release folder`);
  return join(dir, name);
}

async function channelFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => /^latest.*\.yml$/.test(n)).sort();
  if (names.length === 0) throw new Error(`no latest*.yml in ${dir}: run npm run dist first`);
  return names.map((n) => join(dir, n));
}

/** Signs every installer named by every channel file in the folder; returns what it signed. */
export async function signRelease(dir: string, privateKey: KeyObject): Promise<{ channel: string; file: string }[]> {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the signing key is not an Ed25519 key');
  const done: { channel: string; file: string }[] = [];
  for (const channel of await channelFiles(dir)) {
    const text = await readFile(channel, 'utf8');
    const info = readChannelFile(text);
    const signatures: Record<string, string> = {};
    for (const f of info.files) {
      const digest = await sha512OfFile(fileIn(dir, f.url));
      if (f.sha512 !== digest.toString('base64')) throw new Error(`${basename(channel)} does not describe ${f.url} as it is in the folder (SHA-512 differs): rebuild, do not sign`);
      signatures[f.url] = sign(null, signedMessage(info.version, digest), privateKey).toString('base64');
      done.push({ channel: basename(channel), file: f.url });
    }
    await writeFile(channel, withSignatures(text, signatures));
  }
  return done;
}

/** Checks every installer of every channel file as a terminal will; returns the failures. */
export async function verifyRelease(dir: string, publicKeys: string): Promise<string[]> {
  const keys = parsePublicKeys(publicKeys);
  if (!keys.ok) return [keys.error];
  const failures: string[] = [];
  for (const channel of await channelFiles(dir)) {
    const info = readChannelFile(await readFile(channel, 'utf8'));
    for (const f of info.files) {
      const sig = info.signatures[f.url];
      if (sig === undefined) {
        failures.push(`${basename(channel)}: ${f.url}: not signed`);
        continue;
      }
      const v = verifyDigest(info.version, await sha512OfFile(fileIn(dir, f.url)), [sig], keys.keys);
      if (!v.ok) failures.push(`${basename(channel)}: ${f.url}: ${v.reason}`);
    }
  }
  return failures;
}

/** A new key pair: the private key as PKCS#8 PEM (encrypted with a passphrase if given), the public key in the pinned form. */
export function newKeyPair(passphrase?: string): { privatePem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePem = passphrase
    ? privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase }).toString()
    : privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { privatePem, publicKey: rawPublicKeyBase64(publicKey) };
}

export function loadPrivateKey(pem: string, passphrase?: string): KeyObject {
  const key = createPrivateKey(passphrase ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the signing key is not an Ed25519 key');
  return key;
}

async function main(argv: string[]): Promise<number> {
  const [command, a, b] = argv;
  const passphrase = process.env.HALLQ_UPDATE_KEY_PASSPHRASE || undefined;
  if (command === 'keygen' && a) {
    const { privatePem, publicKey } = newKeyPair(passphrase);
    await writeFile(a, privatePem, { mode: 0o600, flag: 'wx' });
    await writeFile(`${a}.pub`, `${publicKey}\n`, { flag: 'wx' });
    console.log(`private key: ${a} (keep it offline; never copy it to a hall)`);
    console.log(`public key (pin it at build time):\nHALLQ_UPDATE_PUBLIC_KEYS=${publicKey}`);
    return 0;
  }
  if (command === 'sign' && a && b) {
    const key = loadPrivateKey(await readFile(a, 'utf8'), passphrase);
    const signed = await signRelease(b, key);
    for (const s of signed) console.log(`  signed ${s.file} (${s.channel})`);
    console.log(`public key of this signature: ${rawPublicKeyBase64(createPublicKey(key))}`);
    return 0;
  }
  if (command === 'verify' && a && b) {
    const failures = await verifyRelease(b, a);
    for (const f of failures) console.error(`  REFUSED ${f}`);
    if (failures.length === 0) console.log('  every installer is signed by a pinned key');
    return failures.length === 0 ? 0 : 1;
  }
  console.error('usage: npm run sign-update -- keygen <private-key-file> | sign <private-key-file> <release-dir> | verify <public-keys> <release-dir>');
  return 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`sign-update: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
