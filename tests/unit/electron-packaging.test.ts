/**
 * Packaging (issue 15, finding 11): electron-builder.yml, read by electron-builder's own loader
 * and schema, and its fuses flipped by electron-builder's own fuse code (@electron/fuses) on a
 * stand-in Electron binary: the Electron download is not available here, but the fuse wire is a
 * plain run of bytes after a sentinel, and that is all the packager touches.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = join(__dirname, '..', '..');

interface FuseOptions {
  runAsNode?: boolean;
  enableNodeOptionsEnvironmentVariable?: boolean;
  enableNodeCliInspectArguments?: boolean;
  enableEmbeddedAsarIntegrityValidation?: boolean;
  onlyLoadAppFromAsar?: boolean;
  grantFileProtocolExtraPrivileges?: boolean;
  enableCookieEncryption?: boolean;
}
interface BuilderConfig {
  electronFuses?: FuseOptions | null;
  asar?: boolean;
  disableAsarIntegrity?: boolean;
  win?: { verifyUpdateCodeSignature?: boolean; signtoolOptions?: { certificateFile?: string; certificatePassword?: string; signingHashAlgorithms?: string[] } };
  publish?: { provider: string; url?: string }[];
}
interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
}
interface PackagerProto {
  doAddElectronFuses(this: unknown, context: PackContext): Promise<unknown>;
}

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
const { LinuxPackager, WinPackager } = require('app-builder-lib') as { LinuxPackager: { prototype: PackagerProto }; WinPackager: { prototype: PackagerProto } };
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as {
  getCurrentFuseWire(path: string): Promise<Record<number, number>>;
  FuseV1Options: Record<string, number>;
};

/** The bytes after which Electron keeps its fuse wire (@electron/fuses looks for this). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/**
 * Electron's shipped defaults, in wire order: RunAsNode on, cookie encryption off, NODE_OPTIONS
 * on, --inspect on, asar integrity off, only-from-asar off, browser V8 snapshot off, file://
 * privileges on; then one more fuse this @electron/fuses does not know (newer Electrons have
 * longer wires), which packaging must leave alone.
 */
const SHIPPED_WIRE = '101100011';

async function standInElectron(path: string): Promise<void> {
  const filler = Buffer.alloc(4096, 0x90);
  const wire = Buffer.concat([Buffer.from(SENTINEL, 'latin1'), Buffer.from([1, SHIPPED_WIRE.length]), Buffer.from(SHIPPED_WIRE, 'latin1')]);
  await writeFile(path, Buffer.concat([filler, wire, filler]));
}

/** Read and validated once (electron-builder's schema check takes seconds on a busy machine). */
let loaded: Promise<BuilderConfig> | undefined;
function loadBuilderConfig(): Promise<BuilderConfig> {
  loaded ??= (async () => {
    const config = await getConfig(root, join(root, 'electron-builder.yml'), null);
    await validateConfiguration(config, new DebugLogger(false));
    return config;
  })();
  return loaded;
}

/** A packager as far as electron-builder's fuse step needs one (its config, its executable name). */
function packager(proto: PackagerProto, config: BuilderConfig): unknown {
  const p = Object.create(proto) as object;
  Object.defineProperty(p, 'config', { value: config });
  Object.defineProperty(p, 'executableName', { value: 'hallq' });
  Object.defineProperty(p, 'appInfo', { value: { productFilename: 'hallq' } });
  return p;
}

/** A fuse's state is an ASCII digit in the wire. */
const on = () => '1'.charCodeAt(0);
const off = () => '0'.charCodeAt(0);

describe('the installers electron-builder.yml describes', () => {
  beforeAll(async () => {
    await loadBuilderConfig();
  }, 60_000);
  let dir = '';
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'hallq-fuses-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('is a valid electron-builder configuration', async () => {
    await expect(loadBuilderConfig()).resolves.toBeTruthy();
  });

  it('turns off every way to run the signed app as something else: RunAsNode, NODE_OPTIONS, --inspect; loads only its own checked app.asar', async () => {
    const config = await loadBuilderConfig();
    expect(config.electronFuses).toEqual(
      expect.objectContaining({
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableEmbeddedAsarIntegrityValidation: true,
        onlyLoadAppFromAsar: true,
        grantFileProtocolExtraPrivileges: false,
      }),
    );
    // The asar integrity fuse needs an asar, and the hashes electron-builder embeds in the .exe.
    expect(config.asar).toBe(true);
    expect(config.disableAsarIntegrity).not.toBe(true);
  });

  for (const [platform, proto, file] of [
    ['linux', LinuxPackager.prototype, 'hallq'],
    ['win32', WinPackager.prototype, 'hallq.exe'],
  ] as const) {
    it(`an attacker at a ${platform} terminal cannot use ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect on the packaged binary`, async () => {
      const binary = join(dir, file);
      await standInElectron(binary);
      const before = await getCurrentFuseWire(binary);
      expect(before[FuseV1Options.RunAsNode!]).toBe(on());

      await proto.doAddElectronFuses.call(packager(proto, await loadBuilderConfig()), { appOutDir: dir, electronPlatformName: platform });

      const wire = await getCurrentFuseWire(binary);
      expect(wire[FuseV1Options.RunAsNode!]).toBe(off());
      expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable!]).toBe(off());
      expect(wire[FuseV1Options.EnableNodeCliInspectArguments!]).toBe(off());
      expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation!]).toBe(on());
      expect(wire[FuseV1Options.OnlyLoadAppFromAsar!]).toBe(on());
      expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges!]).toBe(off());
      // Fuses left unset keep Electron's defaults; an unknown newer fuse is never touched.
      expect(wire[FuseV1Options.EnableCookieEncryption!]).toBe(before[FuseV1Options.EnableCookieEncryption!]);
      expect(wire[8]).toBe(before[8]);
      // Only the wire changed: the rest of the binary is byte for byte the same.
      const bytes = await readFile(binary);
      expect(bytes.length).toBe(4096 * 2 + SENTINEL.length + 2 + SHIPPED_WIRE.length);
      expect(bytes.subarray(0, 4096).every((b) => b === 0x90)).toBe(true);
    });
  }

  it('Windows installers are updated only when signed by the same publisher, with SHA-256 only, and no certificate or password sits in the file', async () => {
    const config = await loadBuilderConfig();
    expect(config.win?.verifyUpdateCodeSignature).toBe(true);
    expect(config.win?.signtoolOptions?.signingHashAlgorithms).toEqual(['sha256']);
    expect(config.win?.signtoolOptions?.certificateFile).toBeUndefined();
    expect(config.win?.signtoolOptions?.certificatePassword).toBeUndefined();
    const text = await readFile(join(root, 'electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(/^\s*(certificatePassword|certificateFile|CSC_KEY_PASSWORD)\s*:/m);
  });

  it('the update feed built into the installers is https', async () => {
    const config = await loadBuilderConfig();
    for (const p of config.publish ?? []) if (p.url !== undefined) expect(p.url).toMatch(/^https:\/\//);
  });
});
