import { EventEmitter } from 'node:events';
import * as fsp from 'node:fs/promises';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, type ProtocolFs, appPathSegments, appProtocolHandler, appSchemePrivileges, parseAppUrl } from '../../electron/main/security/appProtocol';
import { type LockableWebContents, isAllowedNavigation, lockNavigation } from '../../electron/main/security/navigation';
import { PERMISSION_TABLE, installPermissionHandlers, isPermitted } from '../../electron/main/security/permissions';
import { type SenderEvent, isAppSender, isAppSenderFor } from '../../electron/main/security/senders';
import type { PageName } from '../../electron/main/windows/windowPlan';

// Compile-time: the real Electron objects fit the narrow shapes the modules take.
const _fits = [(w: WebContents): LockableWebContents => w, (e: IpcMainInvokeEvent): SenderEvent => e, (): ProtocolFs => fsp];

describe('the app:// protocol serves the built pages and nothing else on the disk', () => {
  let base: string;
  let root: string;
  let serve: ReturnType<typeof appProtocolHandler>;
  const SECRET = 'the hall database password';

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'hallq-protocol-'));
    root = join(base, 'web');
    await mkdir(join(root, 'kiosk'), { recursive: true });
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'kiosk', 'index.html'), '<!doctype html><title>kiosk</title>');
    await writeFile(join(root, 'assets', 'kiosk-abc123.js'), 'console.log(1)');
    await writeFile(join(root, 'assets', 'kiosk-abc123.css'), 'body{}');
    await writeFile(join(root, 'assets', 'chime.mp3'), new Uint8Array([0xff, 0xfb, 0x90]));
    await writeFile(join(base, 'secret.txt'), SECRET);
    await writeFile(join(base, 'web-secret.txt'), SECRET);
    if (process.platform !== 'win32') await symlink(base, join(root, 'escape'));
    serve = appProtocolHandler(root);
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('a page is served as HTML with the strict Content-Security-Policy', async () => {
    const res = await serve({ url: 'app://hallq/kiosk/index.html?terminal=kiosk-1&server=http://hub:8080' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>kiosk</title>');
  });

  it('a page folder serves its index.html, with or without the trailing slash', async () => {
    for (const url of ['app://hallq/kiosk/', 'app://hallq/kiosk']) {
      const res = await serve({ url });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('scripts, styles and sounds get their content type (and no CSP of their own)', async () => {
    const types = await Promise.all(['kiosk-abc123.js', 'kiosk-abc123.css', 'chime.mp3'].map(async (f) => (await serve({ url: `app://hallq/assets/${f}` })).headers));
    expect(types.map((h) => h.get('content-type'))).toEqual(['text/javascript; charset=utf-8', 'text/css; charset=utf-8', 'audio/mpeg']);
    expect(types.every((h) => h.get('content-security-policy') === null)).toBe(true);
  });

  it('HEAD gives the headers without the body; anything but GET/HEAD is refused', async () => {
    const head = await serve({ url: 'app://hallq/kiosk/index.html', method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await serve({ url: 'app://hallq/kiosk/index.html', method: 'POST' })).status).toBe(405);
  });

  it.each([
    ['../ from the root', 'app://hallq/../secret.txt'],
    ['../ from a page folder', 'app://hallq/kiosk/../../secret.txt'],
    ['encoded dots %2e%2e/', 'app://hallq/%2e%2e/secret.txt'],
    ['upper-case encoded dots %2E%2E/', 'app://hallq/kiosk/%2E%2E/%2E%2E/secret.txt'],
    ['an encoded slash ..%2f', 'app://hallq/kiosk/..%2f..%2fsecret.txt'],
    ['an encoded slash %2f..%2f', 'app://hallq/kiosk%2f..%2f..%2fsecret.txt'],
    ['a backslash', 'app://hallq/..\\secret.txt'],
    ['an encoded backslash', 'app://hallq/kiosk/..%5c..%5csecret.txt'],
    ['a NUL byte', 'app://hallq/kiosk/index.html%00.png'],
    ['an absolute path', 'app://hallq//etc/passwd'],
    ['an encoded absolute path', 'app://hallq/%2fetc%2fpasswd'],
    ['a Windows drive', 'app://hallq/C:/Windows/win.ini'],
    ['an encoded Windows drive', 'app://hallq/C%3a%5cWindows%5cwin.ini'],
    ['a sibling folder with the same prefix', 'app://hallq/..%2fweb-secret.txt'],
    ['broken percent-encoding', 'app://hallq/kiosk/%E0%A4%A'],
    ['another host', 'app://evil/kiosk/index.html'],
    ['credentials in the URL', 'app://user:pw@hallq/kiosk/index.html'],
    ['another scheme', 'file:///etc/passwd'],
    ['a missing file', 'app://hallq/kiosk/missing.js'],
    ['not a URL at all', 'hallq kiosk'],
  ])('%s is 404', async (_what, url) => {
    const res = await serve({ url });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(SECRET);
  });

  it('plain ../ is folded into the root by the URL parser itself; encoded ones are refused before any disk access', async () => {
    expect(appPathSegments('app://hallq/../../kiosk/index.html')).toEqual(['kiosk', 'index.html']);
    expect((await serve({ url: 'app://hallq/../../kiosk/index.html' })).status).toBe(200);
    for (const url of ['app://hallq/kiosk/..%2f..%2fsecret.txt', 'app://hallq/..%5csecret.txt', 'app://hallq/a%00', 'app://hallq/%2fetc', 'app://hallq/C%3a']) {
      expect(appPathSegments(url)).toBeUndefined();
    }
    const stat = vi.fn(fsp.stat);
    const spied = appProtocolHandler(root, { ...fsp, stat: stat as unknown as ProtocolFs['stat'] });
    await spied({ url: 'app://hallq/kiosk/..%2f..%2fsecret.txt' });
    expect(stat).not.toHaveBeenCalled();
  });

  it.skipIf(process.platform === 'win32')('a symlink inside the root that leads out of it is 404', async () => {
    expect((await serve({ url: 'app://hallq/escape/secret.txt' })).status).toBe(404);
  });

  it('the scheme is registered as standard, secure, fetch-capable and without CORS', () => {
    expect(appSchemePrivileges()).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true } }]);
  });

  it('the CSP allows only our own scripts, no plugins, no framing, but the hall servers and the device host', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(expect.arrayContaining(['http:', 'https:', 'ws:', 'wss:']));
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
  });

  it('app URLs are told apart by protocol and host (Node gives app:// an origin of "null")', () => {
    expect(parseAppUrl('app://hallq/counter/index.html?terminal=c-1')).toMatchObject({ page: 'counter', rest: 'index.html' });
    expect(parseAppUrl('app://hallq.evil.example/counter/')).toBeUndefined();
    expect(parseAppUrl('https://hallq/counter/')).toBeUndefined();
    expect(parseAppUrl('')).toBeUndefined();
  });
});

