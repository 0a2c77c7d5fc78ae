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
  /** Heartbeats lost in a row before the link is reopened (default 2). */
  heartbeatMisses?: number;
  /** What still works without this device, for the message. */
  fallback?: Bilingual;
}

export class DeviceSupervisor {
  private link: ByteLink | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private beat: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private connecting = false;
  private misses = 0;
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
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    clearTimeout(this.timer);
    let link: ByteLink | undefined;
    let stopWatching: (() => void) | undefined;
    try {
      link = await this.o.open();
      if (this.stopped) {
        await link.close();
        return;
      }
      const opened = link;
      stopWatching = opened.onClose((err) => {
        if (this.link === opened) this.lost(err);
      });
      await this.o.driver.attach(opened);
      this.link = opened;
      this.attempt = 0;
      this.misses = 0;
      this.report('ok', { zh: '设备正常', en: `working (${opened.description})` });
      this.startHeartbeat();
    } catch (err) {
      // Close only what this attempt opened, without it counting as a loss of a working link.
      stopWatching?.();
      this.o.driver.detach();
      await link?.close().catch(() => {});
      const e = err instanceof DeviceError ? err : new DeviceError('transport', 'open-failed', { zh: '无法连接设备', en: String(err) });
      const msg = this.o.fallback ? { zh: `${e.text.zh}；${this.o.fallback.zh}`, en: `${e.text.en}; ${this.o.fallback.en}` } : e.text;
      this.report(e.kind === 'unavailable' || e.kind === 'transport' || e.kind === 'timeout' ? 'missing' : 'fault', msg, e.code, e.raw);
      this.retry();
    } finally {
      this.connecting = false;
    }
  }

  /**
   * The heartbeat proves the device still answers. One lost answer is noise; after
   * `heartbeatMisses` in a row the link is reopened. Success clears only a heartbeat fault:
   * a fault the driver reported stays until the driver says ok().
   */
  private startHeartbeat(): void {
    clearInterval(this.beat);
    if (!this.o.heartbeatMs || !this.o.driver.heartbeat) return;
    const hb = this.o.driver.heartbeat.bind(this.o.driver);
    this.beat = setInterval(() => {
      hb().then(
        () => {
          this.misses = 0;
          if (this.health.code === 'no-heartbeat') this.ok();
        },
        (err: unknown) => {
          this.misses += 1;
          if (this.misses < (this.o.heartbeatMisses ?? 2)) return;
          this.fault(err instanceof DeviceError ? err : new DeviceError('timeout', 'no-heartbeat', { zh: '设备无响应', en: String(err) }));
          void this.link?.close();
        },
      );
    }, this.o.heartbeatMs);
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
    clearTimeout(this.timer);
    const base = this.o.baseMs ?? 500;
    const cap = this.o.capMs ?? 30_000;
    const ceiling = Math.min(cap, base * 2 ** this.attempt);
    this.attempt += 1;
    const delay = Math.max(50, Math.floor((this.o.random ?? Math.random)() * ceiling));
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  private report(state: DeviceHealth['state'], message: Bilingual, code?: string, raw?: string): void {
    // A device that stays missing across retries keeps the time it went missing.
    if (this.health.state === state && this.health.code === code && this.health.message.en === message.en) return;
    this.health = { id: this.o.id, kind: this.o.kind, state, message, since: this.now(), ...(code ? { code } : {}), ...(raw ? { raw } : {}) };
    this.o.onHealth(this.health);
  }
}
