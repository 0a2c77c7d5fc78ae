/**
 * Who sent an IPC message: only the top frame of one of our own app://hallq pages may call
 * main. Not a subframe, not a page that somehow reached another origin, not a frame that has
 * gone away since it sent (Electron then gives a null senderFrame, or a frame that throws).
 */
import type { IpcMainInvokeEvent } from 'electron';
import { parseAppUrl, type AppUrl } from './appProtocol';
import type { PageName } from '../windows/windowPlan';

export type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

/** The sender's page URL, taken apart; undefined unless it is the top frame of an app:// page. */
export function appSenderUrl(event: SenderEvent): AppUrl | undefined {
  try {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return undefined;
    return parseAppUrl(frame.url);
  } catch {
    // A disposed WebFrameMain throws on access.
    return undefined;
  }
}

export function isAppSender(event: SenderEvent): boolean {
  return appSenderUrl(event) !== undefined;
}

/** Only these pages (the first path segment of the sender's URL). */
export function isAppSenderFor(pages: readonly PageName[]): (event: SenderEvent) => boolean {
  return (event) => {
    const page = appSenderUrl(event)?.page;
    return page !== undefined && (pages as readonly string[]).includes(page);
  };
}
