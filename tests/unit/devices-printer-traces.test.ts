/**
 * Issue 16: the printer driver against the DLE EOT answers Epson-compatible printers send
 * (tests/fixtures/devices/printer/, sources in its README), replayed over a fake serial line:
 * what the citizen gets (a ticket, or nothing printed and an e-ticket with a plain message),
 * what the admin sees (a named fault with the raw bytes), and that the simulator answers the
 * same bytes as the published traces.
 */
import { describe, expect, it } from 'vitest';
import { PrinterSchema } from '../../electron/devices/config';
import { PrinterDriver, PrinterService } from '../../electron/devices/printer/driver';
import { PrinterSim, type PrinterSimState } from '../../electron/devices/sim/printerSim';
import { citizenPrintMessage } from '../../renderer/kiosk/printFault';
import { logDeviceHealth } from '../../renderer/devices/healthLog';
import type { DeviceApi, DeviceEvent, DeviceHealth, TicketPrint } from '../../shared/devices/contract';
import { loadTrace, statusReplayLink } from '../fixtures/devices/traces';

interface StatusTrace {
  name: string;
  answers: [string, string, string, string];
}
const fixture = loadTrace<{ traces: StatusTrace[]; damaged: StatusTrace[] }>('printer', 'dle-eot-status.json');
const trace = (name: string) => {
  const t = fixture.traces.find((x) => x.name === name);
  if (!t) throw new Error(`no trace ${name}`);
  return t;
};

const ticket: TicketPrint = {
  hallName: { zh: '朝阳区政务服务中心', en: 'Chaoyang Government Service Center' },
  number: 'A023',
  service: { zh: '户籍办理', en: 'Household registration' },
  ahead: 3,
  waitMinutes: 12,
  issuedAt: '2026-11-23 09:30',
  qr: 'https://zwfw.example.cn/p/A023',
  offline: false,
};

/** What each condition means for the ticket, as the kiosk relies on it. */
const EXPECT: Record<string, { ok: true; warnings: string[] } | { ok: false; code: string }> = {
  'idle, drawer pin 3 high': { ok: true, warnings: [] },
  'idle, drawer pin 3 low': { ok: true, warnings: [] },
  'paper near end': { ok: true, warnings: ['paper-near-end'] },
  'paper near end, drawer pin 3 high': { ok: true, warnings: ['paper-near-end'] },
  'paper out': { ok: false, code: 'paper-out' },
  'paper out, drawer pin 3 high': { ok: false, code: 'paper-out' },
  'cover open': { ok: false, code: 'cover-open' },
  'cover open, paper near end': { ok: false, code: 'cover-open' },
  'autocutter error': { ok: false, code: 'cutter-error' },
  'offline: paper feed button held': { ok: false, code: 'offline' },
  'offline: waiting for online recovery': { ok: false, code: 'offline' },
  'head too hot (auto-recoverable)': { ok: false, code: 'recoverable-error' },
  'unrecoverable error': { ok: false, code: 'unrecoverable-error' },
};

async function printOn(answers: readonly string[]) {
  const link = statusReplayLink(answers);
  const driver = new PrinterDriver({ widthDots: 384, statusTimeoutMs: 100, printSpeedMmPerS: 0 });
  await driver.attach(link);
  link.written.length = 0;
  const result = await driver.printTicket(ticket);
  const jobBytes = link.written.filter((w) => !(w.length === 3 && w[0] === 0x10 && w[1] === 0x04)).reduce((n, w) => n + w.length, 0);
  return { result, jobBytes, link };
}

describe('printer: published DLE EOT answers through the real driver', () => {
  it('every trace in the fixture has an expected outcome (none is left untested)', () => {
    expect(fixture.traces.map((t) => t.name).sort()).toEqual(Object.keys(EXPECT).sort());
  });

  it.each(fixture.traces.map((t) => [t.name, t] as const))('%s', async (name, t) => {
    const { result, jobBytes } = await printOn(t.answers);
    const want = EXPECT[name]!;
    if (want.ok) {
      expect(result).toEqual(want);
      expect(jobBytes).toBeGreaterThan(100); // the ticket went to the printer
    } else {
      expect(result).toMatchObject({ ok: false, code: want.code });
      expect(jobBytes).toBe(0); // nothing but the status requests: no half ticket
    }
  });

  it.each(fixture.damaged.map((t) => [t.name, t] as const))('a damaged answer (%s) is refused: nothing printed, no exception', async (_, t) => {
    const { result, jobBytes, link } = await printOn(t.answers);
    expect(result).toMatchObject({ ok: false, code: 'no-status' });
    if (!result.ok) expect(result.message.en).toMatch(/not a status byte/);
    expect(jobBytes).toBe(0);
    expect(link.listeners()).toBe(1); // one status reader, no leaked listener
  });
});

