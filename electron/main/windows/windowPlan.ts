/**
 * Which windows a terminal opens, on which display, decided from its configuration and the
 * displays attached right now. Pure: the window manager re-plans on every display change and
 * opens, closes or moves windows to match.
 *   no config       the setup screen on the primary display
 *   kiosk, display  one full-screen window on the primary display (kiosk mode under lockdown)
 *   counter         the counter page, a normal maximized window on the primary display (staff
 *                   also use the government business systems on that PC); with a second
 *                   display and an evaluator terminal configured, the evaluator page full
 *                   screen on it, facing the citizen (without one, the evaluator is a device
 *                   of its own)
 *   evaluator       one full-screen window
 *   admin           a normal maximized window
 */
import type { ShellRole } from '../../../shared/shell/contract';
import type { TerminalConfig } from '../config/terminalConfig';

export const APP_ORIGIN = 'app://hallq';

export type PageName = ShellRole | 'setup';
export type WindowKey = 'main' | 'evaluator' | 'setup' | 'exit';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The part of Electron's `Display` used here. */
export interface DisplayLike {
  id: number;
  bounds: Rect;
  workArea?: Rect;
  internal?: boolean;
}

export interface WindowPlan {
  key: WindowKey;
  page: PageName;
  /** Extra query parameters for the page (the exit dialog: mode=exit). */
  query?: Record<string, string>;
  displayId: number;
  bounds: Rect;
  fullscreen: boolean;
  kiosk: boolean;
  /** A normal window, maximized once shown. */
  maximize?: boolean;
}

/** Used only when the OS reports no display at all (a headless start): a plain 1080p area. */
const FALLBACK: DisplayLike = { id: -1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
const EXIT_SIZE = { width: 520, height: 420 };

export function planWindows(config: TerminalConfig | null, displays: readonly DisplayLike[], primaryId: number): WindowPlan[] {
  const primary = displays.find((d) => d.id === primaryId) ?? displays[0] ?? FALLBACK;
  if (!config) return [normal('setup', 'setup', primary)];
  switch (config.role) {
    case 'kiosk':
    case 'display':
    case 'evaluator':
      return [fullscreen('main', config.role, primary, config.lockdown)];
    case 'admin':
      return [normal('main', 'admin', primary)];
    case 'counter': {
      const plans = [normal('main', 'counter', primary)];
      const facing = config.evaluator ? displays.find((d) => d.id !== primary.id) : undefined;
      // Kiosk mode is app-wide on some platforms (macOS presentation options): on a staff PC the
      // citizen's screen is only full screen, so the counter window stays usable.
      if (facing) plans.push(fullscreen('evaluator', 'evaluator', facing, false));
      return plans;
    }
  }
}

/** The exit dialog (the setup page, mode=exit): small, centred on the display given. */
export function planExitDialog(display: DisplayLike): WindowPlan {
  const area = display.workArea ?? display.bounds;
  const width = Math.min(EXIT_SIZE.width, area.width);
  const height = Math.min(EXIT_SIZE.height, area.height);
  return {
    key: 'exit',
    page: 'setup',
    query: { mode: 'exit' },
    displayId: display.id,
    bounds: { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height },
    fullscreen: false,
    kiosk: false,
  };
}

/**
 * The page's address: `app://hallq/<page>/index.html?terminal=..&server=..&server=..[&code=..]`.
 * The evaluator window of a counter is the evaluator terminal configured with it: its own id
 * and one-time code, so its token records ratings and the counter's never can (R8).
 */
export function pageUrl(plan: WindowPlan, config: TerminalConfig | null): string {
  const q = new URLSearchParams();
  if (config && plan.page !== 'setup') {
    const who = plan.key === 'evaluator' && config.evaluator ? config.evaluator : config;
    q.set('terminal', who.terminalId);
    for (const s of config.servers) q.append('server', s);
    if (who.enrollCode !== undefined) q.set('code', who.enrollCode);
  }
  for (const [k, v] of Object.entries(plan.query ?? {})) q.set(k, v);
  const search = q.toString();
  return `${APP_ORIGIN}/${plan.page}/index.html${search ? `?${search}` : ''}`;
}

function fullscreen(key: WindowKey, page: PageName, d: DisplayLike, kiosk: boolean): WindowPlan {
  return { key, page, displayId: d.id, bounds: { ...d.bounds }, fullscreen: true, kiosk };
}

function normal(key: WindowKey, page: PageName, d: DisplayLike): WindowPlan {
  return { key, page, displayId: d.id, bounds: { ...(d.workArea ?? d.bounds) }, fullscreen: false, kiosk: false, maximize: true };
}
