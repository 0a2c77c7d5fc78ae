/**
 * The ticket printer driver. DESIGN.md: a ticket enters the queue only once the citizen holds it,
 * and a failed print voids the ticket, so `printTicket` answers one question reliably: did the
 * paper come out? It never throws; it answers a PrintResult.
 *
 *   1. status before (DLE EOT 1..4): paper out, cover open, an error or offline -> ok:false,
 *      and nothing is sent to the printer;
 *   2. the job (ticket.ts), written in one piece;
 *   3. status after, once the paper has had time to come out (real-time status is answered at
 *      once, even while the printer is still printing, so asking too early proves nothing):
 *      paper out, an error, offline, or no answer -> ok:false (void the ticket); paper near end
 *      -> ok:true with warnings ['paper-near-end'].
 * All three run as one CommandQueue job, so a heartbeat or a second ticket never lands between.
 *
 * Transports: serial, TCP 9100 and a USB device file are byte links kept by a DeviceSupervisor
 * (heartbeat = status read); the OS spooler is `SpoolerPrinter` (HTML + an injected printHtml).
 * A transport that cannot read the status (a write-only device file, a one-way printer behind
 * it, the spooler) cannot confirm the paper: it answers ok:true with warnings ['unconfirmed'],
 * and its health message says tickets are not confirmed. Prefer serial or TCP for kiosks.
 */
import type { Bilingual } from '../../../shared/config/text';
import { TicketPrintSchema, type DeviceHealth, type PrintResult, type TicketPrint } from '../../../shared/devices/contract';
import { CommandQueue } from '../common/commandQueue';
import { DeviceError } from '../common/errors';
import type { ByteLink } from '../common/link';
import { openSerialLink } from '../common/serialLink';
import { DeviceSupervisor, type SupervisedDriver } from '../common/supervisor';
import type { z } from 'zod';
import type { PrinterSchema } from '../config';
import { openFileLink, openTcpLink, type FileLink } from './links';
import { assessStatus, StatusReader, summarizeStatus, type PrinterStatus } from './status';
import { ticketEscPos, ticketHtml, type WidthDots } from './ticket';

export type PrinterConfig = z.output<typeof PrinterSchema>;

/** What a kiosk holds, whatever the transport. */
export interface TicketPrinter {
  printTicket(ticket: TicketPrint): Promise<PrintResult>;
}

/** The printer's own condition as the driver last saw it (merged into the health report). */
export type PrinterCondition =
  | { kind: 'unknown' }
  | { kind: 'status'; status: PrinterStatus }
  | { kind: 'no-status'; error: DeviceError }
  | { kind: 'unconfirmed' };

export interface PrinterDriverOptions {
  widthDots: WidthDots;
  /** One DLE EOT answer must arrive within this (config `statusTimeoutMs`). */
  statusTimeoutMs: number;
  /**
   * Does the link carry status answers? 'yes' for serial and TCP (no answer = a fault);
   * 'probe' for a device file (ask once on attach: an answer means yes, silence means a
   * one-way printer whose prints are unconfirmed).
   */
  statusMode?: 'yes' | 'probe';
  /** Paper speed used to wait until the ticket is out before the confirming status (mm/s; 0 = no wait). */
  printSpeedMmPerS?: number;
  /** While waiting for the paper, ask the status this often, to fail early. */
  pollMs?: number;
  /** Upper bound for a whole print (status, write, wait, status). */
  printTimeoutMs?: number;
  /** Called whenever the driver learns something about the printer's condition. */
  onCondition?: (c: PrinterCondition) => void;
}

const MESSAGES = {
  missing: { zh: '打印机未连接', en: 'the printer is not connected' },
  badTicket: { zh: '票据内容不完整', en: 'the ticket content is invalid' },
  noStatus: { zh: '打印机无应答，未打印', en: 'the printer did not answer its status; nothing was printed' },
  unconfirmedAfter: { zh: '无法确认是否出票，本票作废', en: 'could not confirm that the ticket came out; it is void' },
  timeout: { zh: '打印超时，无法确认出票，本票作废', en: 'printing timed out; the ticket could not be confirmed and is void' },
  writeFailed: { zh: '向打印机发送数据失败，本票作废', en: 'sending the ticket to the printer failed; it is void' },
} satisfies Record<string, Bilingual>;