const fakeEvent = (url: string, extra: object = {}) => ({ url, isMainFrame: true, preventDefault: vi.fn(), ...extra });

describe('a window stays on its own page', () => {
  it.each([
    ['a reload of the same page with a new query', 'app://hallq/kiosk/index.html?terminal=k-1', 'app://hallq/kiosk/index.html?terminal=k-1&x=1', true],
    ['the page folder and its index.html', 'app://hallq/kiosk/index.html', 'app://hallq/kiosk/', true],
    ['another of our pages', 'app://hallq/kiosk/index.html', 'app://hallq/admin/index.html', false],
    ['a file of the same page folder', 'app://hallq/kiosk/index.html', 'app://hallq/kiosk/other.html', false],
    ['a web site', 'app://hallq/kiosk/index.html', 'https://example.com/', false],
    ['the hall server itself', 'app://hallq/kiosk/index.html', 'http://hub.hall.local:8080/kiosk/', false],
    ['a file URL', 'app://hallq/kiosk/index.html', 'file:///C:/Windows/', false],
    ['a javascript: URL', 'app://hallq/kiosk/index.html', 'javascript:alert(1)', false],
    ['a look-alike host', 'app://hallq/kiosk/index.html', 'app://hallq.evil/kiosk/index.html', false],
    ['from a page that is not ours', 'https://example.com/', 'app://hallq/kiosk/index.html', false],
  ])('%s: allowed=%s', (_what, from, to, allowed) => {
    expect(isAllowedNavigation(from, to)).toBe(allowed);
  });

  function lockedContents(url = 'app://hallq/kiosk/index.html?terminal=kiosk-1') {
    const wc = Object.assign(new EventEmitter(), {
      getURL: () => url,
      openHandler: undefined as undefined | (() => unknown),
      setWindowOpenHandler(h: () => unknown) {
        this.openHandler = h;
      },
    });
    lockNavigation(wc as unknown as LockableWebContents);
    return wc;
  }

  it('a link or script taking the kiosk to a web site is stopped', () => {
    const wc = lockedContents();
    const e = fakeEvent('https://example.com/');
    wc.emit('will-navigate', e, e.url);
    expect(e.preventDefault).toHaveBeenCalled();
    const same = fakeEvent('app://hallq/kiosk/index.html?terminal=kiosk-1');
    wc.emit('will-navigate', same, same.url);
    expect(same.preventDefault).not.toHaveBeenCalled();
  });

  it('a redirect to elsewhere is stopped', () => {
    const wc = lockedContents();
    const e = fakeEvent('https://example.com/login');
    wc.emit('will-redirect', e, e.url);
    expect(e.preventDefault).toHaveBeenCalled();
  });

  it('window.open never opens a window', () => {
    const wc = lockedContents();
    expect(wc.openHandler?.()).toEqual({ action: 'deny' });
  });

  it('a <webview> is never attached, and a subframe never navigates', () => {
    const wc = lockedContents();
    const attach = fakeEvent('');
    wc.emit('will-attach-webview', attach, {}, { src: 'https://example.com' });
    expect(attach.preventDefault).toHaveBeenCalled();
    const frame = fakeEvent('app://hallq/kiosk/index.html', { isMainFrame: false });
    wc.emit('will-frame-navigate', frame);
    expect(frame.preventDefault).toHaveBeenCalled();
  });
});

