/**
 * Keeps one device connected: open its link, hand it to the driver, watch it (the link's close,
 * plus a heartbeat where the protocol has one), and on loss report 'missing' and reopen with
 * exponential backoff and jitter. Every state change becomes a health report.
 */
import type { Bilingual } from '../../../shared/config/text';
import type { DeviceHealth, DeviceKind } from '../../../shared/devices/contract';
import { DeviceError } from './errors';
import type { ByteLink } from './link';

export interface SupervisedDriver {
  /** Start speaking the protocol on a fresh link (e.g. reset the card reader's SAM). */
  attach(link: ByteLink): Promise<void>;
  /** Forget the link (it is gone). */
  detach(): void;
  /** A cheap command proving the device answers; throws if it does not. */
  heartbeat?(): Promise<void>;
}

export interface SupervisorOptions {
  id: string;
  kind: DeviceKind;
  open: () => Promise<ByteLink>;
  driver: SupervisedDriver;
  onHealth: (h: DeviceHealth) => void;
  now?: () => number;
  random?: () => number;
  baseMs?: number;
  capMs?: number;
  heartbeatMs?: number;
  /** What still works without this device, for the message. */
  fallback?: Bilingual;
}

export class DeviceSupervisor {
  private link: ByteLink | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private beat: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  health: DeviceHealth;

  constructor(private readonly o: SupervisorOptions) {
    this.health = { id: o.id, kind: o.kind, state: 'connecting', message: { zh: '正在连接设备', en: 'connecting' }, since: this.now() };
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.beat);
    const l = this.link;
    this.link = undefined;
    this.o.driver.detach();
    await l?.close().catch(() => {});
  }

  /** The driver saw the device misbehave (bad status, protocol error): report it. */
  fault(err: DeviceError): void {
    this.report('fault', err.text, err.code, err.raw);
  }

  /** The device works again after a fault. */
  ok(): void {
    if (this.health.state !== 'ok') this.report('ok', { zh: '设备正常', en: 'working' });
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const link = await this.o.open();
      if (this.stopped) {
        await link.close();
        return;
      }
      this.link = link;
      link.onClose((err) => this.lost(err));
      await this.o.driver.attach(link);
      this.attempt = 0;
      this.report('ok', { zh: '设备正常', en: `working (${link.description})` });
      if (this.o.heartbeatMs && this.o.driver.heartbeat) {
        const hb = this.o.driver.heartbeat.bind(this.o.driver);
        this.beat = setInterval(() => {
          hb().then(
            () => this.ok(),
            (err: unknown) => {
              // A device that stops answering is as good as unplugged: reopen it.
              this.fault(err instanceof DeviceError ? err : new DeviceError('timeout', 'no-heartbeat', { zh: '设备无响应', en: String(err) }));
              void this.link?.close();
            },
          );
        }, this.o.heartbeatMs);
      }
    } catch (err) {
      const e = err instanceof DeviceError ? err : new DeviceError('transport', 'open-failed', { zh: '无法连接设备', en: String(err) });
      const msg = this.o.fallback ? { zh: `${e.text.zh}；${this.o.fallback.zh}`, en: `${e.text.en}; ${this.o.fallback.en}` } : e.text;
      this.report(e.kind === 'unavailable' || e.kind === 'transport' || e.kind === 'timeout' ? 'missing' : 'fault', msg, e.code, e.raw);
      void this.link?.close().catch(() => {});
      this.link = undefined;
      this.retry();
    }
  }

  private lost(err?: Error): void {
    clearInterval(this.beat);
    this.o.driver.detach();
    this.link = undefined;
    if (this.stopped) return;
    const fb = this.o.fallback;
    this.report('missing', { zh: `设备已断开${fb ? `；${fb.zh}` : ''}`, en: `disconnected${err ? ` (${err.message})` : ''}${fb ? `; ${fb.en}` : ''}` }, 'disconnected');
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    const base = this.o.baseMs ?? 500;
    const cap = this.o.capMs ?? 30_000;
    const ceiling = Math.min(cap, base * 2 ** this.attempt);
    this.attempt += 1;
    const delay = Math.max(50, Math.floor((this.o.random ?? Math.random)() * ceiling));
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  private report(state: DeviceHealth['state'], message: Bilingual, code?: string, raw?: string): void {
    this.health = { id: this.o.id, kind: this.o.kind, state, message, since: this.now(), ...(code ? { code } : {}), ...(raw ? { raw } : {}) };
    this.o.onHealth(this.health);
  }
}