function fail(code: string, message: Bilingual): PrintResult {
  return { ok: false, code, message };
}

function afterMessage(m: Bilingual): Bilingual {
  return { zh: `出票失败（${m.zh}），本票作废`, en: `the ticket did not come out (${m.en}); it is void` };
}

export class PrinterDriver implements SupervisedDriver, TicketPrinter {
  private link: ByteLink | undefined;
  private reader: StatusReader | undefined;
  private readonly queue = new CommandQueue();
  private statusMode: 'yes' | 'no';
  private beats = 0;
  condition: PrinterCondition = { kind: 'unknown' };

  constructor(private readonly o: PrinterDriverOptions) {
    this.statusMode = 'yes';
  }

  get attached(): boolean {
    return this.link !== undefined;
  }

  /** Whether prints on this link are confirmed by a status read. */
  get confirms(): boolean {
    return this.statusMode === 'yes';
  }

  async attach(link: ByteLink): Promise<void> {
    this.reader?.dispose();
    this.link = link;
    this.reader = new StatusReader(link);
    this.statusMode = 'yes';
    if (this.o.statusMode === 'probe') {
      const readable = (link as Partial<FileLink>).readable !== false;
      this.statusMode = readable && (await this.queue.run('probe', this.o.statusTimeoutMs * 5, () => this.probe())) ? 'yes' : 'no';
      if (this.statusMode === 'no') this.setCondition({ kind: 'unconfirmed' });
      return;
    }
    // Never throws: a printer that does not answer yet is a fault the health report shows
    // (and the heartbeat turns into a reconnect), not a failed attach.
    await this.status().catch(() => {});
  }

  detach(): void {
    this.reader?.dispose();
    this.reader = undefined;
    this.link = undefined;
  }

  /** The supervisor's heartbeat: the printer answers its status (whatever the status says). */
  async heartbeat(): Promise<void> {
    const link = this.link;
    if (!link) throw new DeviceError('unavailable', 'not-attached', MESSAGES.missing);
    if (this.statusMode === 'no') {
      await (link as Partial<FileLink>).check?.();
      // A printer that was busy at attach may answer later: ask again now and then (not on
      // every beat: a probe of a one-way printer holds the queue for statusTimeoutMs).
      this.beats += 1;
      if ((link as Partial<FileLink>).readable !== false && this.beats % 12 === 0) {
        if (await this.queue.run('probe', this.o.statusTimeoutMs * 5, () => this.probe())) this.statusMode = 'yes';
      }
      return;
    }
    await this.status();
  }

  /** A full status read (DLE EOT 1..4), through the queue. */
  status(): Promise<PrinterStatus> {
    return this.queue.run('status', this.o.statusTimeoutMs * 5, (signal) => this.readStatus(signal));
  }

