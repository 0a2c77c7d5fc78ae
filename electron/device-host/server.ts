/**
 * The device host for web mode: the same device services behind a WebSocket on 127.0.0.1.
 * Only pages of the allowed origins holding the session token may connect (any local web page
 * could otherwise print tickets or read card events).
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { DeviceApi } from '../../shared/devices/contract';
import { dispatchDeviceRequest } from '../../shared/devices/dispatch';
import { DeviceCallSchema } from '../../shared/devices/wire';

export interface DeviceHostOptions {
  api: DeviceApi;
  /** Pages allowed to connect, e.g. ['http://127.0.0.1:8080']. */
  allowedOrigins: readonly string[];
  /** A per-session secret the served pages carry (?token=). */
  token: string;
  port?: number;
  onError?: (err: unknown) => void;
}

export interface DeviceHost {
  port: number;
  url: string;
  clients(): number;
  close(): Promise<void>;
}

export async function startDeviceHost(o: DeviceHostOptions): Promise<DeviceHost> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: o.port ?? 0,
    maxPayload: 64 * 1024,
    verifyClient: ({ origin, req }: { origin: string; req: IncomingMessage }) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
      return o.allowedOrigins.includes(origin) && token === o.token;
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as { port: number }).port;

  wss.on('connection', (ws: WebSocket) => {
    const unsubscribe = o.api.subscribe((event) => send(ws, { event }));
    ws.on('close', unsubscribe);
    ws.on('message', async (data) => {
      let parsed;
      try {
        parsed = DeviceCallSchema.safeParse(JSON.parse(String(data)));
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        // Id 0 is never a client's: the answer to something that was not a device call.
        send(ws, { id: 0, ok: false, error: `bad request: ${parsed ? parsed.error.issues[0]?.message : 'not JSON'}` });
        return;
      }
      const { id, req } = parsed.data;
      try {
        send(ws, { id, ok: true, result: await dispatchDeviceRequest(o.api, req) });
      } catch (err) {
        o.onError?.(err);
        send(ws, { id, ok: false, error: err instanceof Error ? err.message : String(err) });
      }
    });
  });

  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    clients: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

function send(ws: WebSocket, msg: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}
