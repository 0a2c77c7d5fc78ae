/**
 * The OS print spooler for printers without a byte link: an HTML ticket printed silently to
 * a named printer from a hidden window. Electron objects come in as arguments.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, WebContentsPrintOptions } from 'electron';

type WindowLike = Pick<BrowserWindow, 'loadURL' | 'destroy'> & {
  webContents: { print(options: WebContentsPrintOptions, callback: (success: boolean, failureReason: string) => void): void };
};

export function spoolerPrintHtml(createWindow: (o: BrowserWindowConstructorOptions) => WindowLike) {
  return async (html: string, deviceName: string): Promise<{ success: boolean; failureReason?: string }> => {
    const win = createWindow({
      show: false,
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false },
    });
    try {
      await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
      return await new Promise((resolve) =>
        win.webContents.print({ silent: true, deviceName, printBackground: true, margins: { marginType: 'none' } }, (success, failureReason) =>
          resolve(success ? { success } : { success, failureReason }),
        ),
      );
    } finally {
      win.destroy();
    }
  };
}