describe('printer faults: the citizen reads plain language, the admin sees the named fault', () => {
  it.each([
    ['paper out', 'paper-out', '打印纸用完了'],
    ['cover open', 'cover-open', '打印机盖没有关好'],
    ['autocutter error', 'cutter-error', '切纸出了故障'],
    ['offline: paper feed button held', 'offline', '暂时停机'],
  ])('%s: void + e-ticket message for the citizen, device.fault %s with the raw bytes for the admin', async (name, code, zh) => {
    const t = trace(name);
    const { result } = await printOn(t.answers);
    expect(result).toMatchObject({ ok: false, code });
    if (result.ok) return;
    const citizen = citizenPrintMessage(result.code);
    expect(citizen.zh).toContain(zh);
    expect(citizen.zh).toContain('电子号票');
    expect(citizen.zh).not.toMatch(/DLE|EOT|0x|[0-9a-f]{2} [0-9a-f]{2}/i); // no protocol talk for citizens

    // The same printer under its service: the health report names the fault, the hall log gets it.
    const faults: unknown[] = [];
    const listeners = new Set<(e: DeviceEvent) => void>();
    const devices = { subscribe: (l: (e: DeviceEvent) => void) => (listeners.add(l), () => listeners.delete(l)) } as unknown as DeviceApi;
    logDeviceHealth({ devices, author: async (type, payload) => faults.push({ type, ...payload }), holdMs: 0 });
    const healths: DeviceHealth[] = [];
    const cfg = PrinterSchema.parse({ id: 'kiosk-printer', transport: { type: 'serial', port: { path: '/dev/null' } }, statusTimeoutMs: 100 });
    const svc = new PrinterService(cfg, {
      onHealth: (h) => {
        healths.push(h);
        for (const l of listeners) l({ type: 'health', health: h });
      },
      openLink: async () => statusReplayLink(t.answers),
      heartbeatMs: 60_000,
    });
    svc.start();
    await expect.poll(() => healths.at(-1)?.state).toBe('fault');
    await svc.stop();
    expect(healths.at(-1)).toMatchObject({ state: 'fault', code, raw: t.answers.join(' ') });
    expect(faults).toEqual([expect.objectContaining({ type: 'device.fault', device: 'printer', code, raw: t.answers.join(' ') })]);
  });

  it('paper near end: the ticket prints, and health stays ok while naming paper-near-end (no fault logged)', async () => {
    const t = trace('paper near end');
    const healths: DeviceHealth[] = [];
    const cfg = PrinterSchema.parse({ id: 'kiosk-printer', transport: { type: 'serial', port: { path: '/dev/null' } }, statusTimeoutMs: 100 });
    const svc = new PrinterService(cfg, { onHealth: (h) => healths.push(h), openLink: async () => statusReplayLink(t.answers), heartbeatMs: 60_000, printSpeedMmPerS: 0 });
    svc.start();
    await expect.poll(() => healths.at(-1)?.code).toBe('paper-near-end');
    expect(await svc.printTicket(ticket)).toEqual({ ok: true, warnings: ['paper-near-end'] });
    await svc.stop();
    expect(healths.at(-1)).toMatchObject({ state: 'ok', code: 'paper-near-end', raw: '12 12 12 1e' });
  });
});

describe('the printer simulator answers the published bytes', () => {
  it.each<[string, Partial<PrinterSimState>]>([
    ['idle, drawer pin 3 high', { drawerPin3High: true }],
    ['idle, drawer pin 3 low', {}],
    ['paper near end', { paper: 'near-end' }],
    ['paper near end, drawer pin 3 high', { paper: 'near-end', drawerPin3High: true }],
    ['paper out', { paper: 'out' }],
    ['paper out, drawer pin 3 high', { paper: 'out', drawerPin3High: true }],
    ['cover open', { coverOpen: true }],
    ['cover open, paper near end', { coverOpen: true, paper: 'near-end' }],
    ['autocutter error', { cutterError: true }],
    ['offline: paper feed button held', { feedButton: true }],
    ['offline: waiting for online recovery', { waitingRecovery: true }],
    ['head too hot (auto-recoverable)', { autoRecoverableError: true }],
    ['unrecoverable error', { unrecoverableError: true }],
  ])('%s', (name, state) => {
    const sim = new PrinterSim(state);
    const answers = [1, 2, 3, 4].map((n) => sim.statusByte(n).toString(16).padStart(2, '0'));
    expect(answers).toEqual(trace(name).answers);
  });
});
