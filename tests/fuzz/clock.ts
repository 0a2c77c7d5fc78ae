/**
 * A virtual clock for the driver targets: setTimeout, setInterval and Date.now are replaced
 * while a driver iteration runs, so a 3.5 s card read or a 20 s print timeout costs no real
 * time and 50,000 iterations run in minutes. Promise callbacks still run for real: `advance`
 * drains them (one real setImmediate turn) before every timer it fires.
 *
 * A timer callback that throws is an exception escaping the driver: it is caught here and
 * reported to `onThrow` (a crash), never lost.
 */
interface Timer {
  id: number;
  at: number;
  fn: (...args: unknown[]) => void;
  args: unknown[];
  every?: number;
}

/** What setTimeout returns in Node: an object with ref/unref, usable as a number. */
class FakeHandle {
  constructor(readonly id: number) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  refresh(): this {
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this.id;
  }
}

const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setInterval: globalThis.setInterval,
  clearInterval: globalThis.clearInterval,
  setImmediate: globalThis.setImmediate,
  dateNow: Date.now,
};

/** One real turn of the event loop: every pending promise callback runs. */
export const drain = (): Promise<void> => new Promise((r) => real.setImmediate(r));

export class VirtualClock {
  now = Date.UTC(2026, 5, 15, 2, 0, 0);
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;
  private installed = false;

  constructor(private readonly onThrow: (err: unknown) => void) {}

  install(): void {
    if (this.installed) return;
    this.installed = true;
    const add = (fn: unknown, ms: unknown, args: unknown[], every: boolean): FakeHandle => {
      const id = this.nextId++;
      const delay = Math.max(0, Number(ms) || 0);
      if (typeof fn === 'function') {
        this.timers.set(id, { id, at: this.now + delay, fn: fn as Timer['fn'], args, ...(every ? { every: Math.max(1, delay) } : {}) });
      }
      return new FakeHandle(id);
    };
    const clear = (h: unknown) => {
      if (h === undefined || h === null) return;
      this.timers.delete(Number(h));
    };
    const g = globalThis as Record<string, unknown>;
    g.setTimeout = (fn: unknown, ms?: unknown, ...args: unknown[]) => add(fn, ms, args, false);
    g.setInterval = (fn: unknown, ms?: unknown, ...args: unknown[]) => add(fn, ms, args, true);
    g.clearTimeout = clear;
    g.clearInterval = clear;
    Date.now = () => this.now;
  }

  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    const g = globalThis as Record<string, unknown>;
    g.setTimeout = real.setTimeout;
    g.clearTimeout = real.clearTimeout;
    g.setInterval = real.setInterval;
    g.clearInterval = real.clearInterval;
    Date.now = real.dateNow;
    this.timers.clear();
  }

  /** Timers still waiting (a driver left at rest should have none it cannot finish). */
  get pending(): number {
    return this.timers.size;
  }

  /** Let `ms` of virtual time pass, firing every timer due in it, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.now + ms;
    for (let guard = 0; ; guard++) {
      await drain();
      let due: Timer | undefined;
      for (const t of this.timers.values()) if (t.at <= target && (!due || t.at < due.at || (t.at === due.at && t.id < due.id))) due = t;
      if (!due) break;
      if (guard > 200_000) throw new Error('virtual clock: a timer keeps rescheduling itself at the same instant');
      this.now = Math.max(this.now, due.at);
      if (due.every) due.at = this.now + due.every;
      else this.timers.delete(due.id);
      try {
        due.fn(...due.args);
      } catch (err) {
        this.onThrow(err);
      }
    }
    this.now = Math.max(this.now, target);
    await drain();
  }

  /** Advance in steps until `done()` or `maxMs` passed; true if done. */
  async until(done: () => boolean, maxMs: number, stepMs = 5): Promise<boolean> {
    const end = this.now + maxMs;
    await drain();
    while (!done()) {
      if (this.now >= end) return false;
      // Jump straight to the next timer when it is further than a step away.
      let next = Infinity;
      for (const t of this.timers.values()) next = Math.min(next, t.at);
      const step = Math.max(stepMs, Math.min(next - this.now, end - this.now));
      await this.advance(Math.min(step, end - this.now));
    }
    return true;
  }
}