describe('web permissions: an explicit table, everything else denied', () => {
  const counterUrl = 'app://hallq/counter/index.html?terminal=counter-1';
  const kioskUrl = 'app://hallq/kiosk/index.html?terminal=kiosk-1';

  it('the counter may use the document camera, video only', () => {
    expect(isPermitted('counter', 'media', { requestingUrl: counterUrl, isMainFrame: true, mediaTypes: ['video'] })).toBe(true);
    expect(isPermitted('counter', 'media', { requestingOrigin: 'app://hallq', isMainFrame: true, mediaType: 'video' })).toBe(true);
  });

  it('the microphone is denied everywhere, also together with the camera', () => {
    for (const page of Object.keys(PERMISSION_TABLE) as PageName[]) {
      expect(isPermitted(page, 'media', { requestingUrl: `app://hallq/${page}/index.html`, isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
      expect(isPermitted(page, 'media', { requestingUrl: `app://hallq/${page}/index.html`, isMainFrame: true, mediaTypes: ['video', 'audio'] })).toBe(false);
      expect(isPermitted(page, 'media', { requestingOrigin: 'app://hallq', isMainFrame: true, mediaType: 'audio' })).toBe(false);
    }
    expect(isPermitted('counter', 'media', { requestingUrl: counterUrl, isMainFrame: true, mediaTypes: [] })).toBe(false);
    expect(isPermitted('counter', 'media', { requestingUrl: counterUrl, isMainFrame: true })).toBe(false);
  });

  it('the kiosk gets nothing but full screen', () => {
    const asked = ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb', 'midi', 'openExternal', 'pointerLock', 'display-capture', 'unknown'];
    for (const p of asked) expect(isPermitted('kiosk', p, { requestingUrl: kioskUrl, isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    expect(isPermitted('kiosk', 'fullscreen', { requestingUrl: kioskUrl, isMainFrame: true })).toBe(true);
  });

  it('an unknown origin, a subframe, another page of ours, or an unknown page gets nothing', () => {
    expect(isPermitted('counter', 'media', { requestingUrl: 'https://evil.example/', isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    expect(isPermitted('counter', 'media', { requestingOrigin: 'app://hallq.evil', isMainFrame: true, mediaType: 'video' })).toBe(false);
    expect(isPermitted('counter', 'media', { requestingUrl: counterUrl, isMainFrame: false, mediaTypes: ['video'] })).toBe(false);
    expect(isPermitted('counter', 'media', { requestingUrl: kioskUrl, isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    expect(isPermitted('counter', 'media', { isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    expect(isPermitted(undefined, 'fullscreen', { requestingUrl: kioskUrl, isMainFrame: true })).toBe(false);
    expect(isPermitted('toString' as PageName, 'fullscreen', { requestingUrl: kioskUrl, isMainFrame: true })).toBe(false);
  });

  it('the handlers installed on the session apply the table to each window by its page', () => {
    const handlers: { request?: any; check?: any; device?: any } = {};
    const session = {
      setPermissionRequestHandler: (h: unknown) => void (handlers.request = h),
      setPermissionCheckHandler: (h: unknown) => void (handlers.check = h),
      setDevicePermissionHandler: (h: unknown) => void (handlers.device = h),
    };
    const counter = { id: 1 } as unknown as WebContents;
    const kiosk = { id: 2 } as unknown as WebContents;
    const stranger = { id: 3 } as unknown as WebContents;
    const pages = new Map<WebContents, PageName>([
      [counter, 'counter'],
      [kiosk, 'kiosk'],
    ]);
    installPermissionHandlers(session as unknown as Session, (wc) => pages.get(wc));

    const ask = (wc: WebContents, permission: string, details: object) => {
      const callback = vi.fn();
      handlers.request(wc, permission, callback, { isMainFrame: true, ...details });
      return callback.mock.calls[0]?.[0];
    };
    expect(ask(counter, 'media', { requestingUrl: counterUrl, mediaTypes: ['video'] })).toBe(true);
    expect(ask(counter, 'media', { requestingUrl: counterUrl, mediaTypes: ['audio'] })).toBe(false);
    expect(ask(kiosk, 'media', { requestingUrl: kioskUrl, mediaTypes: ['video'] })).toBe(false);
    expect(ask(stranger, 'fullscreen', { requestingUrl: kioskUrl })).toBe(false);
    expect(handlers.check(counter, 'media', 'app://hallq', { isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(handlers.check(null, 'media', 'app://hallq', { isMainFrame: true, mediaType: 'video' })).toBe(false);
    expect(handlers.check(kiosk, 'notifications', 'app://hallq', { isMainFrame: true })).toBe(false);
    expect(handlers.device({ deviceType: 'hid', origin: 'app://hallq' })).toBe(false);
  });
});

describe('IPC senders: only the top frame of our own pages', () => {
  const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as unknown as SenderEvent;

  it('the top frame of an app://hallq page is ours', () => {
    expect(isAppSender(frame('app://hallq/setup/index.html'))).toBe(true);
  });

  it('a subframe, another origin, a look-alike host, or no frame is not', () => {
    expect(isAppSender(frame('app://hallq/setup/index.html', { url: 'app://hallq/setup/index.html' }))).toBe(false);
    expect(isAppSender(frame('https://evil.example/'))).toBe(false);
    expect(isAppSender(frame('app://hallq.evil.example/setup/'))).toBe(false);
    expect(isAppSender(frame('file:///C:/hallq/setup/index.html'))).toBe(false);
    expect(isAppSender(frame('about:blank'))).toBe(false);
    expect(isAppSender({ senderFrame: null } as SenderEvent)).toBe(false);
  });

  it('a frame that has gone away since it sent (Electron throws on access) is not', () => {
    const gone = {
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    };
    expect(isAppSender(gone as unknown as SenderEvent)).toBe(false);
  });

  it('restricted to some pages: the page is the first path segment', () => {
    const setupOnly = isAppSenderFor(['setup']);
    expect(setupOnly(frame('app://hallq/setup/index.html?mode=exit'))).toBe(true);
    expect(setupOnly(frame('app://hallq/kiosk/index.html'))).toBe(false);
    expect(setupOnly(frame('app://hallq/kiosk/setup/index.html'))).toBe(false);
  });
});
