/**
 * Hybrid logical clock. Its string form sorts lexicographically in time order, so the same
 * value works as a sort key in memory, in IndexedDB indexes and in SQL.
 *
 *   "0001763800000000-0007"  = wall ms (16 digits) "-" counter (4 digits)
 *
 * The node part of the classic HLC is the event's `origin`, which breaks ties after the clock.
 */
export interface HlcValue {
  readonly wall: number;
  readonly count: number;
}

const WALL_DIGITS = 16;
const COUNT_DIGITS = 4;
const MAX_COUNT = 9999;
export const HLC_PATTERN = /^\d{16}-\d{4}$/;

export function formatHlc(h: HlcValue): string {
  return `${String(h.wall).padStart(WALL_DIGITS, '0')}-${String(h.count).padStart(COUNT_DIGITS, '0')}`;
}

export function parseHlc(s: string): HlcValue {
  if (!HLC_PATTERN.test(s)) throw new Error(`not a hybrid logical clock value: ${JSON.stringify(s)}`);
  return { wall: Number(s.slice(0, WALL_DIGITS)), count: Number(s.slice(WALL_DIGITS + 1)) };
}

/** Wall-clock milliseconds of an HLC string, without allocating. */
export function hlcWall(s: string): number {
  return Number(s.slice(0, WALL_DIGITS));
}

export interface ClockOptions {
  /** Physical clock, injected so tests and the simulation control it. */
  now: () => number;
  /** A remote clock further ahead of ours than this is reported as drift. */
  maxDriftMs?: number;
  /** Last value issued before a restart (from the newest stored event), so time never runs back. */
  last?: string;
  onDrift?: (driftMs: number, remote: string) => void;
}

export class HybridClock {
  private wall: number;
  private count: number;
  private readonly now: () => number;
  private readonly maxDriftMs: number;
  private readonly onDrift: ((driftMs: number, remote: string) => void) | undefined;

  constructor(opts: ClockOptions) {
    this.now = opts.now;
    this.maxDriftMs = opts.maxDriftMs ?? 60_000;
    this.onDrift = opts.onDrift;
    const last = opts.last ? parseHlc(opts.last) : { wall: 0, count: 0 };
    this.wall = last.wall;
    this.count = last.count;
  }

  /** A timestamp for a local event. */
  tick(): string {
    const pt = this.now();
    if (pt > this.wall) {
      this.wall = pt;
      this.count = 0;
    } else {
      this.bump();
    }
    return formatHlc({ wall: this.wall, count: this.count });
  }

  /**
   * Merge a remote timestamp. We always move past it, even when it is far ahead: an event
   * written after seeing another must sort after it, or a call could fold before its ticket.
   * Far-ahead remotes are reported instead (the server refuses them at the door).
   */
  receive(remote: string): string {
    const r = parseHlc(remote);
    const pt = this.now();
    if (r.wall - pt > this.maxDriftMs) this.onDrift?.(r.wall - pt, remote);
    const wall = Math.max(this.wall, r.wall, pt);
    if (wall === this.wall && wall === r.wall) {
      this.count = Math.max(this.count, r.count);
      this.bump();
    } else if (wall === this.wall) {
      this.bump();
    } else if (wall === r.wall) {
      this.wall = wall;
      this.count = r.count;
      this.bump();
    } else {
      this.wall = wall;
      this.count = 0;
    }
    return formatHlc({ wall: this.wall, count: this.count });
  }

  peek(): string {
    return formatHlc({ wall: this.wall, count: this.count });
  }

  private bump(): void {
    if (this.count >= MAX_COUNT) {
      // Ten thousand events in one millisecond: borrow the next millisecond.
      this.wall += 1;
      this.count = 0;
    } else {
      this.count += 1;
    }
  }
}
