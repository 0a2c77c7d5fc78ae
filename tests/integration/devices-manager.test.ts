import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nativeOverrides } from '../../electron/devices/common/native';
import { DeviceManager, openDeviceManager } from '../../electron/devices/manager';
import { SAMPLE_CARDS } from '../../electron/devices/sim/cardReaderSim';
import { startSimulatedDevices, type SimulatedDevices } from '../../electron/devices/sim/simulatedDevices';
import { startDeviceHost } from '../../electron/device-host/server';
import { WsDeviceClient } from '../../renderer/devices/wsClient';
import type { DeviceEvent, TicketPrint } from '../../shared/devices/contract';

const HALL_KEY = 'hall-secret-key-for-id-hashes-0001';
const ticket: TicketPrint = {
  hallName: { zh: '朝阳区政务服务中心', en: 'Chaoyang Government Service Center' },
  number: 'A017',
  service: { zh: '户籍办理', en: 'Household registration' },
  ahead: 4,
  waitMinutes: 15,
  issuedAt: '2026-11-23 09:41',
  qr: 'http://127.0.0.1:8080/p/abcdefghijklmnopqrstuvwx',
  offline: false,
};

async function until<T>(f: () => T | undefined, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a terminal with every device (simulated on real ptys) behind the one contract', () => {
  let sims: SimulatedDevices;
  let manager: DeviceManager;
  const events: DeviceEvent[] = [];

  beforeAll(async () => {
    sims = await startSimulatedDevices();
    manager = new DeviceManager({ config: sims.config, hallKey: HALL_KEY, baseMs: 50, capMs: 200 });
    manager.subscribe((e) => events.push(e));
    manager.start();
  });
  afterAll(async () => {
    await manager?.stop();
    await sims?.stop();
  });

  it('every device reports healthy', async () => {
    await until(() => events.filter((e) => e.type === 'health' && e.health.state === 'ok').length >= 6 || undefined);
    const h = await manager.health();
    expect(h.map((x) => x.kind).sort()).toEqual(['card-reader', 'evaluator', 'led', 'printer', 'scanner', 'trigger']);
  });

  it('R19/R21: a card placed on the reader reaches the screens masked and hashed', async () => {
    const card = Object.values(SAMPLE_CARDS)[0]!;
    sims.card.placeCard(card);
    const e = await until(() => events.find((x) => x.type === 'card'));
    expect(e.type === 'card' && e.card.nameMasked).toMatch(/\*/);
    expect(e.type === 'card' && e.card.idMasked).toMatch(/^\d{3}\*+/);
    expect(JSON.stringify(events)).not.toContain(card.idNumber);
    sims.card.removeCard();
    await until(() => events.find((x) => x.type === 'card-removed'));
  });

  it('a QR scanned on the serial scanner reaches the screens', async () => {
    await sims.scanner.scan('APPT-20261123-0042');
    const e = await until(() => events.find((x) => x.type === 'scan'));
    expect(e).toMatchObject({ type: 'scan', scan: { text: 'APPT-20261123-0042', source: 'serial' } });
  });

  it('R8: a key on the evaluator keypad becomes a rating level', async () => {
    await sims.evaluator.press(sims.keyFor(2));
    const e = await until(() => events.find((x) => x.type === 'evaluator-key'));
    expect(e).toMatchObject({ type: 'evaluator-key', key: { level: 2 } });
  });

  it('a ticket prints on the printer, with its number, service and QR', async () => {
    const r = await manager.printTicket(ticket);
    expect(r.ok).toBe(true);
    expect(sims.printer.text).toContain('A017');
    expect(sims.printer.text).toContain('户籍办理');
    expect(sims.printer.cuts).toHaveLength(1);
  });

  it('R3: the window LED strip shows the call', async () => {
    await manager.showOnLed('请A017到5号窗口');
    await until(() => sims.led.shows(1) === '请A017到5号窗口' || undefined);
  });

  it('the same devices through the web-mode device host and its browser client', async () => {
    const host = await startDeviceHost({ api: manager, allowedOrigins: ['http://127.0.0.1:8080'], token: 'tok' });
    const WithOrigin = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin: 'http://127.0.0.1:8080' });
      }
    };
    const client = new WsDeviceClient({ url: host.url, token: "tok", WebSocket: WithOrigin as never });
    const seen: DeviceEvent[] = [];
    client.subscribe((e) => seen.push(e));
    expect((await client.health()).length).toBe(6);
    await sims.scanner.scan('QR-VIA-HOST');
    await until(() => seen.find((e) => e.type === 'scan' && e.scan.text === 'QR-VIA-HOST'));
    client.close();
    await host.close();
  });
});

describe('what never crashes the terminal', () => {
  it('a devices.json with a bad field runs with no devices and a health row naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-cfg-'));
    const file = join(dir, 'devices.json');
    writeFileSync(file, JSON.stringify({ printer: { transport: { type: 'tcp', host: 'printer.local', port: 99999 } } }));
    const m = openDeviceManager(file, { hallKey: HALL_KEY });
    const h = await m.health();
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ state: 'fault', code: 'config' });
    expect(h[0]!.message.en).toMatch(/printer\.transport\.port/);
    expect(h[0]!.message.zh).toMatch(/设备配置文件有误/);
    expect(await m.printTicket(ticket)).toMatchObject({ ok: false, code: 'no-printer' });
  });

  it('a devices.json that is not JSON at all is reported the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-cfg-'));
    const file = join(dir, 'devices.json');
    writeFileSync(file, '{ printer: ');
    const h = await openDeviceManager(file, { hallKey: HALL_KEY }).health();
    expect(h[0]!.message.en).toMatch(/not valid JSON/);
  });

  it('a HID scanner whose native library will not load is "missing", with the reason, and the rest works', async () => {
    nativeOverrides.set('node-hid', new Error('libusb-1.0.so.0: cannot open shared object file'));
    try {
      const m = new DeviceManager({ config: { scanners: [{ id: 'hid', type: 'hid-pos' }] }, hallKey: HALL_KEY, baseMs: 20, capMs: 50 });
      const seen: DeviceEvent[] = [];
      m.subscribe((e) => seen.push(e));
      m.start();
      const missing = await until(() => seen.find((e) => e.type === 'health' && e.health.state === 'missing'));
      expect(missing).toMatchObject({ health: { kind: 'scanner', id: 'hid' } });
      expect(missing.type === 'health' && missing.health.message.en).toMatch(/libusb/);
      expect(await m.printTicket(ticket)).toMatchObject({ ok: false, code: 'no-printer' });
      await m.stop();
    } finally {
      nativeOverrides.delete('node-hid');
    }
  });
});
