/**
 * The printer driver against a fuzzed printer: each DLE EOT n is answered with the status byte
 * of the printer's state, or damaged (a byte that is no status, several bytes, none, late, an
 * unsolicited ASB burst); writes sometimes fail. printTicket answers a PrintResult within its
 * own timeout and never throws; a healthy printer that answers cleanly prints; one that is out
 * of paper never does; attach and heartbeat settle in time.
 */
import { DeviceError } from '../../../electron/devices/common/errors';
import { PrinterDriver, PrinterService } from '../../../electron/devices/printer/driver';
import { PrinterSchema } from '../../../electron/devices/config';
import { DeviceHealthSchema, PrintResultSchema, type TicketPrint } from '../../../shared/devices/contract';
import type { FuzzTarget, IterationContext } from '../engine';
import { FuzzLink } from '../fakeLink';
import { settles } from './settle';
import { randomText } from './text';

interface PrinterState {
  offline: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  nearEnd: boolean;
  cutter: boolean;
}

/** The status byte a real Epson-compatible printer answers to DLE EOT n in this state. */
function statusByte(s: PrinterState, n: number): number {
  let b = 0x12;
  if (n === 1 && s.offline) b |= 0x08;
  if (n === 2) {
    if (s.coverOpen) b |= 0x04;
    if (s.paperOut) b |= 0x20;
    if (s.cutter) b |= 0x40;
  }
  if (n === 3 && s.cutter) b |= 0x08;
  if (n === 4) {
    if (s.nearEnd) b |= 0x0c;
    if (s.paperOut) b |= 0x60;
  }
  return b;
}

function ticketFor(ctx: IterationContext): { ticket: TicketPrint; plain: boolean } {
  const { rng } = ctx;
  const t: TicketPrint = {
    hallName: { zh: '朝阳区政务服务中心', en: 'Chaoyang Government Service Center' },
    number: 'A023',
    service: { zh: '户籍办理', en: 'Household registration' },
    ahead: 3,
    waitMinutes: 12,
    issuedAt: '2026-11-23 09:30',
    qr: 'https://zwfw.example.cn/p/A023',
    offline: false,
  };
  const plain = rng.chance(0.5);
  if (plain) return { ticket: t, plain };
  if (rng.chance(0.3)) t.service = { zh: randomText(rng, 1, 30), en: randomText(rng, 1, 40, true) };
  if (rng.chance(0.1)) t.number = randomText(rng, 0, 10, true);
  if (rng.chance(0.1)) t.windowHint = randomText(rng, 0, 70);
  if (rng.chance(0.05)) (t as { ahead: number }).ahead = -1;
  return { ticket: t, plain };
}

/** A printer as the fuzzer plays it: the status byte of its state to every DLE EOT n, damaged with probability `damage`. */
function fuzzPrinter(ctx: IterationContext, state: PrinterState, damage: number, statusTimeoutMs: number, onDamage: () => void) {
  const { rng } = ctx;
  const serve = (link: FuzzLink) => {
    link.responder = (bytes) => {
      // DLE EOT n: the status request (a job may contain other bytes; only requests are answered).
      if (bytes.length !== 3 || bytes[0] !== 0x10 || bytes[1] !== 0x04) {
        if (rng.chance(damage * 0.2)) {
          onDamage();
          link.send([rng.bytes(rng.range(1, 8))], rng.range(0, 50)); // an ASB burst or noise
        }
        return;
      }
      const good = Uint8Array.of(statusByte(state, bytes[2]!));
      if (!rng.chance(damage)) return link.send([good], rng.range(0, Math.floor(statusTimeoutMs / 2)));
      onDamage();
      switch (rng.int(6)) {
        case 0:
          return; // no answer
        case 1:
          return link.send([Uint8Array.of(rng.next() & 0xff)], rng.range(0, statusTimeoutMs)); // any byte
        case 2:
          return link.send([Uint8Array.of(good[0]!, ...rng.bytes(rng.range(1, 5)))], 1); // more than asked
        case 3:
          return link.send([good], rng.range(statusTimeoutMs, statusTimeoutMs * 3)); // late
        case 4:
          return link.send([new Uint8Array(0), good], 1, 1); // an empty chunk first
        default:
          link.failWrites = rng.chance(0.5) ? new DeviceError('transport', 'closed', { zh: '已断开', en: 'gone' }) : undefined;
          return link.send([good], 1);
      }
    };
  };
  return { serve };
}

