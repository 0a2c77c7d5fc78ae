/**
 * Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
 * [0, min(cap, base * 2^n)), so a hall of terminals that lost the server together does not
 * come back in step.
 */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Uniform in [0, 1). */
  random: () => number;
}

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;

export function backoffCeiling(attempt: number, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
}

export function backoffDelay(attempt: number, o: BackoffOptions): number {
  return Math.floor(o.random() * backoffCeiling(attempt, o.baseMs, o.capMs));
}

/** Attempts counted since the last success. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly o: BackoffOptions) {}

  /** The delay before the next try; counts the attempt. */
  next(): number {
    const d = backoffDelay(this.attempt, this.o);
    this.attempt += 1;
    return d;
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
