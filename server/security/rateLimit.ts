/**
 * A token bucket per key (a client address, a token's hash), in memory: each key may spend
 * `burst` at once and earns `perMinute` back over time. Bounded: past `maxKeys` the least
 * recently used keys are forgotten (a forgotten key starts full, which only ever errs on the
 * side of letting a client through).
 *
 * Per server instance: several instances behind one PostgreSQL each keep their own buckets, so
 * a client spread over N instances gets up to N times the budget (SECURITY.md).
 */

export interface Budget {
  /** Spent at once before the first refusal. */
  burst: number;
  /** Earned back per minute. */
  perMinute: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly budget: Budget,
    private readonly maxKeys = 20_000,
  ) {}

  private current(key: string, now: number): Bucket {
    const b = this.buckets.get(key);
    const { burst, perMinute } = this.budget;
    if (!b) return { tokens: burst, at: now };
    const earned = (Math.max(0, now - b.at) * perMinute) / 60_000;
    return { tokens: Math.min(burst, b.tokens + earned), at: now };
  }

  /** Milliseconds until one more is allowed (0: allowed now). Takes nothing. */
  wait(key: string, now: number): number {
    const b = this.current(key, now);
    if (b.tokens >= 1) return 0;
    return Math.ceil(((1 - b.tokens) * 60_000) / Math.max(this.budget.perMinute, 1e-9));
  }

  /** Spend one: 0 when it was allowed, else the milliseconds to wait (nothing spent). */
  take(key: string, now: number): number {
    const b = this.current(key, now);
    if (b.tokens < 1) return this.wait(key, now);
    b.tokens -= 1;
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return 0;
  }

  /** Spend one whatever the balance (a failure already happened: it counts even when over). */
  spend(key: string, now: number): void {
    const b = this.current(key, now);
    b.tokens = Math.max(b.tokens - 1, -this.budget.burst);
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}

/** Keys remembered for a while (tokens that recently authenticated), bounded like the buckets. */
export class RecentSet {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys = 20_000,
  ) {}

  add(key: string, now: number): void {
    this.until.delete(key);
    this.until.set(key, now + this.ttlMs);
    if (this.until.size > this.maxKeys) {
      const oldest = this.until.keys().next().value;
      if (oldest !== undefined) this.until.delete(oldest);
    }
  }

  has(key: string, now: number): boolean {
    const t = this.until.get(key);
    return t !== undefined && t > now;
  }
}
