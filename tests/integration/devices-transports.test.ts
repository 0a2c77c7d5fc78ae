import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AUTH_DEADLINE_MS, startDeviceHost, type DeviceHost } from '../../electron/device-host/server';
import { registerDeviceIpc, DEVICE_IPC } from '../../electron/main/deviceIpc';
import { devicesBridge } from '../../electron/preload/devices';
import { WsDeviceClient } from '../../renderer/devices/wsClient';
import type { TicketPrint } from '../../shared/devices/contract';
import { FakeDevices } from '../support/fakeDevices';

const ticket: TicketPrint = {
  hallName: { zh: '朝阳区政务服务中心', en: 'Chaoyang Government Service Center' },
  number: 'A001',
  service: { zh: '户籍办理', en: 'Household registration' },
  ahead: 3,
  waitMinutes: 12,
  issuedAt: '2026-11-23 09:30',
  qr: 'http://127.0.0.1:8080/p/abcdefghijklmnopqrstuv',
  offline: false,
};
const card = { cardType: 'resident', idHash: 'a'.repeat(64), idMasked: '110***********1234', nameMasked: '张*', birthDate: '1950-01-01' };

describe('device host (web mode): the device contract over a WebSocket on 127.0.0.1', () => {
  let host: DeviceHost | undefined;
  afterEach(async () => host?.close());

  it('a page of an allowed origin with the token prints, reads health, and receives card events', async () => {
    const devices = new FakeDevices();
    host = await startDeviceHost({ api: devices, allowedOrigins: ['http://127.0.0.1:8080'], token: 'secret-token' });
    const Origin = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'http://127.0.0.1:8080' });
      }
    };
    const client = new WsDeviceClient({ url: host.url, token: "secret-token", WebSocket: Origin as never });
    const events: unknown[] = [];
    client.subscribe((e) => events.push(e));
    expect(await client.printTicket(ticket)).toEqual({ ok: true, warnings: [] });
    expect(devices.printed[0]?.number).toBe('A001');
    expect((await client.health())[0]).toMatchObject({ kind: 'printer', state: 'ok' });
    devices.emit({ type: 'card', card: card as never });
    await waitFor(() => events.length > 0);
    expect(events[0]).toMatchObject({ type: 'card', card: { nameMasked: '张*' } });
    client.close();
  });

  it('refuses pages of other origins at the upgrade', async () => {
    host = await startDeviceHost({ api: new FakeDevices(), allowedOrigins: ['http://127.0.0.1:8080'], token: 'secret-token' });
    const ws = new WebSocket(host.url, { origin: 'http://evil.example' });
    const status = await new Promise<number | string>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('error'));
    });
    expect(status).toBe(401);
  });

  it('a device token put in the socket URL is refused: the secret never travels where URLs are logged', async () => {
    host = await startDeviceHost({ api: new FakeDevices(), allowedOrigins: ['http://127.0.0.1:8080'], token: 'secret-token' });
    const ws = new WebSocket(`${host.url}/?token=secret-token`, { origin: 'http://127.0.0.1:8080' });
    const status = await new Promise<number | string>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('error'));
    });
    expect(status).toBe(401);
  });

  it('a local page that sends a wrong token (or a request instead of the token) is closed, and nothing reaches the devices', async () => {
    const devices = new FakeDevices();
    host = await startDeviceHost({ api: devices, allowedOrigins: ['http://127.0.0.1:8080'], token: 'secret-token' });
    for (const first of [{ t: 'auth', token: 'wrong-token!' }, { id: 1, req: { op: 'print-ticket', ticket } }, { t: 'auth', token: 'secret-tokenX' }]) {
      const ws = new WebSocket(host.url, { origin: 'http://127.0.0.1:8080' });
      await new Promise((r) => ws.on('open', r));
      const heard: unknown[] = [];
      ws.on('message', (d) => heard.push(String(d)));
      const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
      ws.send(JSON.stringify(first));
      ws.send(JSON.stringify({ id: 2, req: { op: 'print-ticket', ticket } }));
      expect(await closed).toBe(4001);
      expect(heard).toEqual([]);
    }
    devices.emit({ type: 'card', card: { nameMasked: '张*' } as never });
    expect(devices.printed).toHaveLength(0);
  });

  it("the page's client sends the token as its first message, never in the URL", async () => {
    const devices = new FakeDevices();
    host = await startDeviceHost({ api: devices, allowedOrigins: ['http://127.0.0.1:8080'], token: 'tok-123456' });
    const urls: string[] = [];
    const firstMessages: string[] = [];
    class Spy extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'http://127.0.0.1:8080' });
        urls.push(url);
        const send = this.send.bind(this);
        this.send = ((d: string) => {
          if (firstMessages.length === 0) firstMessages.push(d);
          send(d);
        }) as never;
      }
    }
    const client = new WsDeviceClient({ url: host.url, token: 'tok-123456', WebSocket: Spy as never });
    expect(await client.printTicket(ticket)).toMatchObject({ ok: true });
    expect(urls.every((u) => !u.includes('tok-123456'))).toBe(true);
    expect(JSON.parse(firstMessages[0]!)).toEqual({ t: 'auth', token: 'tok-123456' });
    client.close();
  });

  it('a page that never sends its token is closed after the deadline', async () => {
    expect(AUTH_DEADLINE_MS).toBeLessThanOrEqual(10_000);
    host = await startDeviceHost({ api: new FakeDevices(), allowedOrigins: ['http://127.0.0.1:8080'], token: 't', authDeadlineMs: 200 });
    const ws = new WebSocket(host.url, { origin: 'http://127.0.0.1:8080' });
    const heard: unknown[] = [];
    ws.on('message', (d) => heard.push(String(d)));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    expect(await closed).toBe(4001);
    expect(heard).toEqual([]);
  });

  it('a malformed request gets an error answer, and nothing reaches the devices', async () => {
    const devices = new FakeDevices();
    host = await startDeviceHost({ api: devices, allowedOrigins: ['http://127.0.0.1:8080'], token: 't' });
    const ws = new WebSocket(host.url, { origin: 'http://127.0.0.1:8080' });
    await new Promise((r) => ws.on('open', r));
    const answers: any[] = [];
    ws.on('message', (d) => answers.push(JSON.parse(String(d))));
    ws.send(JSON.stringify({ t: 'auth', token: 't' }));
    ws.send(JSON.stringify({ id: 5, req: { op: 'print-ticket', ticket: { number: 'A001' } } }));
    ws.send('not json');
    await waitFor(() => answers.length === 2);
    expect(answers.every((a) => a.ok === false)).toBe(true);
    expect(devices.printed).toHaveLength(0);
    ws.close();
  });

  it('the page still learns the host is unreachable: health says so instead of throwing', async () => {
    const client = new WsDeviceClient({ url: 'ws://127.0.0.1:1', token: 'x', WebSocket: WebSocket as never, timeoutMs: 500 });
    const h = await client.health();
    expect(h[0]).toMatchObject({ state: 'missing' });
    expect(h[0]!.message.zh).toMatch(/设备服务/);
    expect(await client.printTicket(ticket)).toMatchObject({ ok: false });
  });

  it('subscribers hear at once that the host went away (the printer missing), and every device\'s health again when it is back', async () => {
    const devices = new FakeDevices();
    host = await startDeviceHost({ api: devices, allowedOrigins: ['http://127.0.0.1:8080'], token: 't' });
    const port = host.port;
    const Origin = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'http://127.0.0.1:8080' });
      }
    };
    const client = new WsDeviceClient({ url: host.url, token: 't', WebSocket: Origin as never, timeoutMs: 1000 });
    const events: Array<{ type: string; health?: { id: string; state: string; code?: string } }> = [];
    client.subscribe((e) => events.push(e as never));
    expect((await client.health())[0]).toMatchObject({ state: 'ok' });
    await host.close();
    await waitFor(() => events.some((e) => e.health?.id === 'device-host'));
    expect(events.find((e) => e.health?.id === 'device-host')!.health).toMatchObject({ state: 'missing', code: 'device-host' });
    host = await startDeviceHost({ api: devices, allowedOrigins: ['http://127.0.0.1:8080'], token: 't', port });
    await waitFor(() => events.some((e) => e.health?.id === 'printer' && e.health.state === 'ok'), 10_000);
    client.close();
  });
});

