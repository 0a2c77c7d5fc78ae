/**
 * The main-process entry: the only runtime import of 'electron' (ESLint enforces it). Everything
 * else is `app.ts`, which takes these objects as arguments and is tested with fakes.
 */
import * as electron from 'electron';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { beforeReady, startApp, type ElectronLike } from './app';

const e = electron as unknown as ElectronLike;
beforeReady(e);
startApp(e, {
  // This file is bundled to dist/electron/main.cjs.
  distDir: join(__dirname, '..'),
  env: process.env,
  platform: process.platform,
  execPath: process.execPath,
  homeDir: homedir(),
  fs: fsp,
  fsSync: fs,
  now: () => Date.now(),
  updater: async () => (await import('electron-updater')).autoUpdater,
  randomBytes: (n) => new Uint8Array(randomBytes(n)),
  argv: process.argv,
}).catch((err: unknown) => {
  console.error('hallq: the main process failed to start', err);
  electron.app.exit(1);
});
