/**
 * The device host for web mode: the same device services behind a WebSocket on 127.0.0.1.
 * Only pages of the allowed origins holding the session token may use it (any local web page
 * could otherwise print tickets or read card events). The token never travels in the socket's
 * URL (URLs reach logs and histories): the page's first message is `{ t: 'auth', token }`, sent
 * within AUTH_DEADLINE_MS; until then the socket receives nothing and may do nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { DeviceApi } from '../../shared/devices/contract';
import { dispatchDeviceRequest } from '../../shared/devices/dispatch';
import { DeviceAuthSchema, DeviceCallSchema } from '../../shared/devices/wire';

export const AUTH_DEADLINE_MS = 5_000;

export interface DeviceHostOptions {
  api: DeviceApi;
  /** Pages allowed to connect, e.g. ['http://127.0.0.1:8080']. */
  allowedOrigins: readonly string[];
  /** A per-session secret the served pages hold; they present it in their first message. */
  token: string;
  port?: number;
  /** How long a new socket has to present the token (default AUTH_DEADLINE_MS). */
  authDeadlineMs?: number;
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
    // The origin is checked at the upgrade; the token in the first message. A token in the URL
    // (an old page) is refused: it would have been written to wherever URLs are written.
    verifyClient: ({ origin, req }: { origin: string; req: IncomingMessage }) =>
      o.allowedOrigins.includes(origin) && !new URL(req.url ?? '/', 'http://x').searchParams.has('token'),
  });
  // A port already taken (a kept port after a restart) rejects rather than hangs.
  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error) => {
      wss.close();
      reject(err);
    };
    wss.once('error', failed);
    wss.once('listening', () => {
      wss.off('error', failed);
      resolve();
    });
  });
  const port = (wss.address() as { port: number }).port;

  wss.on('connection', (ws: WebSocket) => {
    let unsubscribe: (() => void) | undefined;
    const deadline = setTimeout(() => ws.close(4001, 'auth-timeout'), o.authDeadlineMs ?? AUTH_DEADLINE_MS);
    ws.on('close', () => {
      clearTimeout(deadline);
      unsubscribe?.();
    });
    ws.on('message', async (data) => {
      if (!unsubscribe) {
        // Nothing but the auth message is heard before it.
        if (!sameSecret(readAuth(data), o.token)) {
          ws.close(4001, 'bad-token');
          return;
        }
        clearTimeout(deadline);
        unsubscribe = o.api.subscribe((event) => send(ws, { event }));
        return;
      }
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

function readAuth(data: unknown): string | undefined {
  try {
    const r = DeviceAuthSchema.safeParse(JSON.parse(String(data)));
    return r.success ? r.data.token : undefined;
  } catch {
    return undefined;
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(ws: WebSocket, msg: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}