  async printTicket(ticket: TicketPrint): Promise<PrintResult> {
    const parsed = TicketPrintSchema.safeParse(ticket);
    if (!parsed.success) return fail('bad-ticket', { zh: MESSAGES.badTicket.zh, en: `${MESSAGES.badTicket.en}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
    let job: ReturnType<typeof ticketEscPos>;
    try {
      job = ticketEscPos(parsed.data, this.o.widthDots);
    } catch (err) {
      if (err instanceof DeviceError) return fail(err.code, err.text);
      return fail('layout-failed', { zh: '票据排版失败', en: `the ticket layout failed: ${String(err)}` });
    }
    if (!this.link) return fail('missing', MESSAGES.missing);
    const timeout = this.o.printTimeoutMs ?? 20_000 + this.waitMs(job.heightDots);
    try {
      return await this.queue.run('print', timeout, (signal) => this.runJob(job.bytes, job.heightDots, signal));
    } catch (err) {
      if (err instanceof DeviceError && err.kind === 'timeout') return fail('timeout', MESSAGES.timeout);
      return fail('write-failed', MESSAGES.writeFailed);
    }
  }

  /** How long the paper takes to come out. */
  private waitMs(heightDots: number): number {
    const speed = this.o.printSpeedMmPerS ?? 80;
    return speed > 0 ? Math.ceil(((heightDots / 8) * 1000) / speed) : 0;
  }

  private async runJob(bytes: Uint8Array, heightDots: number, signal: AbortSignal): Promise<PrintResult> {
    const link = this.link;
    if (!link) return fail('missing', MESSAGES.missing);
    const warnings = new Set<string>();

    if (this.statusMode === 'yes') {
      let before: PrinterStatus;
      try {
        before = await this.readStatus(signal);
      } catch (err) {
        return fail('no-status', err instanceof DeviceError ? { zh: MESSAGES.noStatus.zh, en: `${MESSAGES.noStatus.en} (${err.text.en})` } : MESSAGES.noStatus);
      }
      const a = assessStatus(before);
      if (!a.ok) return fail(a.code!, { zh: `${a.message.zh}，未打印`, en: `${a.message.en}; nothing was printed` });
      a.warnings.forEach((w) => warnings.add(w));
    }

    try {
      await link.write(bytes);
    } catch (err) {
      const e = err instanceof DeviceError ? err : undefined;
      if (e?.kind === 'status') return fail(e.code, afterMessage(e.text));
      return fail('write-failed', e ? { zh: MESSAGES.writeFailed.zh, en: `${MESSAGES.writeFailed.en} (${e.text.en})` } : MESSAGES.writeFailed);
    }

    if (this.statusMode === 'no') return { ok: true, warnings: [...warnings, 'unconfirmed'] };

    // Wait for the paper, asking now and then so that a paper-out shows early.
    const end = Date.now() + this.waitMs(heightDots);
    const poll = this.o.pollMs ?? 250;
    for (;;) {
      const left = end - Date.now();
      if (left > 0) await sleep(Math.min(poll, left), signal);
      let after: PrinterStatus;
      try {
        after = await this.readStatus(signal);
      } catch (err) {
        return fail('unconfirmed', err instanceof DeviceError ? { zh: MESSAGES.unconfirmedAfter.zh, en: `${MESSAGES.unconfirmedAfter.en} (${err.text.en})` } : MESSAGES.unconfirmedAfter);
      }
      const a = assessStatus(after);
      if (!a.ok) return fail(a.code!, afterMessage(a.message));
      if (Date.now() >= end) {
        a.warnings.forEach((w) => warnings.add(w));
        if (!after.paperNearEnd) warnings.delete('paper-near-end');
        return { ok: true, warnings: [...warnings] };
      }
    }
  }

  private async readStatus(signal?: AbortSignal, quiet = false): Promise<PrinterStatus> {
    const reader = this.reader;
    if (!reader) throw new DeviceError('unavailable', 'not-attached', MESSAGES.missing);
    try {
      const s = await reader.readAll(this.o.statusTimeoutMs, signal);
      this.setCondition({ kind: 'status', status: s });
      return s;
    } catch (err) {
      const e = err instanceof DeviceError ? err : new DeviceError('transport', 'status-failed', { zh: '读取打印机状态失败', en: String(err) });
      if (this.link && !quiet) this.setCondition({ kind: 'no-status', error: e });
      throw e;
    }
  }

  /** Does the printer answer a status request at all? */
  private async probe(): Promise<boolean> {
    try {
      await this.readStatus(undefined, true);
      return true;
    } catch {
      return false;
    }
  }

  private setCondition(c: PrinterCondition): void {
    this.condition = c;
    this.o.onCondition?.(c);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DeviceError('timeout', 'aborted', { zh: '操作已取消', en: 'cancelled' }));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new DeviceError('timeout', 'aborted', { zh: '操作已取消', en: 'cancelled' }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// ---- the OS spooler ----

/** Electron's main process wraps `webContents.print({ silent: true, deviceName })` around this. */
export type PrintHtml = (html: string, deviceName: string) => Promise<{ success: boolean; failureReason?: string }>;

/**
 * Printing through the OS spooler: the same ticket as HTML. The spooler says only whether it
 * took the job, never whether paper came out, so a success is ok:true with ['unconfirmed'].
 */
export class SpoolerPrinter implements TicketPrinter {
  constructor(
    private readonly o: { deviceName: string; widthDots: WidthDots; printHtml: PrintHtml; timeoutMs?: number; onResult?: (ok: boolean, reason?: string) => void },
  ) {}

  async printTicket(ticket: TicketPrint): Promise<PrintResult> {
    const parsed = TicketPrintSchema.safeParse(ticket);
    if (!parsed.success) return fail('bad-ticket', MESSAGES.badTicket);
    const html = ticketHtml(parsed.data, this.o.widthDots);
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const r = await Promise.race([
        this.o.printHtml(html, this.o.deviceName),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer from the spooler within ${timeoutMs} ms`)), timeoutMs))),
      ]);
      this.o.onResult?.(r.success, r.failureReason);
      if (r.success) return { ok: true, warnings: ['unconfirmed'] };
      const reason = r.failureReason ?? 'unknown';
      return fail(reason === 'cancelled' ? 'spooler-cancelled' : 'spooler-failed', { zh: `系统打印失败（${reason}），本票作废`, en: `the OS spooler did not print (${reason}); the ticket is void` });
    } catch (err) {
      this.o.onResult?.(false, String(err));
      return fail('spooler-failed', { zh: '系统打印失败，本票作废', en: `the OS spooler failed (${(err as Error).message}); the ticket is void` });
    } finally {
      clearTimeout(timer);
    }
  }
}

