/**
 * The live socket: the server pushes the hall's new events as they are stored. The terminal's
 * first message is `{t:'auth', token}` (the token never travels in the socket's URL); the
 * server says `hello` (its serverSeq and clock), then sends `events` messages. Opening, closing
 * and backoff are the engine's; this only speaks the protocol.
 */
import { LiveMessageSchema, type LiveMessage } from '../../shared/sync/protocol';
import type { WebSocketConstructor, WebSocketLike } from './env';

export interface LiveHandlers {
  onOpen(): void;
  onMessage(message: LiveMessage): void;
  /** A message that is not the protocol's: reported and ignored. */
  onInvalid(error: string): void;
  /** Closed, by either side or by failing to connect; called once. */
  onClose(): void;
}

export interface LiveSocket {
  readonly url: string;
  close(): void;
}

export function openLive(WebSocket: WebSocketConstructor, url: string, h: LiveHandlers, auth: () => string): LiveSocket {
  let closed = false;
  const done = () => {
    if (closed) return;
    closed = true;
    h.onClose();
  };
  let ws: WebSocketLike;
  try {
    ws = new WebSocket(url);
  } catch (e) {
    h.onInvalid(`cannot open ${url}: ${e instanceof Error ? e.message : String(e)}`);
    void Promise.resolve().then(done);
    return { url, close: () => undefined };
  }
  ws.onopen = () => {
    if (closed) return;
    try {
      ws.send(auth());
    } catch (e) {
      h.onInvalid(`cannot authenticate on ${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
    h.onOpen();
  };
  ws.onmessage = (ev) => {
    if (closed) return;
    const text = typeof ev.data === 'string' ? ev.data : ev.data instanceof ArrayBuffer ? new TextDecoder().decode(ev.data) : String(ev.data);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      h.onInvalid('a live message that is not JSON');
      return;
    }
    const m = LiveMessageSchema.safeParse(json);
    if (m.success) h.onMessage(m.data);
    else h.onInvalid(`a live message that is not the protocol's: ${m.error.message}`);
  };
  ws.onerror = () => undefined; // a close always follows
  ws.onclose = done;
  return {
    url,
    close() {
      if (closed) return;
      try {
        ws.close();
      } catch {
        // already closing
      }
      done();
    },
  };
}
