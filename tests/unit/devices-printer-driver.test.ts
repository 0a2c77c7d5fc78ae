import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PrinterSchema } from '../../electron/devices/config';
import { PrinterDriver, PrinterService, SpoolerPrinter, type PrintHtml } from '../../electron/devices/printer/driver';
import { openFileLink } from '../../electron/devices/printer/links';
import { qrPayload } from '../../electron/devices/printer/ticket';
import { PrinterSim, simLink } from '../../electron/devices/sim/printerSim';
import type { DeviceHealth, TicketPrint } from '../../shared/devices/contract';

const ticket: TicketPrint = {
  hallName: { zh: '朝阳区政务服务中心', en: 'Chaoyang Government Service Center' },
  number: 'A023',
  service: { zh: '户籍办理', en: 'Household registration' },
  ahead: 3,
  waitMinutes: 12,
  issuedAt: '2026-11-23 09:30',
  qr: 'https://zwfw.example.cn/进度/A023',
  offline: false,
};

async function driverOn(sim: PrinterSim, opts: Partial<ConstructorParameters<typeof PrinterDriver>[0]> = {}) {
  const link = simLink(sim);
  const driver = new PrinterDriver({ widthDots: 384, statusTimeoutMs: 100, printSpeedMmPerS: 0, ...opts });
  await driver.attach(link);
  sim.clearPaper();
  return { driver, link };
}

