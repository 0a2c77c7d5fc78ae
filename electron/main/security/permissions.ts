/**
 * Web permissions, as an explicit table (the Signal Desktop way): everything is denied unless
 * named here for the page asking. The counter may use a camera (video only: the document
 * camera); the kiosk and the display board may go full screen. No page gets the microphone,
 * notifications, geolocation, WebHID/WebSerial/WebUSB (devices go through main), or anything
 * else, and nothing is granted to a subframe or to a URL outside app://hallq.
 */
import type { Session, WebContents } from 'electron';
import { parseAppUrl } from './appProtocol';
import type { PageName } from '../windows/windowPlan';

export const PERMISSION_TABLE: Readonly<Record<PageName, readonly string[]>> = Object.freeze({
  kiosk: Object.freeze(['fullscreen']),
  counter: Object.freeze(['media']),
  evaluator: Object.freeze([]),
  display: Object.freeze(['fullscreen']),
  admin: Object.freeze([]),
  setup: Object.freeze([]),
});

/** What Electron tells about a request or a check (both handlers' details, merged). */
export interface PermissionDetails {
  requestingUrl?: string | undefined;
  /** The check handler's origin argument. */
  requestingOrigin?: string | undefined;
  isMainFrame?: boolean | undefined;
  /** Request handler, 'media': what the page asks for. */
  mediaTypes?: readonly string[] | undefined;
  /** Check handler, 'media'. */
  mediaType?: string | undefined;
}

export function isPermitted(page: PageName | undefined, permission: string, details: PermissionDetails): boolean {
  if (page === undefined || !Object.hasOwn(PERMISSION_TABLE, page)) return false;
  if (!PERMISSION_TABLE[page].includes(permission)) return false;
  if (details.isMainFrame === false) return false;
  const where = [details.requestingUrl, details.requestingOrigin].filter((u): u is string => u !== undefined && u !== '');
  if (where.length === 0 || !where.every((u) => parseAppUrl(u) !== undefined)) return false;
  // The page at that URL must be the page the window was opened for.
  if (details.requestingUrl && parseAppUrl(details.requestingUrl)?.page !== page) return false;
  if (permission === 'media') {
    if (details.mediaTypes !== undefined) return details.mediaTypes.length > 0 && details.mediaTypes.every((t) => t === 'video');
    return details.mediaType === 'video';
  }
  return true;
}

type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & Partial<Pick<Session, 'setDevicePermissionHandler'>>;

/** `pageOf`: the page a webContents was opened for (the window manager knows), or undefined. */
export function installPermissionHandlers(session: PermissionSession, pageOf: (webContents: WebContents) => PageName | undefined): void {
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(
      isPermitted(pageOf(webContents), permission, {
        requestingUrl: details.requestingUrl,
        isMainFrame: details.isMainFrame,
        mediaTypes: 'mediaTypes' in details ? (details.mediaTypes ?? []) : undefined,
      }),
    );
  });
  session.setPermissionCheckHandler((webContents, permission, requestingOrigin, details) => {
    if (!webContents) return false;
    return isPermitted(pageOf(webContents), permission, {
      requestingOrigin,
      requestingUrl: details.requestingUrl,
      isMainFrame: details.isMainFrame,
      mediaType: details.mediaType,
    });
  });
  // WebHID / WebSerial / WebUSB: never from a page; the devices are main's.
  session.setDevicePermissionHandler?.(() => false);
}
