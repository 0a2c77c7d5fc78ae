/**
 * The BrowserWindow options of every hallq window: Electron's security checklist applied
 * without exception (isolated, sandboxed, no Node, no webview, no devtools in production), and
 * the page named to the preload so it exposes exactly that page's API (electron/preload/apis).
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { PAGE_FLAG } from '../../preload/apis';
import type { PageName, WindowPlan } from './windowPlan';

export interface WindowOptionsContext {
  preloadPath: string;
  /** Packaged build: devtools off. */
  production: boolean;
}

/** The page's own background, so a window never flashes white before it paints. */
const BACKGROUND: Record<PageName, string> = {
  kiosk: '#f3f6fa',
  counter: '#f3f6fa',
  evaluator: '#f3f6fa',
  display: '#06152b',
  admin: '#f3f6fa',
  setup: '#f3f6fa',
};

export function windowOptions(plan: WindowPlan, ctx: WindowOptionsContext): BrowserWindowConstructorOptions {
  const immersive = plan.fullscreen || plan.kiosk;
  const dialog = plan.key === 'exit';
  return {
    ...plan.bounds,
    title: 'hallq',
    // Shown on 'ready-to-show' (the window manager), so nobody sees a half-drawn page.
    show: false,
    backgroundColor: BACKGROUND[plan.page],
    fullscreen: plan.fullscreen,
    kiosk: plan.kiosk,
    frame: !immersive && !dialog,
    autoHideMenuBar: true,
    minimizable: !immersive && !dialog,
    ...(dialog ? { alwaysOnTop: true, resizable: false, maximizable: false, fullscreenable: false, skipTaskbar: true } : {}),
    webPreferences: {
      preload: ctx.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: !ctx.production,
      spellcheck: false,
      // A display board or a second-screen evaluator is rarely focused: keep its timers running.
      backgroundThrottling: !immersive,
      // The display board's call chime plays with nobody touching the screen.
      ...(plan.page === 'display' ? { autoplayPolicy: 'no-user-gesture-required' as const } : {}),
      additionalArguments: [`${PAGE_FLAG}${plan.page}`],
    },
  };
}
