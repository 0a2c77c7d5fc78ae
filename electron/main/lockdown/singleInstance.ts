/**
 * One hallq per machine: a second start (a double-click on the desktop icon, autostart racing a
 * manual start) must not open a second kiosk over the first, print twice or fight over the card
 * reader. The second process quits at once; the first brings its windows to the front.
 * Electron's `app` comes in as an argument (`import type` only): tested in Node with a fake.
 */
import type { App } from 'electron';

/**
 * The part of `app` used here. `on` is narrowed to the one event (Electron's overloads cannot
 * be faked without casts); the real `app` still fits, which the tests check at compile time.
 */
export type SingleInstanceApp = Pick<App, 'requestSingleInstanceLock' | 'quit'> & {
  on(event: 'second-instance', listener: () => void): unknown;
};

/**
 * True when this process is the only hallq; false (and `app.quit()` called) when another one
 * already holds the lock: the caller then opens no window and does nothing else.
 * `onSecondInstance` runs in the first process whenever a later start is refused (restore and
 * focus the existing windows).
 */
export function ensureSingleInstance(app: SingleInstanceApp, onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => onSecondInstance());
  return true;
}
