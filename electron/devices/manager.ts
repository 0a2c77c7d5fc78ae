/**
 * The terminal's devices behind the one contract the screens use (DeviceApi): built from the
 * validated devices.json, each device under its supervisor. Nothing here throws at a screen:
 * a device that is missing, a native library that will not load, or a bad configuration file
 * becomes a health row that says what is wrong and what still works.
 */
import type { Bilingual } from '../../shared/config/text';
import type { DeviceApi, DeviceEvent, DeviceHealth, PrintResult, TicketPrint } from '../../shared/devices/contract';
import type { CardRead } from '../../shared/identity';
import { superviseCardReader, type FullCardData } from './cardReader';
import type { DeviceSupervisor } from './common/supervisor';
import { DeviceConfigError, loadDevicesConfig, type DevicesConfig } from './config';
import { superviseEvaluator } from './evaluator';
import { superviseLed } from './led';
import type { LedStrip } from './led/strip';
import { createPrinter, type PrinterService, type PrintHtml } from './printer/driver';
import { superviseScanner } from './scanner';
import { superviseTrigger } from './trigger';

export interface DeviceManagerOptions {
  config: DevicesConfig;
  /** The hall's key for ID hashes (R21); from the terminal's enrollment, not devices.json. */
  hallKey: string;
  /** The counter's identity check (R19): the only receiver of full card data. */
  onIdentity?: (full: FullCardData, card: CardRead) => void;
  /** The OS spooler (Electron's silent print), for printers of transport 'spooler'. */
  printHtml?: PrintHtml;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Reconnect backoff (tests make it short). */
  baseMs?: number;
  capMs?: number;
  now?: () => number;
}

export class DeviceManager implements DeviceApi {
  private readonly listeners = new Set<(e: DeviceEvent) => void>();
  private readonly healthById = new Map<string, DeviceHealth>();
  private readonly supervisors: DeviceSupervisor[] = [];
  private printer: PrinterService | undefined;
  private led: LedStrip | undefined;

  constructor(private readonly o: DeviceManagerOptions) {
    const toScreens = (e: DeviceEvent) => this.emit(e);
    const onHealth = (h: DeviceHealth) => this.setHealth(h);
    const timing = { ...(o.baseMs !== undefined ? { baseMs: o.baseMs } : {}), ...(o.capMs !== undefined ? { capMs: o.capMs } : {}) };
    const onError = (where: string) => (err: Error) => o.log?.('warn', `${where}: ${err.message}`);
    const c = o.config;
    if (c.cardReader) {
      const r = superviseCardReader(c.cardReader, {
        hallKey: o.hallKey,
        toScreens,
        onHealth,
        ...(o.onIdentity ? { onIdentity: o.onIdentity } : {}),
        onCardError: onError('card'),
        fallback: { zh: '可手工选择业务取号', en: 'tickets can still be taken by choosing a service' },
        ...timing,
      });
      this.supervisors.push(r.supervisor);
    }
    if (c.printer) {
      this.printer = createPrinter(c.printer, { onHealth, ...(o.printHtml ? { printHtml: o.printHtml } : {}), ...timing });
    }
    for (const sc of c.scanners) this.supervisors.push(superviseScanner(sc, { toScreens, onHealth, onError: onError('scanner'), ...timing }).supervisor);
    if (c.evaluator) this.supervisors.push(superviseEvaluator(c.evaluator, { toScreens, onHealth, onError: onError('evaluator'), ...timing }).supervisor);
    // The document camera's button / foot pedal: presses go to the counter as 'capture-button'.
    if (c.trigger) this.supervisors.push(superviseTrigger(c.trigger, { toScreens, onHealth, onError: onError('trigger'), ...timing }).supervisor);
    if (c.led) {
      const r = superviseLed(c.led, { onHealth, onError: onError('led'), ...timing });
      this.led = r.driver;
      this.supervisors.push(r.supervisor);
    }
    for (const s of this.supervisors) this.healthById.set(s.health.id, s.health);
  }

  start(): void {
    for (const s of this.supervisors) s.start();
    this.printer?.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.supervisors.map((s) => s.stop()), this.printer?.stop()]);
  }

  async health(): Promise<DeviceHealth[]> {
    return [...this.healthById.values()];
  }

  async printTicket(ticket: TicketPrint): Promise<PrintResult> {
    if (!this.printer) return { ok: false, code: 'no-printer', message: NO_PRINTER };
    return this.printer.printTicket(ticket);
  }

  async showOnLed(text: string): Promise<void> {
    // No strip at this window: the board still shows the call (R3).
    if (!this.led) return;
    await this.led.show(text).catch((err: Error) => this.o.log?.('warn', `led: ${err.message}`));
  }

  /** Button evaluators have no screen to wake; a touch evaluator prompts on its own page. */
  async evaluatorPrompt(): Promise<void> {}

  subscribe(listener: (e: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A problem that is not one device's (e.g. devices.json) shown like a device's. */
  setHealth(h: DeviceHealth): void {
    this.healthById.set(h.id, h);
    this.emit({ type: 'health', health: h });
  }

  private emit(e: DeviceEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.o.log?.('error', `device listener failed: ${(err as Error).message}`);
      }
    }
  }
}

const NO_PRINTER: Bilingual = { zh: '本机未配置打印机，请使用电子票', en: 'this terminal has no printer; use the e-ticket' };

/**
 * Read devices.json and build the manager. A bad file does not stop the terminal: it runs with
 * no devices and one health row naming the bad field.
 */
export function openDeviceManager(file: string, o: Omit<DeviceManagerOptions, 'config'>): DeviceManager {
  try {
    return new DeviceManager({ ...o, config: loadDevicesConfig(file) });
  } catch (err) {
    if (!(err instanceof DeviceConfigError)) throw err;
    o.log?.('error', err.message);
    const m = new DeviceManager({ ...o, config: { scanners: [] } });
    m.setHealth({
      id: 'devices.json',
      kind: 'printer',
      state: 'fault',
      code: 'config',
      message: { zh: `设备配置文件有误，所有外设已停用：${err.message}`, en: `${err.message}; all devices are off until it is fixed` },
      since: (o.now ?? Date.now)(),
    });
    return m;
  }
}

