import { describe, expect, it } from 'vitest';
import { FORBIDDEN_SWITCHES, forbiddenLaunchSwitches } from '../../electron/main/security/launchSwitches';

const exe = '/opt/hallq/hallq';

describe('a packaged terminal refuses the Chromium switches the fuses do not cover', () => {
  it('someone who edits the kiosk shortcut to add --remote-debugging-port gets no DevTools protocol into the admin or kiosk pages', () => {
    expect(forbiddenLaunchSwitches([exe, '--remote-debugging-port=9222'], 'linux')).toEqual(['remote-debugging-port']);
    expect(forbiddenLaunchSwitches([exe, '--remote-debugging-pipe'], 'linux')).toEqual(['remote-debugging-pipe']);
  });

  it('a LAN attacker’s proxy with certificate checks turned off is refused: --proxy-server, --ignore-certificate-errors, --host-resolver-rules', () => {
    expect(forbiddenLaunchSwitches([exe, '--proxy-server=http://10.0.0.66:8080', '--ignore-certificate-errors', '--host-resolver-rules=MAP * 10.0.0.66'], 'linux')).toEqual([
      'host-resolver-rules',
      'ignore-certificate-errors',
      'proxy-server',
    ]);
  });

  it('turning off the pages’ sandbox or web security is refused', () => {
    expect(forbiddenLaunchSwitches([exe, '--no-sandbox', '--disable-web-security'], 'linux')).toEqual(['disable-web-security', 'no-sandbox']);
  });

  it('single dashes and any case count; on Windows a slash does too (Chromium reads them all)', () => {
    expect(forbiddenLaunchSwitches(['C:\\hallq\\hallq.exe', '-Remote-Debugging-Port=1'], 'win32')).toEqual(['remote-debugging-port']);
    expect(forbiddenLaunchSwitches(['C:\\hallq\\hallq.exe', '/inspect'], 'win32')).toEqual(['inspect']);
    // On Linux "/inspect" is a path, not a switch.
    expect(forbiddenLaunchSwitches([exe, '/inspect'], 'linux')).toEqual([]);
  });

  it('what Chromium itself parsed counts even if argv looks clean', () => {
    expect(forbiddenLaunchSwitches([exe], 'linux', (n) => n === 'js-flags')).toEqual(['js-flags']);
  });

  it('an ordinary start, its own flags, and anything after a bare -- are fine', () => {
    expect(forbiddenLaunchSwitches([exe], 'linux')).toEqual([]);
    expect(forbiddenLaunchSwitches([exe, '--hidden', '--enable-logging', 'file.txt', '--remote-debugging-portal'], 'linux')).toEqual([]);
    expect(forbiddenLaunchSwitches([exe, '--', '--remote-debugging-port=9222'], 'linux')).toEqual([]);
    // argv[0] is the program, never a switch.
    expect(forbiddenLaunchSwitches(['--inspect'], 'linux')).toEqual([]);
  });

  it('the list is frozen and spelled as Chromium spells switches', () => {
    expect(Object.isFrozen(FORBIDDEN_SWITCHES)).toBe(true);
    for (const s of FORBIDDEN_SWITCHES) expect(s).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });
});
