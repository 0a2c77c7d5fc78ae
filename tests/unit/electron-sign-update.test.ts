/**
 * The publisher signs a release folder (scripts/sign-update.ts) and a terminal checks it
 * (electron/main/update/updateSignature.ts): real Ed25519 keys, real files, and the channel file
 * read back by the same YAML parser electron-updater uses, so the signatures reach the app.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePublicKeys, verifyUpdateFile } from '../../electron/main/update/updateSignature';
import { loadPrivateKey, newKeyPair, readChannelFile, signRelease, verifyRelease } from '../../scripts/sign-update';

const ROOT = resolve(import.meta.dirname, '../..');
/** js-yaml as electron-updater loads it (it parses latest*.yml with it). */
const yaml = createRequire(createRequire(import.meta.url).resolve('electron-updater'))('js-yaml') as { load(text: string): unknown };

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('base64');

/** A release folder as `npm run dist` leaves it for Linux: two installers and their channel file. */
async function release(dir: string, version = '0.2.0') {
  const appImage = randomBytes(200_000);
  const deb = randomBytes(150_000);
  const names = { appImage: `hallq-${version}-x86_64.AppImage`, deb: `hallq-${version}-amd64.deb` };
  await writeFile(join(dir, names.appImage), appImage);
  await writeFile(join(dir, names.deb), deb);
  await writeFile(
    join(dir, 'latest-linux.yml'),
    [
      `version: ${version}`,
      'files:',
      `  - url: ${names.appImage}`,
      `    sha512: ${sha512(appImage)}`,
      `    size: ${appImage.length}`,
      `    blockMapSize: 1234`,
      `  - url: ${names.deb}`,
      `    sha512: ${sha512(deb)}`,
      `    size: ${deb.length}`,
      `path: ${names.appImage}`,
      `sha512: ${sha512(appImage)}`,
      "releaseDate: '2026-12-07T20:00:00.000Z'",
      '',
    ].join('\n'),
  );
  return names;
}

describe('the publisher signs a release, a terminal checks it', () => {
  let dir = '';
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'hallq-release-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('a signed release verifies in the app: the signatures survive electron-updater’s own reading of latest-linux.yml', async () => {
    const names = await release(dir);
    const { privatePem, publicKey } = newKeyPair();
    const signed = await signRelease(dir, loadPrivateKey(privatePem));
    expect(signed.map((s) => s.file)).toEqual([names.appImage, names.deb]);

    const info = yaml.load(await readFile(join(dir, 'latest-linux.yml'), 'utf8')) as { version: string; files: { url: string }[] };
    expect(info.version).toBe('0.2.0');
    expect(info.files.map((f) => f.url)).toEqual([names.appImage, names.deb]);
    const keys = parsePublicKeys(publicKey);
    if (!keys.ok) throw new Error(keys.error);
    for (const name of [names.appImage, names.deb]) expect(await verifyUpdateFile(join(dir, name), info, keys.keys)).toEqual({ ok: true });
    expect(await verifyRelease(dir, publicKey)).toEqual([]);
  });

  it('an installer tampered with after signing is refused by the app and by verify', async () => {
    const names = await release(dir);
    const { privatePem, publicKey } = newKeyPair();
    await signRelease(dir, loadPrivateKey(privatePem));
    const file = join(dir, names.deb);
    const bytes = await readFile(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x80;
    await writeFile(file, bytes);

    const info = yaml.load(await readFile(join(dir, 'latest-linux.yml'), 'utf8')) as { version: string };
    const keys = parsePublicKeys(publicKey);
    if (!keys.ok) throw new Error(keys.error);
    expect(await verifyUpdateFile(file, info, keys.keys)).toMatchObject({ ok: false });
    expect(await verifyRelease(dir, publicKey)).toEqual([expect.stringContaining(`${names.deb}: no signature matches`)]);
  });

  it('a release signed with another key fails verify against the pinned one', async () => {
    await release(dir);
    await signRelease(dir, loadPrivateKey(newKeyPair().privatePem));
    const failures = await verifyRelease(dir, newKeyPair().publicKey);
    expect(failures).toHaveLength(2);
  });

  it('signing twice replaces the signatures instead of adding a second block', async () => {
    await release(dir);
    const key = loadPrivateKey(newKeyPair().privatePem);
    await signRelease(dir, key);
    await signRelease(dir, key);
    const text = await readFile(join(dir, 'latest-linux.yml'), 'utf8');
    expect(text.match(/^hallqSignatures:/gm)).toHaveLength(1);
    expect(Object.keys(readChannelFile(text).signatures)).toHaveLength(2);
  });

  it('refuses to sign an installer the channel file does not describe (a rebuilt file, a wrong folder)', async () => {
    const names = await release(dir);
    await writeFile(join(dir, names.appImage), randomBytes(1000));
    await expect(signRelease(dir, loadPrivateKey(newKeyPair().privatePem))).rejects.toThrow(/SHA-512 differs/);
  });

  it('a channel file naming a path outside the folder is refused', async () => {
    await writeFile(join(dir, 'latest.yml'), 'version: 0.2.0\nfiles:\n  - url: ..%2F..%2Fetc%2Fpasswd\n    sha512: x\n');
    await expect(signRelease(dir, loadPrivateKey(newKeyPair().privatePem))).rejects.toThrow(/not a file name/);
  });

  it('a private key encrypted with a passphrase cannot be used without it; an RSA key is refused', () => {
    const { privatePem } = newKeyPair('correct horse');
    expect(privatePem).toContain('ENCRYPTED');
    expect(() => loadPrivateKey(privatePem)).toThrow();
    expect(loadPrivateKey(privatePem, 'correct horse').asymmetricKeyType).toBe('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => loadPrivateKey(rsa)).toThrow(/Ed25519/);
  });

  it('keygen from the command line: the private key only readable by its owner, never overwritten; sign and verify work on the folder', async () => {
    const keyFile = join(dir, 'update-signing.key');
    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/sign-update.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
    const gen = run('keygen', keyFile);
    expect(gen.status).toBe(0);
    const publicKey = /HALLQ_UPDATE_PUBLIC_KEYS=(\S+)/.exec(gen.stdout)?.[1] ?? '';
    expect(parsePublicKeys(publicKey).ok).toBe(true);
    expect((await readFile(`${keyFile}.pub`, 'utf8')).trim()).toBe(publicKey);
    if (process.platform !== 'win32') expect((await stat(keyFile)).mode & 0o077).toBe(0);
    expect(run('keygen', keyFile).status).not.toBe(0);

    const out = join(dir, 'release');
    await mkdir(out);
    await release(out);
    expect(run('sign', keyFile, out).status).toBe(0);
    expect(run('verify', publicKey, out).status).toBe(0);
    expect(run('verify', newKeyPair().publicKey, out).status).toBe(1);
  }, 60_000);
});
