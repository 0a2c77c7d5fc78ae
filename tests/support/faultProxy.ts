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
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => {
        if (this.delayMs > 0) setTimeout(() => to.writable && to.write(chunk), this.delayMs);
        else if (to.writable) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }
}
