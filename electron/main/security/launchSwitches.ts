/**
 * Command-line switches a packaged terminal refuses to start with. The fuses (electron-builder.yml)
 * turn off ELECTRON_RUN_AS_NODE, NODE_OPTIONS and --inspect in the binary itself, but Chromium's
 * own switches are not fuses: `hallq.exe --remote-debugging-port=9222` would hand every page (the
 * admin screen with its token included) to whoever connects, and `--ignore-certificate-errors`
 * with `--proxy-server` would let a LAN attacker read the https traffic. Whoever can edit the
 * shortcut or the autostart entry could add them; a packaged app that sees one logs it and exits.
 * `npm start` (not packaged) is left alone for development.
 */

/** Lower case, without the leading dashes (Chromium's own spelling). */
export const FORBIDDEN_SWITCHES: readonly string[] = Object.freeze([
  // A debugger or DevTools protocol into the main process or the pages.
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-publish-uid',
  'js-flags',
  // Traffic and certificates: reading or changing what the terminal sends and receives.
  'ignore-certificate-errors',
  'ignore-certificate-errors-spki-list',
  'allow-insecure-localhost',
  'proxy-server',
  'proxy-pac-url',
  'host-rules',
  'host-resolver-rules',
  // The pages' isolation.
  'no-sandbox',
  'disable-web-security',
  'disable-site-isolation-trials',
  'load-extension',
]);

/**
 * The forbidden switches present, by Chromium's parser (`hasSwitch`, authoritative) and by a
 * look at argv as well: `--name`, `--name=value`, `-name`, and on Windows also `/name`; names
 * are case-insensitive; nothing after a bare `--` is a switch.
 */
export function forbiddenLaunchSwitches(argv: readonly string[], platform: NodeJS.Platform, hasSwitch?: (name: string) => boolean): string[] {
  const found = new Set<string>();
  for (const name of FORBIDDEN_SWITCHES) if (hasSwitch?.(name)) found.add(name);
  const prefix = platform === 'win32' ? /^(?:--|-|\/)([A-Za-z0-9][A-Za-z0-9_-]*)(?:=|$)/ : /^(?:--|-)([A-Za-z0-9][A-Za-z0-9_-]*)(?:=|$)/;
  for (const arg of argv.slice(1)) {
    if (arg === '--') break;
    const name = prefix.exec(arg)?.[1]?.toLowerCase();
    if (name !== undefined && FORBIDDEN_SWITCHES.includes(name)) found.add(name);
  }
  return [...found].sort();
}