describe('PrinterDriver.printTicket', () => {
  it('prints: status before, the job, status after; ok with no warnings', async () => {
    const sim = new PrinterSim();
    const { driver } = await driverOn(sim);
    expect(await driver.printTicket(ticket)).toEqual({ ok: true, warnings: [] });
    expect(sim.text).toContain('A023');
    expect(sim.text).toContain('户籍办理');
    expect(sim.qrCodes).toEqual([qrPayload(ticket.qr)]);
    expect(decodeURI(sim.qrCodes[0]!)).toBe(ticket.qr); // the same address, percent-encoded
    expect(sim.cuts).toHaveLength(1);
    expect(sim.statusRequests).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
    expect(sim.unknown).toEqual([]);
  });

  it.each([
    ['paper out', { paper: 'out' as const }, 'paper-out'],
    ['cover open', { coverOpen: true }, 'cover-open'],
    ['offline', { offline: true }, 'offline'],
    ['cutter error', { cutterError: true }, 'cutter-error'],
  ])('%s before printing: ok:false and nothing is sent but the status requests', async (_, state, code) => {
    const sim = new PrinterSim(state);
    const { driver } = await driverOn(sim);
    const r = await driver.printTicket(ticket);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message.en).toContain('nothing was printed');
    expect(sim.received).toBe(12); // four DLE EOT requests, three bytes each
    expect(sim.lines).toEqual([]);
    expect(sim.dropped).toBe(0);
  });

  it('paper near end: prints, with a warning', async () => {
    const sim = new PrinterSim({ paper: 'near-end' });
    const { driver } = await driverOn(sim);
    expect(await driver.printTicket(ticket)).toEqual({ ok: true, warnings: ['paper-near-end'] });
    expect(sim.cuts).toHaveLength(1);
  });

  it('paper runs out during the job: ok:false, the ticket is void', async () => {
    const sim = new PrinterSim();
    const { driver } = await driverOn(sim);
    sim.runOutAfterLines(5);
    const r = await driver.printTicket(ticket);
    expect(r).toMatchObject({ ok: false, code: 'paper-out' });
    if (!r.ok) expect(r.message.en).toContain('void');
    expect(sim.cuts).toHaveLength(0);
    expect(sim.qrCodes).toHaveLength(0);
    expect(sim.dropped).toBeGreaterThan(0);
  });

  it('a printer that does not answer: nothing printed, code no-status', async () => {
    const sim = new PrinterSim({ mute: true });
    const { driver } = await driverOn(sim);
    const t0 = Date.now();
    const r = await driver.printTicket(ticket);
    expect(r).toMatchObject({ ok: false, code: 'no-status' });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(sim.lines).toEqual([]);
  });

  it('the printer stops answering after the job: unconfirmed, void', async () => {
    const sim = new PrinterSim();
    const { driver } = await driverOn(sim);
    const feed = sim.feed.bind(sim);
    sim.feed = (chunk) => {
      const out = feed(chunk);
      if (chunk.length > 3) sim.state.mute = true; // goes silent once the job has arrived
      return out;
    };
    expect(await driver.printTicket(ticket)).toMatchObject({ ok: false, code: 'unconfirmed' });
  });

  it('waits for the paper before confirming, polling so a late paper-out is caught', async () => {
    const sim = new PrinterSim();
    const { driver } = await driverOn(sim, { printSpeedMmPerS: 1000, pollMs: 20 }); // ~150 ms of paper
    // The paper runs out 40 ms after the job reached the printer (not after a fixed time from
    // here: laying out the ticket may itself take longer than that on a loaded machine).
    const watch = setInterval(() => {
      if (sim.cuts.length === 0) return;
      clearInterval(watch);
      setTimeout(() => (sim.state.paper = 'out'), 40);
    }, 2);
    const t0 = Date.now();
    const r = await driver.printTicket(ticket);
    expect(r).toMatchObject({ ok: false, code: 'paper-out' });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(sim.statusRequests.length).toBeGreaterThan(8);
  });

  it('unprintable text: ok:false naming the characters, and nothing is sent', async () => {
    const sim = new PrinterSim();
    const { driver } = await driverOn(sim);
    const r = await driver.printTicket({ ...ticket, service: { zh: '户籍😀', en: 'Household' } });
    expect(r).toMatchObject({ ok: false, code: 'unprintable' });
    if (!r.ok) expect(r.message.zh).toContain('😀');
    expect(sim.received).toBe(0);
  });

  it('an invalid ticket is refused before the printer sees it', async () => {
    const sim = new PrinterSim();
    const { driver } = await driverOn(sim);
    expect(await driver.printTicket({ ...ticket, qr: 'not a url' })).toMatchObject({ ok: false, code: 'bad-ticket' });
    expect(sim.received).toBe(0);
  });

  it('not attached: ok:false missing', async () => {
    const driver = new PrinterDriver({ widthDots: 576, statusTimeoutMs: 100 });
    expect(await driver.printTicket(ticket)).toMatchObject({ ok: false, code: 'missing' });
  });

  it('two tickets at once go one after the other through the queue (never interleaved)', async () => {
    const sim = new PrinterSim();
    const { driver } = await driverOn(sim);
    const [a, b] = await Promise.all([driver.printTicket(ticket), driver.printTicket({ ...ticket, number: 'A024' }), driver.heartbeat()]);
    expect(a).toEqual({ ok: true, warnings: [] });
    expect(b).toEqual({ ok: true, warnings: [] });
    expect(sim.cuts).toHaveLength(2);
    expect(sim.text.indexOf('A023')).toBeLessThan(sim.text.indexOf('A024'));
    expect(sim.statusRequests).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
  });

  it('the link closing mid-job: ok:false, no exception', async () => {
    const sim = new PrinterSim();
    const { driver, link } = await driverOn(sim);
    const feed = sim.feed.bind(sim);
    sim.feed = (chunk) => {
      if (chunk.length > 3) link.unplug();
      return feed(chunk);
    };
    const r = await driver.printTicket(ticket);
    expect(r.ok).toBe(false);
  });

  it('heartbeat resolves while the printer answers (even out of paper) and rejects when it is silent', async () => {
    const sim = new PrinterSim({ paper: 'out' });
    const { driver } = await driverOn(sim);
    await expect(driver.heartbeat()).resolves.toBeUndefined();
    sim.state.mute = true;
    await expect(driver.heartbeat()).rejects.toMatchObject({ kind: 'timeout' });
    driver.detach();
    await expect(driver.heartbeat()).rejects.toMatchObject({ code: 'not-attached' });
  });
});

describe('a device file printer (write-only or silent)', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('a file that never answers: the driver probes, prints unconfirmed, and the bytes land in the file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallq-lp-'));
    const path = join(dir, 'lp0');
    writeFileSync(path, '');
    const link = await openFileLink({ path, readWindowMs: 200 });
    const driver = new PrinterDriver({ widthDots: 384, statusTimeoutMs: 100, statusMode: 'probe' });
    await driver.attach(link);
    expect(driver.confirms).toBe(false);
    expect(await driver.printTicket(ticket)).toEqual({ ok: true, warnings: ['unconfirmed'] });
    const sim = new PrinterSim();
    sim.feed(readFileSync(path));
    expect(sim.qrCodes).toEqual([qrPayload(ticket.qr)]);
    expect(sim.cuts).toHaveLength(1);
    await driver.heartbeat(); // the file is still there
    rmSync(path);
    await expect(driver.heartbeat()).rejects.toMatchObject({ code: 'not-found' });
    await link.close();
  });

  it('a missing device file is "not found" (the supervisor reports missing)', async () => {
    await expect(openFileLink({ path: '/dev/usb/hallq-no-such-lp9' })).rejects.toMatchObject({ kind: 'unavailable', code: 'not-found' });
  });
});

