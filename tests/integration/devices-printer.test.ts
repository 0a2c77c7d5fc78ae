/**
 * The printer driver end to end, over real transports, against the ESC/POS simulator:
 * a socat pty pair (serial; killing socat = pulling the cable), TCP on 127.0.0.1 (a network
 * printer's port 9100; an ephemeral port here), and the pty again opened as a device file
 * (a bidirectional /dev/usb/lp0).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterSchema } from '../../electron/devices/config';
import { PrinterService } from '../../electron/devices/printer/driver';
import { qrPayload } from '../../electron/devices/printer/ticket';
import { openPtyPair, type PtyPair } from '../../electron/devices/sim/ptyPair';
import { PrinterSim, serveSimOnPty, serveSimOnTcp } from '../../electron/devices/sim/printerSim';
import type { DeviceHealth, TicketPrint } from '../../shared/devices/contract';

const ticket: TicketPrint = {
  hallName: { zh: '朝阳区政务服务中心', en: 'Chaoyang District Government Service Center' },
  number: 'A023',
  service: { zh: '户籍办理', en: 'Household registration' },
  windowHint: '请到 3-5 号窗口',
  ahead: 3,
  waitMinutes: 12,
  issuedAt: '2026-11-23 09:30',
  qr: 'https://zwfw.example.cn/进度/A023?t=Qm9va2luZw',
  offline: false,
};

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function service(transport: unknown, states: DeviceHealth['state'][] = []): PrinterService {
  const cfg = PrinterSchema.parse({ id: 'kiosk-printer', transport, widthDots: 576, statusTimeoutMs: 300 });
  const svc = new PrinterService(cfg, { onHealth: (h) => states.push(h.state), heartbeatMs: 200, baseMs: 100, capMs: 400, printSpeedMmPerS: 0 });
  cleanups.push(() => svc.stop());
  svc.start();
  return svc;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The checks every transport must pass: a ticket, paper out before, paper out during. */
async function printsAndRefuses(svc: PrinterService, sim: PrinterSim): Promise<void> {
  await waitFor('health ok', () => svc.health.state === 'ok');
  sim.clearPaper();

  expect(await svc.printTicket(ticket)).toEqual({ ok: true, warnings: [] });
  expect(sim.text).toContain('A023');
  expect(sim.text).toContain('户籍办理');
  expect(sim.text).toContain('Household registration');
  // the QR holds the URL, its Chinese percent-encoded (plain ASCII for every scanner)
  expect(sim.qrCodes).toEqual(['https://zwfw.example.cn/%E8%BF%9B%E5%BA%A6/A023?t=Qm9va2luZw']);
  expect(decodeURI(sim.qrCodes[0]!)).toBe(ticket.qr);
  expect(sim.cuts).toHaveLength(1);
  expect(sim.unknown).toEqual([]);

  sim.clearPaper();
  sim.state.paper = 'out';
  const before = await svc.printTicket(ticket);
  expect(before).toMatchObject({ ok: false, code: 'paper-out' });
  // Status requests only (DLE EOT n, 3 bytes each: the four before the job, and any heartbeat
  // that fell in meanwhile on a busy machine), and not one byte of ticket.
  expect(sim.statusRequests.length).toBeGreaterThanOrEqual(4);
  expect(sim.received).toBe(3 * sim.statusRequests.length);
  expect(sim.lines).toEqual([]);
  expect(sim.cuts).toEqual([]);

  sim.clearPaper();
  sim.state.paper = 'ok';
  sim.runOutAfterLines(6);
  const during = await svc.printTicket(ticket);
  expect(during).toMatchObject({ ok: false, code: 'paper-out' });
  expect(sim.cuts).toEqual([]);
  expect(svc.health).toMatchObject({ state: 'fault', code: 'paper-out' });

  sim.state.paper = 'ok'; // a new roll: the next heartbeat sees it
  await waitFor('health ok after the new roll', () => svc.health.state === 'ok');
}

