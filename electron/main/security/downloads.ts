/**
 * Downloads, as an explicit table like permissions: only the admin (report and ledger exports)
 * and the counter (a ticket's materials as PDF) may save files, and only files their own page
 * made (blob: URLs of app://hallq) or the hall server sent for them (exports over http(s)).
 * They go straight to the user's Downloads folder under a safe, unused name: a locked-down
 * terminal shows no save dialog. Every other download is cancelled.
 */
import type { DownloadItem, Session, WebContents } from 'electron';
import type { PageName } from '../windows/windowPlan';

export const DOWNLOAD_TABLE: Readonly<Record<PageName, boolean>> = Object.freeze({
  kiosk: false,
  counter: true,
  evaluator: false,
  display: false,
  admin: true,
  setup: false,
});

/** Where a download may come from: the page's own blobs, or a server over http(s). */
export function isAllowedDownloadUrl(url: string): boolean {
  if (url.startsWith('blob:app://hallq/')) return true;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A file name that cannot climb out of the folder or upset Windows: no separators, no control or reserved characters. */
export function safeFileName(name: string): string {
  const cleaned = name
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f<>:"/\\|?*]/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 150);
  const stem = cleaned.split('.')[0]!.toUpperCase();
  if (!cleaned || /^(CON|PRN|AUX|NUL|COM\d|LPT\d)$/.test(stem)) return `hallq-${cleaned || 'download'}`;
  return cleaned;
}

/** `name`, or `name (2).ext`, `name (3).ext`… whichever does not exist yet. */
export function unusedPath(dir: string, name: string, exists: (path: string) => boolean, sep = '/'): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const at = (n: number) => `${dir}${sep}${n === 1 ? name : `${stem} (${n})${ext}`}`;
  let n = 1;
  while (exists(at(n)) && n < 1000) n++;
  return at(n);
}

export type DownloadSession = Pick<Session, 'on'>;

export function installDownloadPolicy(
  session: DownloadSession,
  pageOf: (contents: WebContents) => PageName | undefined,
  o: { downloadsDir: () => string; exists: (path: string) => boolean; sep?: string; log?: (line: string) => void },
): void {
  session.on('will-download', (event: Electron.Event, item: DownloadItem, contents: WebContents) => {
    const page = contents ? pageOf(contents) : undefined;
    const url = item.getURL();
    if (!page || !DOWNLOAD_TABLE[page] || !isAllowedDownloadUrl(url)) {
      event.preventDefault();
      o.log?.(`download refused: ${page ?? 'unknown page'} ${url.slice(0, 80)}`);
      return;
    }
    const path = unusedPath(o.downloadsDir(), safeFileName(item.getFilename()), o.exists, o.sep);
    item.setSavePath(path);
    o.log?.(`download: ${page} → ${path}`);
  });
}
