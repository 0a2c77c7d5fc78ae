/**
 * Start hallq when the terminal logs in: halls switch their machines on in the morning and
 * nobody should have to find an icon. Windows and macOS have login items (Electron's `app`);
 * Linux desktops read XDG autostart entries, so one is written to
 * ~/.config/autostart/hallq.desktop. `app` and the file system come in as arguments.
 */
import { join } from 'node:path';
import type { App } from 'electron';

export const AUTOSTART_FILE = 'hallq.desktop';

/** The parts of node:fs/promises used here (the real module fits). */
export interface AutostartFs {
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  writeFile(path: string, data: string, options: { encoding: 'utf8'; mode: number }): Promise<void>;
  rm(path: string): Promise<void>;
}

export interface AutostartOptions {
  platform: NodeJS.Platform;
  app: Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;
  fs: AutostartFs;
  homeDir: string;
  /** process.env.XDG_CONFIG_HOME when set; ~/.config otherwise. */
  xdgConfigHome?: string;
  execPath: string;
  /** process.env.APPIMAGE: execPath points inside the mounted image, which is gone at the next login. */
  appImagePath?: string;
  enabled: boolean;
}

export type AutostartResult =
  | { method: 'login-item'; openAtLogin: boolean }
  | { method: 'xdg-autostart'; path: string; action: 'written' | 'removed' | 'absent' }
  | { method: 'unsupported'; platform: string };

/** Sets autostart on or off and says what it did. File errors reject (the caller logs them). */
export async function configureAutostart(o: AutostartOptions): Promise<AutostartResult> {
  if (o.platform === 'win32' || o.platform === 'darwin') {
    // On Windows the Run entry names the installed executable; macOS ignores path and args.
    const where = o.platform === 'win32' ? { path: o.execPath, args: [] } : {};
    o.app.setLoginItemSettings({ openAtLogin: o.enabled, ...where });
    return { method: 'login-item', openAtLogin: o.app.getLoginItemSettings(where).openAtLogin };
  }
  if (o.platform !== 'linux' && o.platform !== 'freebsd' && o.platform !== 'openbsd') {
    return { method: 'unsupported', platform: o.platform };
  }
  const dir = join(o.xdgConfigHome || join(o.homeDir, '.config'), 'autostart');
  const path = join(dir, AUTOSTART_FILE);
  if (!o.enabled) {
    try {
      await o.fs.rm(path);
      return { method: 'xdg-autostart', path, action: 'removed' };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { method: 'xdg-autostart', path, action: 'absent' };
      throw e;
    }
  }
  await o.fs.mkdir(dir, { recursive: true });
  await o.fs.writeFile(path, desktopEntry(o.appImagePath || o.execPath), { encoding: 'utf8', mode: 0o644 });
  return { method: 'xdg-autostart', path, action: 'written' };
}

export function desktopEntry(program: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=hallq 政务大厅排队',
    'Comment=hallq queue terminal',
    `Exec=${execValue(program)}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * One program path as a desktop entry Exec value (Desktop Entry Specification, "The Exec
 * key"): quoted, with `"`, `` ` ``, `$` and `\` backslash-escaped inside the quotes; then the
 * string-value escape doubles every backslash again (so a literal `\` ends up as `\\\\`); and
 * `%` is written `%%`, as launchers expand field codes before they split arguments.
 */
export function execValue(program: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(program)) throw new Error(`autostart: control character in the program path ${JSON.stringify(program)}`);
  const quoted = `"${program.replace(/["`$\\]/g, '\\$&')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}
