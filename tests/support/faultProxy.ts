/**
 * A TCP proxy between terminals and a server, for fault tests on loopback: it passes bytes
 * through, or delays them, or cuts every connection, or refuses new ones (a partition), and
 * can be restored. Each test starts and stops its own.
 */
import net from 'node:net';

export type FaultMode = 'pass' | 'down';

export class FaultProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private mode: FaultMode = 'pass';
  delayMs = 0;
  port = 0;

  constructor(
    private targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** The server moved (restarted on another port). */
  retarget(port: number): void {
    this.targetPort = port;
  }

  /** Partition: cut every open connection and refuse new ones until restore(). */
  down(): void {
    this.mode = 'down';
    this.cut();
  }

  restore(): void {
    this.mode = 'pass';
  }

  /** Drop every open connection (mid-request), keep accepting new ones. */
  cut(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.mode === 'down') {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const kill = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    // Each direction is a queue: with a delay, bytes keep their order (even when delayMs
    // changes meanwhile) and a side's end reaches the other side after the bytes before it.
    const forward = (from: net.Socket, to: net.Socket) => {
      const queue: Array<{ at: number; data: Buffer | 'end' }> = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const pump = () => {
        timer = undefined;
        const now = Date.now();
        while (queue.length > 0 && queue[0]!.at <= now) {
          const { data } = queue.shift()!;
          if (to.destroyed) continue;
          if (data === 'end') to.end();
          else if (to.writable) to.write(data);
        }
        if (queue.length > 0) timer = setTimeout(pump, queue[0]!.at - now);
      };
      const enqueue = (data: Buffer | 'end') => {
        const last = queue.length > 0 ? queue[queue.length - 1]!.at : 0;
        queue.push({ at: Math.max(Date.now() + this.delayMs, last), data });
        if (timer === undefined) pump();
      };
      from.on('data', (chunk: Buffer) => enqueue(chunk));
      from.on('end', () => enqueue('end'));
    };
    forward(client, upstream);
    forward(upstream, client);
    // A clean close (FIN) travels through the queues above; a failure (reset, refused) or a
    // cut drops both sides at once.
    const closed = (s: net.Socket) => (hadError: boolean) => {
      this.sockets.delete(s);
      if (hadError) kill();
      else if (client.destroyed && upstream.destroyed) kill();
    };
    client.on('close', closed(client));
    upstream.on('close', closed(upstream));
    client.on('error', kill);
    upstream.on('error', kill);
  }
}