async function ptyPairAt(dir: string): Promise<PtyPair> {
  // A killed socat leaves its links behind; the replugged cable gets the same names.
  for (const f of ['device', 'peer']) rmSync(join(dir, f), { force: true });
  return openPtyPair(dir);
}

describe('printer over a serial port (socat pty pair)', () => {
  it('prints a ticket, refuses on paper out, voids on paper out mid-job; unplug -> missing, replug -> prints again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-printer-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let pair = await ptyPairAt(dir);
    cleanups.push(() => pair.kill());
    const sim = new PrinterSim();
    let served = await serveSimOnPty(sim, pair.peer);
    cleanups.push(() => served.close());

    const states: DeviceHealth['state'][] = [];
    const svc = service({ type: 'serial', port: { path: pair.device, baudRate: 115200 } }, states);
    await printsAndRefuses(svc, sim);
    expect(svc.health.message.en).toContain('serial');

    // Unplug: the supervisor notices (the port closes, or the heartbeat goes unanswered).
    await pair.kill();
    await served.close().catch(() => {});
    await waitFor('health missing', () => svc.health.state === 'missing');
    expect(await svc.printTicket(ticket)).toMatchObject({ ok: false });
    expect(existsSync(pair.device)).toBe(false);

    // Replug at the same path.
    pair = await ptyPairAt(dir);
    served = await serveSimOnPty(sim, pair.peer);
    await waitFor('health ok again', () => svc.health.state === 'ok' && svc.driver!.attached);
    sim.clearPaper();
    expect(await svc.printTicket({ ...ticket, number: 'A024' })).toEqual({ ok: true, warnings: [] });
    expect(sim.text).toContain('A024');
    expect(sim.cuts).toHaveLength(1);
    expect(states).toContain('missing');
  }, 15_000);

  it('the pty opened as a device file: a bidirectional /dev/usb/lp0 confirms its prints too', async () => {
    const pair = await openPtyPair();
    cleanups.push(() => pair.kill());
    const sim = new PrinterSim();
    const served = await serveSimOnPty(sim, pair.peer);
    cleanups.push(() => served.close());
    const svc = service({ type: 'file', path: pair.device });
    await waitFor('attached', () => svc.driver!.attached);
    expect(svc.driver!.confirms).toBe(true);
    await printsAndRefuses(svc, sim);
  }, 10_000);
});

describe('printer over TCP (a network printer on 127.0.0.1)', () => {
  it('prints, refuses, voids; a dropped connection -> missing, then reconnects and prints', async () => {
    const sim = new PrinterSim();
    const server = await serveSimOnTcp(sim);
    cleanups.push(() => server.close());
    const states: DeviceHealth['state'][] = [];
    const svc = service({ type: 'tcp', host: '127.0.0.1', port: server.port }, states);
    await printsAndRefuses(svc, sim);
    expect(svc.health.message.en).toContain(`tcp 127.0.0.1:${server.port}`);

    await server.close();
    await waitFor('health missing', () => svc.health.state === 'missing');
    const again = await serveSimOnTcp(sim, server.port);
    cleanups.push(() => again.close());
    await waitFor('health ok again', () => svc.health.state === 'ok' && svc.driver!.attached);
    sim.clearPaper();
    expect(await svc.printTicket(ticket)).toEqual({ ok: true, warnings: [] });
    expect(sim.qrCodes).toEqual([qrPayload(ticket.qr)]);
    expect(states).toContain('missing');
  }, 10_000);

  it('nothing listening: missing, with the address in the message', async () => {
    const probe = await serveSimOnTcp(new PrinterSim());
    const port = probe.port;
    await probe.close();
    const svc = service({ type: 'tcp', host: '127.0.0.1', port });
    await waitFor('health missing', () => svc.health.state === 'missing');
    expect(svc.health.message.en).toContain(`127.0.0.1:${port}`);
    expect(await svc.printTicket(ticket)).toMatchObject({ ok: false, code: 'missing' });
  });
});
