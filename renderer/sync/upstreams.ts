/**
 * The servers a terminal syncs with, in order of preference (hall hub first, then central).
 * It sticks to the one that works; when that is not the first, the engine probes the better
 * ones on a backoff and comes back as soon as one answers.
 */
export class Upstreams {
  private working: string | null = null;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new Error('a terminal needs at least one upstream');
  }

  /** The upstream in use: the last that answered, until it fails. */
  get current(): string | null {
    return this.working;
  }

  /** Where to try, in order: the one in use, then the others by preference. */
  candidates(): string[] {
    const w = this.working;
    return w === null ? [...this.urls] : [w, ...this.urls.filter((u) => u !== w)];
  }

  /** Upstreams better than the one in use (to probe), best first. */
  better(): string[] {
    const w = this.working;
    if (w === null) return [];
    return this.urls.slice(0, this.urls.indexOf(w));
  }

  succeeded(url: string): void {
    this.working = url;
  }

  failed(url: string): void {
    if (this.working === url) this.working = null;
  }
}
