/**
 * What the sync engine needs from its surroundings, as small interfaces: the browser hands it
 * `fetch`, `WebSocket`, `navigator.locks` and `setTimeout`; tests in Node hand it fakes. The
 * logic never reaches for a global.
 */

/** `setTimeout` / `clearTimeout`, injected so tests drive time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface FetchResponseLike {
  status: number;
  ok: boolean;
  text(): Promise<string>;
}

/**
 * The slice of `fetch` the transport uses. In a browser pass `(url, init) => fetch(url, init)`
 * (a detached `window.fetch` throws "Illegal invocation").
 */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

// Handler properties typed through a method, so both the DOM WebSocket and the `ws` package's
// (whose events are richer) are assignable (method parameters are checked bivariantly).
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<unknown> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** A named exclusive lock held while `callback`'s promise is pending (Web Locks' shape). */
export interface LockProvider {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** Posting to the other windows/tabs of the same terminal (a BroadcastChannel). */
export interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: Handler<{ data: unknown }> | null;
  close?(): void;
}

/** The browser's persistent-storage request (`navigator.storage`). */
export interface StoragePersistence {
  persist(): Promise<boolean>;
  persisted?(): Promise<boolean>;
}
