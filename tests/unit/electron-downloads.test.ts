/**
 * Downloads in the Electron shell: only the admin's exports and the counter's materials PDF are
 * saved, straight to Downloads under a safe unused name; any other page's download is cancelled.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Session, WebContents } from 'electron';
import { DOWNLOAD_TABLE, installDownloadPolicy, isAllowedDownloadUrl, safeFileName, unusedPath } from '../../electron/main/security/downloads';
import type { PageName } from '../../electron/main/windows/windowPlan';

function setup(existing: string[] = []) {
  const session = new EventEmitter();
  const pages = new Map<object, PageName>();
  const logs: string[] = [];
  installDownloadPolicy(session as unknown as Pick<Session, 'on'>, (c) => pages.get(c), { downloadsDir: () => '/home/hall/Downloads', exists: (p) => existing.includes(p), log: (l) => logs.push(l) });
  const download = (page: PageName | undefined, url: string, filename: string) => {
    const contents = {} as WebContents;
    if (page) pages.set(contents, page);
    let cancelled = false;
    let savedTo: string | undefined;
    session.emit('will-download', { preventDefault: () => (cancelled = true) }, { getURL: () => url, getFilename: () => filename, setSavePath: (p: string) => (savedTo = p) }, contents);
    return { cancelled, savedTo };
  };
  return { download, logs };
}

describe('downloads (the shell\'s table)', () => {
  it('the admin\'s report export is saved to Downloads without a dialog', () => {
    const { download } = setup();
    expect(download('admin', 'blob:app://hallq/1b2c', '报表-2026-11.xlsx')).toEqual({ cancelled: false, savedTo: '/home/hall/Downloads/报表-2026-11.xlsx' });
  });

  it('the counter\'s materials PDF is saved; a name already there gets a number', () => {
    const { download } = setup(['/home/hall/Downloads/A001-材料.pdf', '/home/hall/Downloads/A001-材料 (2).pdf']);
    expect(download('counter', 'blob:app://hallq/9a', 'A001-材料.pdf').savedTo).toBe('/home/hall/Downloads/A001-材料 (3).pdf');
  });

  it('kiosk, board, evaluator, setup and unknown pages may not download anything', () => {
    const { download } = setup();
    for (const page of ['kiosk', 'display', 'evaluator', 'setup', undefined] as const) {
      expect(download(page, 'blob:app://hallq/1', 'x.pdf')).toEqual({ cancelled: true, savedTo: undefined });
    }
    expect(Object.entries(DOWNLOAD_TABLE).filter(([, v]) => v).map(([k]) => k).sort()).toEqual(['admin', 'counter']);
  });

  it('a download from a file:, data: or another scheme is cancelled even on the admin page', () => {
    const { download } = setup();
    expect(download('admin', 'file:///etc/passwd', 'passwd').cancelled).toBe(true);
    expect(download('admin', 'data:text/plain,hi', 'hi.txt').cancelled).toBe(true);
    expect(download('admin', 'blob:https://evil.example/1', 'x').cancelled).toBe(true);
    expect(isAllowedDownloadUrl('https://hall.example/api/admin/reports.csv?period=month')).toBe(true);
  });

  it('a hostile file name cannot leave the Downloads folder or use a reserved Windows name', () => {
    expect(safeFileName('../../.bashrc')).toBe('_.._.bashrc');
    expect(safeFileName('a/b\\c:d*e?.pdf')).toBe('a_b_c_d_e_.pdf');
    expect(safeFileName('CON.txt')).toBe('hallq-CON.txt');
    expect(safeFileName('')).toBe('hallq-download');
    expect(safeFileName('x\u0000y.pdf')).toBe('x_y.pdf');
    expect(unusedPath('C:\\Users\\hall\\Downloads', 'r.csv', () => false, '\\')).toBe('C:\\Users\\hall\\Downloads\\r.csv');
  });
});
