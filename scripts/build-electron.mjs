#!/usr/bin/env node
// `npm run build`: the Electron shell and its screens.
//   dist/electron/main.cjs     electron/main/index.ts, bundled for Electron's Node (22). Native
//                              modules and electron-updater stay external: electron-builder packs
//                              node_modules (the native ones unpacked from asar).
//   dist/electron/preload.cjs  electron/preload/index.ts, everything bundled: a sandboxed preload
//                              can require 'electron' and nothing else, so the build fails if the
//                              bundle requires anything else.
//   dist/web                   the screens (vite build), loaded by main from app://hallq/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(root, 'dist/electron');
const at = (p) => resolve(root, p);

/** Electron 45 runs Node 22. */
const NODE_TARGET = 'node22';
/** Native modules (N-API prebuilds on disk) and the updater (reads its own package files). */
const MAIN_EXTERNAL = ['electron', 'serialport', '@serialport/*', 'node-hid', 'electron-updater'];
/** The only module a sandboxed preload may require. */
const PRELOAD_ALLOWED = new Set(['electron']);

function fail(message) {
  console.error(`build-electron: ${message}`);
  process.exit(1);
}

for (const entry of ['electron/main/index.ts', 'electron/preload/index.ts']) {
  if (!existsSync(at(entry))) fail(`${entry} is missing`);
}
mkdirSync(out, { recursive: true });

/**
 * zod's namespace object re-exports every locale (~360 KiB of error texts); nothing here reads
 * them (our messages are our own, bilingual). Keep English (zod's default) and Chinese.
 */
const zodLocales = {
  name: 'zod-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: resolve(dirname(args.importer), args.path), namespace: 'zod-locales' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';\nexport { default as zhCN } from './zh-CN.js';\n",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

const common = {
  plugins: [zodLocales],
  bundle: true,
  platform: 'node',
  target: NODE_TARGET,
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
  absWorkingDir: root,
};

/**
 * The publisher's update signing key(s), pinned into main.cjs (electron/main/update/pinnedKeys.ts):
 * base64 raw Ed25519 public keys, comma-separated (`npm run sign-update -- keygen` prints one).
 * Without one the build refuses every update: fine for development, not for installers.
 */
const updateKeys = (process.env.HALLQ_UPDATE_PUBLIC_KEYS ?? '').split(/[\s,]+/).filter((k) => k !== '');
for (const k of updateKeys) {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(k) || Buffer.from(k, 'base64').length !== 32) fail(`HALLQ_UPDATE_PUBLIC_KEYS: "${k}" is not a base64 Ed25519 public key (44 characters)`);
}
if (updateKeys.length > 4) fail('HALLQ_UPDATE_PUBLIC_KEYS: at most 4 keys');
if (updateKeys.length === 0) console.warn('build-electron: HALLQ_UPDATE_PUBLIC_KEYS is not set: this build refuses every update (README "Signed updates")');
else console.log(`  update signing keys pinned: ${updateKeys.length}`);

const main = await build({
  ...common,
  entryPoints: [at('electron/main/index.ts')],
  outfile: resolve(out, 'main.cjs'),
  external: MAIN_EXTERNAL,
  // Our ESM sources use import.meta.url (createRequire for the native modules); in CJS it is the
  // bundle's own file URL.
  define: { 'import.meta.url': '__hallqImportMetaUrl', __HALLQ_UPDATE_PUBLIC_KEYS__: JSON.stringify(updateKeys.join(',')) },
  banner: { js: "const __hallqImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

const preload = await build({
  ...common,
  entryPoints: [at('electron/preload/index.ts')],
  outfile: resolve(out, 'preload.cjs'),
  external: ['electron'],
});

// Everything the preload bundle still requires at run time: only 'electron' may be left.
const preloadOut = Object.values(preload.metafile.outputs).find((o) => o.entryPoint);
const leftOver = (preloadOut?.imports ?? []).filter((i) => i.external && !PRELOAD_ALLOWED.has(i.path)).map((i) => i.path);
const code = readFileSync(resolve(out, 'preload.cjs'), 'utf8');
const requires = [...code.matchAll(/\brequire\(\s*(['"`])([^'"`]+)\1\s*\)/g)].map((m) => m[2]);
const dynamic = /\brequire\(\s*[^'"`\s)]/.test(code);
const bad = [...new Set([...leftOver, ...requires.filter((r) => !PRELOAD_ALLOWED.has(r))])];
if (bad.length > 0 || dynamic) {
  fail(`the preload must require 'electron' only (sandboxed), but requires: ${bad.join(', ') || 'a computed module name'}`);
}

const size = (f) => `${(statSync(f).size / 1024).toFixed(1)} KiB`;
for (const f of ['main.cjs', 'preload.cjs']) console.log(`  ${relative(root, resolve(out, f))}  ${size(resolve(out, f))}`);
const mainExternal = Object.values(main.metafile.outputs).find((o) => o.entryPoint)?.imports.filter((i) => i.external && !isBuiltin(i.path)) ?? [];
const extNames = [...new Set(mainExternal.map((i) => i.path))].sort();
if (extNames.length > 0) console.log(`  main.cjs requires at run time: ${extNames.join(', ')}`);

// The screens (dist/web); `--no-web` skips them (the main-process smoke test builds only main).
if (process.argv.includes('--no-web')) process.exit(0);
const vite = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (vite.status !== 0) fail('vite build failed');
console.log('  dist/web  built');
