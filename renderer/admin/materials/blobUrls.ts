/**
 * The page images of the ticket being looked at, as object URLs: fetched on demand (a few at a
 * time, in the order asked), kept in memory only while the ticket is open, and every URL
 * revoked when it closes (R21: citizens' documents stay nowhere else). A file that arrives
 * after the pool was closed is dropped without ever becoming a URL.
 */
import type { Bilingual } from '../../../shared/config/text';
import type { Fetched } from './materialsApi';
import { failureText } from './materialsModel';

export type BlobEntry = { state: 'loading' } | { state: 'ready'; url: string } | { state: 'failed'; why: Bilingual };

export interface BlobUrlsOptions {
  load(sha256: string): Promise<Fetched<Blob>>;
  createUrl(blob: Blob): string;
  revokeUrl(url: string): void;
  /** Files fetched at once. */
  concurrency?: number;
}

export class BlobUrls {
  private readonly entries = new Map<string, BlobEntry>();
  private readonly queue: string[] = [];
  private readonly listeners = new Set<() => void>();
  private running = 0;
  private closed = false;
  /** Bumped on every change (a React snapshot). */
  version = 0;

  constructor(private readonly opts: BlobUrlsOptions) {}

  get(sha256: string): BlobEntry | undefined {
    return this.entries.get(sha256);
  }

  /** Fetch these files (those not fetched or failed yet), in this order. */
  want(hashes: readonly string[]): void {
    if (this.closed) return;
    let added = false;
    for (const h of hashes) {
      if (this.entries.has(h)) continue;
      this.entries.set(h, { state: 'loading' });
      this.queue.push(h);
      added = true;
    }
    if (added) this.changed();
    this.pump();
  }

  /** Forget the files that failed, so the next `want` asks again. */
  retryFailed(hashes?: readonly string[]): void {
    let any = false;
    for (const [h, e] of this.entries) {
      if (e.state === 'failed' && (!hashes || hashes.includes(h))) {
        this.entries.delete(h);
        any = true;
      }
    }
    if (any) this.changed();
  }

  subscribe(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Revoke every URL; later arrivals are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    for (const e of this.entries.values()) if (e.state === 'ready') this.opts.revokeUrl(e.url);
    this.entries.clear();
    this.listeners.clear();
  }

  /** URLs alive now (for tests and the leak check). */
  liveUrls(): string[] {
    return [...this.entries.values()].flatMap((e) => (e.state === 'ready' ? [e.url] : []));
  }

  private pump(): void {
    const limit = this.opts.concurrency ?? 3;
    while (!this.closed && this.running < limit && this.queue.length > 0) {
      const h = this.queue.shift()!;
      this.running++;
      void this.fetchOne(h).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async fetchOne(h: string): Promise<void> {
    let entry: BlobEntry;
    try {
      const got = await this.opts.load(h);
      if (this.closed) return;
      entry = got.ok ? { state: 'ready', url: this.opts.createUrl(got.value) } : { state: 'failed', why: failureText(got.failure) };
    } catch (e) {
      if (this.closed) return;
      const why = e instanceof Error ? e.message : String(e);
      entry = { state: 'failed', why: { zh: why, en: why } };
    }
    this.entries.set(h, entry);
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