export const printerDriver: FuzzTarget = {
  name: 'printer.driver',
  weight: 5,
  virtualTime: true,
  async run(ctx) {
    const { rng } = ctx;
    const link = new FuzzLink((err) => ctx.fail('crash', `the driver's data listener threw: ${String(err)}`));
    const state: PrinterState = { offline: false, coverOpen: false, paperOut: false, nearEnd: false, cutter: false };
    if (rng.chance(0.4)) {
      const k = rng.pick(Object.keys(state) as Array<keyof PrinterState>);
      state[k] = true;
    }
    const damage = rng.pick([0, 0, 0.1, 0.3, 1]);
    let damaged = false;
    const statusTimeoutMs = rng.pick([100, 500]);
    const printTimeoutMs = rng.chance(0.5) ? rng.pick([8000, 30000]) : undefined;
    const printSpeedMmPerS = rng.pick([0, 80, 150]);
    const printer = fuzzPrinter(ctx, state, damage, statusTimeoutMs, () => (damaged = true));
    printer.serve(link);
    const driver = new PrinterDriver({
      widthDots: rng.pick([384, 576] as const),
      statusTimeoutMs,
      statusMode: rng.chance(0.15) ? 'probe' : 'yes',
      printSpeedMmPerS,
      ...(printTimeoutMs !== undefined ? { printTimeoutMs } : {}),
    });
    await settles(ctx, 'attach()', driver.attach(link), statusTimeoutMs * 5 + 1000);
    for (let k = rng.range(1, 3); k > 0; k--) {
      const { ticket, plain } = ticketFor(ctx);
      ctx.note('ticket', JSON.stringify(ticket));
      const limit = (printTimeoutMs ?? 20_000 + 30_000) + statusTimeoutMs * 5 + 1000;
      const w = await settles(ctx, 'printTicket()', driver.printTicket(ticket), limit, 'never');
      if (!w.settled || w.error !== undefined) continue;
      const r = w.value;
      if (!PrintResultSchema.safeParse(r).success) {
        ctx.fail('wrong', `printTicket answered something that is no PrintResult: ${JSON.stringify(r)}`);
        continue;
      }
      if (r!.ok && (state.paperOut || state.coverOpen || state.offline || state.cutter) && driver.confirms) {
        ctx.fail('wrong', `a printer that is ${JSON.stringify(state)} was said to have printed`);
      }
      const healthy = !Object.values(state).some((v, i) => v && i !== 3);
      if (!r!.ok && plain && !damaged && healthy && driver.confirms) {
        ctx.fail('wrong', `a healthy printer answering every status refused the ticket: ${r!.code}`);
      }
    }
    if (rng.chance(0.5)) await settles(ctx, 'heartbeat()', driver.heartbeat(), statusTimeoutMs * 5 + 1000);
    driver.detach();
    if (link.listeners !== 0) ctx.fail('wrong', `${link.listeners} data listeners left on the link after detach()`);
  },
};

/**
 * The printer as a kiosk runs it: PrinterService (driver + supervisor + one health report),
 * links that fail to open or get unplugged, a fuzzed printer. Health reports pass the
 * contract's schema, printTicket always answers a PrintResult in time, stop() settles.
 */
export const printerService: FuzzTarget = {
  name: 'printer.service',
  weight: 2,
  virtualTime: true,
  async run(ctx) {
    const { rng, clock } = ctx;
    const state: PrinterState = { offline: false, coverOpen: false, paperOut: false, nearEnd: false, cutter: false };
    if (rng.chance(0.4)) state[rng.pick(Object.keys(state) as Array<keyof PrinterState>)] = true;
    const statusTimeoutMs = rng.pick([100, 500]);
    const printer = fuzzPrinter(ctx, state, rng.pick([0, 0.1, 0.5]), statusTimeoutMs, () => {});
    const links: FuzzLink[] = [];
    const service = new PrinterService(PrinterSchema.parse({ transport: { type: 'tcp', host: 'printer.fuzz' }, widthDots: 384, statusTimeoutMs }), {
      onHealth: (h) => {
        const r = DeviceHealthSchema.safeParse(h);
        if (!r.success) ctx.fail('wrong', `a health report the contract refuses: ${r.error.issues[0]?.message}`);
      },
      heartbeatMs: rng.pick([500, 5000]),
      baseMs: 100,
      capMs: 2000,
      printSpeedMmPerS: 0,
      now: () => clock.now,
      openLink: async () => {
        if (rng.chance(0.15)) throw new DeviceError('transport', 'open-failed', { zh: '无法连接', en: 'cannot connect to printer.fuzz:9100' });
        const link = new FuzzLink((err) => ctx.fail('crash', `the driver's data listener threw: ${String(err)}`));
        printer.serve(link);
        links.push(link);
        return link;
      },
    });
    service.start();
    for (let k = rng.range(1, 3); k > 0; k--) {
      await clock.advance(rng.range(100, 3000));
      if (rng.chance(0.3)) links.at(-1)?.unplug(new Error('unplugged'));
      const { ticket } = ticketFor(ctx);
      const w = await settles(ctx, 'printTicket()', service.printTicket(ticket), 20_000 + statusTimeoutMs * 10 + 30_000, 'never');
      if (w.settled && w.error === undefined && !PrintResultSchema.safeParse(w.value).success) ctx.fail('wrong', `printTicket answered no PrintResult: ${JSON.stringify(w.value)}`);
    }
    await settles(ctx, 'stop()', service.stop(), 2000);
  },
};
