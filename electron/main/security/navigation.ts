/**
 * A hallq window stays on its own page: a link, a redirect or a script can reload the page
 * (say with a new query) but never take the window to another page or another site, open a new
 * window, embed a <webview>, or navigate a frame. Main moves windows between pages itself
 * (loadURL, which these events do not see).
 */
import type { WebContents } from 'electron';
import { parseAppUrl } from './appProtocol';

/** Same app://hallq page: the same first path segment, and that page's index (or the folder). */
export function isAllowedNavigation(from: string, to: string): boolean {
  const a = parseAppUrl(from);
  const b = parseAppUrl(to);
  if (!a || !b || a.page === '' || a.page !== b.page) return false;
  return isIndex(b.rest) && isIndex(a.rest);
}

function isIndex(rest: string): boolean {
  return rest === '' || rest === 'index.html';
}

export type LockableWebContents = Pick<WebContents, 'on' | 'setWindowOpenHandler' | 'getURL'>;

export function lockNavigation(webContents: LockableWebContents): void {
  webContents.on('will-navigate', (event) => {
    if (!isAllowedNavigation(webContents.getURL(), event.url)) event.preventDefault();
  });
  webContents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(webContents.getURL(), event.url)) event.preventDefault();
  });
  webContents.on('will-frame-navigate', (event) => {
    // Our pages have no frames; a subframe navigating is someone else's content.
    if (!event.isMainFrame || !isAllowedNavigation(webContents.getURL(), event.url)) event.preventDefault();
  });
  webContents.on('will-attach-webview', (event) => event.preventDefault());
  webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
