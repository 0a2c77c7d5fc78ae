/**
 * The device contract over the device host's WebSocket (web mode). Requests time out;
 * the socket reconnects with backoff; events reach every subscriber. While the host is
 * unreachable, health() says so instead of throwing, so the screen can show what is missing.
 */
import type { DeviceApi, DeviceEvent, DeviceHealth, PrintResult, TicketPrint } from '../../shared/devices/contract';
import { DeviceServerMessageSchema } from '../../shared/devices/wire';

// Handlers typed through a method (checked bivariantly), so the DOM WebSocket and `ws` both fit.
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: Handler<unknown> | null;
  onclose: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onerror: Handler<unknown> | null;
}

export interface WsDeviceClientOptions {
  /** The host's address, with no secret in it. */
  url: string;
  /** The session token, sent as the first message on every connection. */
  token?: string;
  WebSocket: new (url: string) => SocketLike;
  timeoutMs?: number;
  now?: () => number;
}

const OPEN = 1;

export class WsDeviceClient implements DeviceApi {
  private ws: SocketLike | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private readonly listeners = new Set<(e: DeviceEvent) => void>();
  private attempt = 0;
  private closed = false;
  private opened: Promise<void> | undefined;
  /** The socket closed (or never opened) since the last open. */
  private lost = false;

  constructor(private readonly o: WsDeviceClientOptions) {}

  subscribe(listener: (e: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    void this.connect().catch(() => {});
    return () => this.listeners.delete(listener);
  }

  async health(): Promise<DeviceHealth[]> {
    try {
      return (await this.call({ op: 'health' })) as DeviceHealth[];
    } catch (err) {
      return [this.hostMissing((err as Error).message)];
    }
  }

  /** The row that stands for every device while the host is away (for the admin's details). */
  private hostMissing(why: string): DeviceHealth {
    return {
      id: 'device-host',
      kind: 'printer',
      state: 'missing',
      code: 'device-host',
      message: { zh: '设备服务未连接，无法打印或读卡', en: `the device host is not reachable (${why})` },
      since: (this.o.now ?? Date.now)(),
    };
  }

  private tell(e: DeviceEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  async printTicket(ticket: TicketPrint): Promise<PrintResult> {
    try {
      return (await this.call({ op: 'print-ticket', ticket })) as PrintResult;
    } catch (err) {
      return { ok: false, code: 'device-host', message: { zh: '打印服务不可用', en: `printing is not available: ${(err as Error).message}` } };
    }
  }

  async showOnLed(text: string): Promise<void> {
    await this.call({ op: 'led-show', text });
  }

  async evaluatorPrompt(active: boolean): Promise<void> {
    await this.call({ op: 'evaluator-prompt', active });
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
    for (const [, w] of this.waiting) w.reject(new Error('closed'));
    this.waiting.clear();
  }

  private async call(req: unknown): Promise<unknown> {
    await this.connect();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('the device host did not answer in time'));
      }, this.o.timeoutMs ?? 10_000);
      this.waiting.set(id, { resolve, reject, timer });
      this.ws!.send(JSON.stringify({ id, req }));
    });
  }

  private connect(): Promise<void> {
    if (this.ws && this.ws.readyState === OPEN) return Promise.resolve();
    if (this.opened) return this.opened;
    this.opened = new Promise<void>((resolve, reject) => {
      const ws = new this.o.WebSocket(this.o.url);
      this.ws = ws;
      ws.onopen = () => {
        const back = this.lost;
        this.lost = false;
        this.attempt = 0;
        // Before anything else: the host hears nothing from a socket until it has the token.
        if (this.o.token !== undefined) ws.send(JSON.stringify({ t: 'auth', token: this.o.token }));
        resolve();
        // Back after an absence: subscribers hear every device's health again (the host pushes
        // only changes, and those made while away were never heard).
        if (back && this.listeners.size) {
          void this.health().then((rows) => rows.forEach((health) => this.tell({ type: 'health', health })));
        }
      };
      ws.onerror = () => undefined;
      ws.onclose = () => {
        this.opened = undefined;
        // Subscribers hear once that the devices are out of reach (the kiosk's printer with them).
        if (!this.lost && !this.closed && this.listeners.size) this.tell({ type: 'health', health: this.hostMissing('the device host closed the connection') });
        this.lost = true;
        reject(new Error('the device host closed the connection'));
        for (const [, w] of this.waiting) {
          clearTimeout(w.timer);
          w.reject(new Error('the device host went away'));
        }
        this.waiting.clear();
        // Keep listening for events while someone subscribes.
        if (!this.closed && this.listeners.size) {
          const delay = Math.min(30_000, 500 * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
          setTimeout(() => void (this.closed ? undefined : this.connect().catch(() => {})), delay);
        }
      };
      ws.onmessage = (ev) => this.onMessage(ev.data);
    });
    return this.opened;
  }

  private onMessage(data: unknown): void {
    let msg;
    try {
      msg = DeviceServerMessageSchema.safeParse(JSON.parse(String(data)));
    } catch {
      return;
    }
    if (!msg.success) return;
    const m = msg.data;
    if ('event' in m) {
      this.tell(m.event);
      return;
    }
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    clearTimeout(w.timer);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(m.error));
  }
}
