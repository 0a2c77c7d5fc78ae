/**
 * Keyboard lockdown for the hall's terminals. A kiosk or display keyboard (or a visitor's own
 * USB keyboard) must not open DevTools, reload the page mid-ticket, zoom the layout out of
 * shape, close the window or leave full screen. Only hall IT leaves, through the exit gesture.
 *
 * The exit gesture: Ctrl+Alt+Shift+Q on every platform (Control+Option+Shift+Q on a Mac, where
 * Cmd+Option+Shift+Q is accepted too). It opens the password dialog (`ExitGate`); it never
 * quits by itself. Kiosks without a keyboard have a touch gesture in the page instead.
 *
 * Electron's webContents comes in as an argument (`import type` only): tested in Node.
 */
import type { Input, WebContents } from 'electron';

export type KeyClass = 'devtools' | 'reload' | 'zoom' | 'exit-gesture' | 'close' | 'fullscreen-toggle';
export type KeyInput = Pick<Input, 'type' | 'key' | 'code' | 'control' | 'meta' | 'alt' | 'shift'>;

const ZOOM_KEYS = new Set(['+', '-', '=', '_', '0']);
const ZOOM_CODES = new Set(['Equal', 'Minus', 'Digit0', 'NumpadAdd', 'NumpadSubtract', 'Numpad0']);

/**
 * What a key press would do in a browser window, or null for ordinary typing. Only key-down
 * events are classified: shortcuts fire on key-down, and the page may see its key-ups.
 * Letters match by `key` or by `code`, so Shift, Option (which changes `key` on a Mac) and
 * the input method do not let a shortcut through.
 */
export function classifyKey(input: KeyInput, platform: NodeJS.Platform): KeyClass | null {
  if (input.type !== 'keyDown') return null;
  const mac = platform === 'darwin';
  const letter = (l: string) => input.key.toLowerCase() === l || input.code === `Key${l.toUpperCase()}`;
  // Cmd on a Mac, Ctrl elsewhere; both are blocked everywhere, as a kiosk loses nothing by it.
  const accel = input.control || input.meta;

  // The exit gesture first: it is also a modified Q.
  if ((input.control || (mac && input.meta)) && input.alt && input.shift && letter('q')) return 'exit-gesture';

  if (input.key === 'F12') return 'devtools';
  if (accel && (input.shift || (mac && input.alt)) && (letter('i') || letter('j') || letter('c'))) return 'devtools';

  if (input.key === 'F5' || (accel && letter('r'))) return 'reload';

  if (accel && (ZOOM_KEYS.has(input.key) || ZOOM_CODES.has(input.code))) return 'zoom';

  if (mac) {
    // Quit, close, hide and minimise all take the kiosk off the screen.
    if (input.meta && (letter('q') || letter('w') || letter('h') || letter('m'))) return 'close';
  } else if ((input.alt && input.key === 'F4') || (accel && (letter('w') || input.key === 'F4'))) {
    return 'close';
  }

  if (input.key === 'F11' || (mac && input.control && input.meta && letter('f'))) return 'fullscreen-toggle';
  return null;
}

/**
 * The part of webContents used here. `on` is narrowed to the events used (Electron's overloads
 * cannot be faked without casts); the real WebContents fits, which the tests check.
 */
export type LockableContents = Pick<WebContents, 'setVisualZoomLevelLimits' | 'setZoomFactor'> & {
  on(event: 'before-input-event', listener: (event: { preventDefault(): void }, input: KeyInput) => void): unknown;
  on(event: 'zoom-changed', listener: () => void): unknown;
  on(event: 'did-finish-load', listener: () => void): unknown;
};

export interface LockKeysOptions {
  /** Production blocks every classified key; development keeps DevTools and reload. */
  production: boolean;
  onExitGesture: () => void;
  platform?: NodeJS.Platform;
}

export function lockKeys(webContents: LockableContents, { production, onExitGesture, platform = process.platform }: LockKeysOptions): void {
  webContents.on('before-input-event', (event, input) => {
    const kind = classifyKey(input, platform);
    if (kind === null) return;
    if (kind === 'exit-gesture') {
      event.preventDefault();
      onExitGesture();
    } else if (production) {
      event.preventDefault();
    }
  });
  if (!production) return;

  const noZoom = () => {
    webContents.setZoomFactor(1);
    // Pinch zoom is off by default in Electron; pin it anyway. The limits belong to the
    // renderer process, so they are set again after every load (a crash reload is a new one).
    void Promise.resolve(webContents.setVisualZoomLevelLimits(1, 1)).catch(() => undefined);
  };
  noZoom();
  webContents.on('did-finish-load', noZoom);
  // Ctrl + mouse wheel (or a touchpad) asks to zoom: put it back.
  webContents.on('zoom-changed', () => webContents.setZoomFactor(1));
}