describe('Electron IPC: the same contract through main and preload (fakes for Electron objects)', () => {
  function wire(allowed: boolean) {
    const handlers = new Map<string, (event: any, payload?: unknown) => unknown>();
    const ipcMain = { handle: (ch: string, fn: any) => handlers.set(ch, fn), removeHandler: (ch: string) => handlers.delete(ch) };
    const rendererListeners = new Map<string, Set<(e: unknown, p: unknown) => void>>();
    let destroyed: (() => void) | undefined;
    const webContents = {
      id: 1,
      isDestroyed: () => false,
      send: (ch: string, p: unknown) => rendererListeners.get(ch)?.forEach((l) => l({}, p)),
      once: (_ev: string, fn: () => void) => (destroyed = fn),
    };
    const event = { sender: webContents, senderFrame: { url: allowed ? 'app://hallq/kiosk/index.html' : 'https://evil.example/' } };
    const ipcRenderer = {
      invoke: async (ch: string, payload?: unknown) => handlers.get(ch)!(event, payload),
      on: (ch: string, l: any) => {
        if (!rendererListeners.has(ch)) rendererListeners.set(ch, new Set());
        rendererListeners.get(ch)!.add(l);
        return ipcRenderer;
      },
      removeListener: (ch: string, l: any) => {
        rendererListeners.get(ch)?.delete(l);
        return ipcRenderer;
      },
    };
    const devices = new FakeDevices();
    registerDeviceIpc(ipcMain as never, devices, (e) => (e.senderFrame?.url ?? '').startsWith('app://hallq/'));
    return { devices, api: devicesBridge(ipcRenderer as never), handlers, destroy: () => destroyed?.() };
  }

  it('an app page prints and gets events; events are validated in the preload', async () => {
    const { devices, api } = wire(true);
    expect(await api.printTicket(ticket)).toMatchObject({ ok: true });
    const seen: unknown[] = [];
    api.subscribe((e) => seen.push(e));
    await new Promise((r) => setTimeout(r, 0));
    devices.emit({ type: 'scan', scan: { text: 'APPT-12345', source: 'serial' } });
    devices.emit({ type: 'bogus' } as never);
    expect(seen).toEqual([{ type: 'scan', scan: { text: 'APPT-12345', source: 'serial' } }]);
  });

  it('a page that is not ours is refused before anything reaches a device', async () => {
    const { devices, api } = wire(false);
    await expect(api.printTicket(ticket)).rejects.toThrow(/may not use the devices/);
    expect(devices.printed).toHaveLength(0);
  });

  it.each([
    ['an unknown operation', { op: 'format-disk' }],
    ['a ticket of the wrong shape', { op: 'print-ticket', ticket: { number: 42 } }],
    ['an LED text too long', { op: 'led-show', text: 'x'.repeat(500) }],
    ['no payload at all', undefined],
  ])('hostile input is refused: %s', async (_n, payload) => {
    const { devices, handlers } = wire(true);
    const event = { sender: { id: 1 }, senderFrame: { url: 'app://hallq/kiosk/index.html' } };
    await expect(Promise.resolve().then(() => handlers.get(DEVICE_IPC.request)!(event, payload))).rejects.toThrow(/bad request/);
    expect(devices.printed).toHaveLength(0);
    expect(devices.led).toHaveLength(0);
  });

  it('a closed page stops receiving events', async () => {
    const { devices, api, destroy } = wire(true);
    api.subscribe(() => {});
    await new Promise((r) => setTimeout(r, 0));
    expect(devices.subscribers).toBe(1);
    destroy();
    expect(devices.subscribers).toBe(0);
  });
});

async function waitFor(cond: () => boolean, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