// ---- one printer from its configuration ----

export interface PrinterServiceDeps {
  onHealth: (h: DeviceHealth) => void;
  /** Needed for transport 'spooler'. */
  printHtml?: PrintHtml;
  heartbeatMs?: number;
  baseMs?: number;
  capMs?: number;
  printSpeedMmPerS?: number;
  /** Replace how the byte link opens (tests). */
  openLink?: () => Promise<ByteLink>;
  now?: () => number;
}

/** Opens the byte link a printer configuration describes (not the spooler). */
export function printerLinkOpener(cfg: PrinterConfig, statusTimeoutMs = cfg.statusTimeoutMs): () => Promise<ByteLink> {
  const t = cfg.transport;
  switch (t.type) {
    case 'serial':
      return () => openSerialLink(t.port);
    case 'tcp':
      return () => openTcpLink({ host: t.host, port: t.port, connectTimeoutMs: Math.max(1000, statusTimeoutMs * 3) });
    case 'file':
      return () => openFileLink({ path: t.path, readWindowMs: Math.max(2000, statusTimeoutMs * 2) });
    case 'spooler':
      throw new DeviceError('config', 'not-a-byte-link', { zh: '系统打印队列不是字节链路', en: 'the spooler transport has no byte link' });
  }
}

/**
 * A configured printer: driver + supervisor (or the spooler), and one health report that joins
 * the link's state (connected, missing) with the printer's own (paper, cover, errors).
 */
export class PrinterService implements TicketPrinter {
  readonly driver: PrinterDriver | undefined;
  readonly supervisor: DeviceSupervisor | undefined;
  private readonly spooler: SpoolerPrinter | undefined;
  private linkHealth: DeviceHealth;
  private last = '';
  health: DeviceHealth;