describe('the OS spooler', () => {
  it('renders HTML and hands it to printHtml with the device name; success is unconfirmed', async () => {
    const calls: Array<[string, string]> = [];
    const printHtml: PrintHtml = async (html, deviceName) => {
      calls.push([html, deviceName]);
      return { success: true };
    };
    const p = new SpoolerPrinter({ deviceName: 'POS-80', widthDots: 576, printHtml });
    expect(await p.printTicket(ticket)).toEqual({ ok: true, warnings: ['unconfirmed'] });
    expect(calls[0]![1]).toBe('POS-80');
    expect(calls[0]![0]).toContain('A023');
    expect(calls[0]![0]).toContain('<svg');
  });

  it('a spooler failure or a hang is ok:false', async () => {
    const failing = new SpoolerPrinter({ deviceName: 'X', widthDots: 384, printHtml: async () => ({ success: false, failureReason: 'Print job failed' }) });
    expect(await failing.printTicket(ticket)).toMatchObject({ ok: false, code: 'spooler-failed' });
    const hanging = new SpoolerPrinter({ deviceName: 'X', widthDots: 384, timeoutMs: 50, printHtml: () => new Promise(() => {}) });
    expect(await hanging.printTicket(ticket)).toMatchObject({ ok: false, code: 'spooler-failed' });
  });
});

describe('PrinterService health: the link joined with what the printer says', () => {
  const services: PrinterService[] = [];
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
  });

  it('ok -> fault (paper out, with the raw status) -> ok warning (near end) -> ok, reported on change only', async () => {
    const sim = new PrinterSim();
    const cfg = PrinterSchema.parse({ transport: { type: 'tcp', host: '127.0.0.1' }, widthDots: 384, statusTimeoutMs: 100 });
    const health: DeviceHealth[] = [];
    const svc = new PrinterService(cfg, { onHealth: (h) => health.push(h), openLink: async () => simLink(sim), heartbeatMs: 30, printSpeedMmPerS: 0 });
    services.push(svc);
    svc.start();
    await waitFor(() => svc.health.state === 'ok');
    sim.state.paper = 'out';
    await waitFor(() => svc.health.state === 'fault');
    expect(svc.health).toMatchObject({ kind: 'printer', state: 'fault', code: 'paper-out', raw: '1a 32 12 7e' });
    expect(svc.health.message.zh).toContain('缺纸');
    sim.state.paper = 'near-end';
    await waitFor(() => svc.health.state === 'ok');
    expect(svc.health).toMatchObject({ state: 'ok', code: 'paper-near-end' });
    sim.state.paper = 'ok';
    await waitFor(() => svc.health.code === undefined);
    const n = health.length;
    await new Promise((r) => setTimeout(r, 150)); // several heartbeats, nothing new to say
    expect(health.length).toBe(n);
    expect(await svc.printTicket(ticket)).toEqual({ ok: true, warnings: [] });
  });

  it('a spooler printer reports ok (paper unconfirmed), then a failure', async () => {
    const cfg = PrinterSchema.parse({ transport: { type: 'spooler', deviceName: 'POS-58' }, widthDots: 384 });
    let next = { success: true } as { success: boolean; failureReason?: string };
    const svc = new PrinterService(cfg, { onHealth: () => {}, printHtml: async () => next });
    svc.start();
    expect(svc.health.state).toBe('ok');
    expect(await svc.printTicket(ticket)).toEqual({ ok: true, warnings: ['unconfirmed'] });
    next = { success: false, failureReason: 'Printer is offline' };
    expect(await svc.printTicket(ticket)).toMatchObject({ ok: false });
    expect(svc.health).toMatchObject({ state: 'fault', code: 'spooler-failed' });
    expect(svc.health.message.en).toContain('Printer is offline');
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