  constructor(
    private readonly cfg: PrinterConfig,
    private readonly deps: PrinterServiceDeps,
  ) {
    const now = deps.now ?? Date.now;
    this.linkHealth = { id: cfg.id, kind: 'printer', state: 'connecting', message: { zh: '正在连接打印机', en: 'connecting to the printer' }, since: now() };
    this.health = this.linkHealth;
    const t = cfg.transport;
    if (t.type === 'spooler') {
      const printHtml =
        deps.printHtml ??
        (() => Promise.resolve({ success: false, failureReason: 'no printHtml was given to the printer service' }));
      this.spooler = new SpoolerPrinter({
        deviceName: t.deviceName,
        widthDots: cfg.widthDots,
        printHtml,
        onResult: (ok, reason) =>
          this.setLinkHealth(
            ok
              ? { state: 'ok', message: { zh: `系统打印机 ${t.deviceName}（无法确认出纸）`, en: `OS printer ${t.deviceName} (paper not confirmed)` } }
              : { state: 'fault', code: 'spooler-failed', message: { zh: `系统打印失败：${reason ?? ''}`, en: `the OS spooler failed: ${reason ?? ''}` } },
          ),
      });
      return;
    }
    this.driver = new PrinterDriver({
      widthDots: cfg.widthDots,
      statusTimeoutMs: cfg.statusTimeoutMs,
      statusMode: t.type === 'file' ? 'probe' : 'yes',
      ...(deps.printSpeedMmPerS !== undefined ? { printSpeedMmPerS: deps.printSpeedMmPerS } : {}),
      onCondition: () => this.emit(),
    });
    this.supervisor = new DeviceSupervisor({
      id: cfg.id,
      kind: 'printer',
      open: deps.openLink ?? printerLinkOpener(cfg),
      driver: this.driver,
      onHealth: (h) => {
        this.linkHealth = h;
        this.emit();
      },
      heartbeatMs: deps.heartbeatMs ?? 2000,
      fallback: { zh: '可改用电子票', en: 'e-tickets still work' },
      ...(deps.baseMs !== undefined ? { baseMs: deps.baseMs } : {}),
      ...(deps.capMs !== undefined ? { capMs: deps.capMs } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
  }

  start(): void {
    if (this.supervisor) this.supervisor.start();
    else this.setLinkHealth({ state: 'ok', message: { zh: `系统打印机 ${this.cfg.transport.type === 'spooler' ? this.cfg.transport.deviceName : ''}（无法确认出纸）`, en: 'OS spooler printer (paper not confirmed)' } });
  }

  async stop(): Promise<void> {
    await this.supervisor?.stop();
  }

  printTicket(ticket: TicketPrint): Promise<PrintResult> {
    if (this.spooler) return this.spooler.printTicket(ticket);
    return this.driver!.printTicket(ticket);
  }

  private setLinkHealth(h: Pick<DeviceHealth, 'state' | 'message' | 'code'>): void {
    this.linkHealth = { id: this.cfg.id, kind: 'printer', state: h.state, message: h.message, since: (this.deps.now ?? Date.now)(), ...(h.code ? { code: h.code } : {}) };
    this.emit();
  }

  /** The link's health, refined by what the printer says about itself. */
  private emit(): void {
    let h = this.linkHealth;
    const c = this.driver?.condition;
    if (h.state === 'ok' && c && this.driver?.attached) {
      if (c.kind === 'status') {
        const a = assessStatus(c.status);
        if (!a.ok) h = { ...h, state: 'fault', code: a.code!, message: summarizeStatus(c.status), raw: c.status.raw };
        else if (a.warnings.length) h = { ...h, code: a.warnings[0]!, message: summarizeStatus(c.status), raw: c.status.raw };
      } else if (c.kind === 'no-status') {
        h = { ...h, state: 'fault', code: c.error.code, message: c.error.text, ...(c.error.raw ? { raw: c.error.raw } : {}) };
      } else if (c.kind === 'unconfirmed') {
        h = { ...h, code: 'unconfirmed', message: { zh: '打印机不回传状态，无法确认是否出票', en: 'the printer reports no status: tickets are printed unconfirmed' } };
      }
    }
    const key = JSON.stringify([h.state, h.code, h.message, h.raw]);
    if (key === this.last) return;
    this.last = key;
    this.health = h === this.linkHealth ? h : { ...h, since: (this.deps.now ?? Date.now)() };
    this.deps.onHealth(this.health);
  }
}

export function createPrinter(cfg: PrinterConfig, deps: PrinterServiceDeps): PrinterService {
  return new PrinterService(cfg, deps);
}
