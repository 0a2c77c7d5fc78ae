/**
 * Keyboard-wedge scanners type like a keyboard. Browsers cannot tell them from a person, so
 * this tells them apart by timing: a scanner types a burst of printable keys a few ms apart and
 * ends with Enter; a person is slower (and rarely keeps < 30 ms for several keys).
 *
 * Pure logic: feed each keydown as `{ key, time }` (KeyboardEvent.key, event.timeStamp) and act
 * on the step it returns. Decisions are made as keys arrive, because a keydown must be
 * prevented (or not) at once:
 *
 *  - The first keys of a burst pass through (a person might be typing). From the
 *    `swallowAfter`-th key of a fast burst on, keys are swallowed (`swallow: true`:
 *    preventDefault). When the burst ends in Enter it becomes a scan (the Enter is swallowed
 *    too) and `retract` holds the first keys that already went through, so the screen can take
 *    them back out of the field they were typed into.
 *  - A burst that breaks off (a slow key, a non-printable key, IME input) or gets no Enter
 *    within `timeoutMs` (call `tick(now)` from a timer) is not a scan: `release` holds the keys
 *    swallowed for it, for the screen to put back. Burst keys are never lost.
 *  - Keys typed during IME composition (isComposing, or key 'Process'), as when a Chinese input
 *    method is on, are never part of a scan and pass through untouched.
 *  - Modifier keys (the Shift a scanner presses for capitals) pass and do not break a burst.
 *
 * The text of a scan may carry an AIM prefix `]Xn`, which becomes `symbology`.
 */
import type { Scan } from '../../shared/devices/contract';

export interface WedgeOptions {
  /** Keys closer than this (ms) belong to one burst. Default 30. */
  maxGapMs?: number;
  /** The longest pause before the end key. Default = maxGapMs. */
  endGapMs?: number;
  /** Shortest code that counts as a scan (characters). Default 4. */
  minLength?: number;
  /** Start swallowing at this key of a fast burst (1 = hold every key). Default 3. */
  swallowAfter?: number;
  /** Keys that end a scan. Default ['Enter']. */
  endKeys?: string[];
  /** A burst with no end key for this long is abandoned (tick). Default 100. */
  timeoutMs?: number;
}

export interface WedgeKey {
  /** KeyboardEvent.key */
  key: string;
  /** ms, monotonic (KeyboardEvent.timeStamp) */
  time: number;
  /** KeyboardEvent.isComposing */
  isComposing?: boolean;
}

export interface WedgeStep {
  /** Prevent this key's default action. */
  swallow: boolean;
  /** The burst this key ended was a scan. */
  scan?: Scan;
  /** Text of keys that passed through before the scan was recognised; part of the scan. */
  retract?: string;
  /** Text of keys that were swallowed for a burst that was not a scan; give it back. */
  release?: string;
}

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'ScrollLock', 'Fn', 'OS']);
const MAX_SCAN_CHARS = 4096;
const AIM = /^\]([A-Za-z])([0-9A-Za-z])/;

/** One printable character (not a named key such as "Enter" or "ArrowLeft"). */
export function isPrintable(key: string): boolean {
  const chars = [...key];
  if (chars.length !== 1) return false;
  const cp = key.codePointAt(0)!;
  return cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0);
}

interface Burst {
  keys: string[];
  last: number;
  /** Index of the first swallowed key; null while none is. */
  swallowedFrom: number | null;
}

export class WedgeDetector {
  private readonly maxGap: number;
  private readonly endGap: number;
  private readonly minLength: number;
  private readonly swallowAfter: number;
  private readonly endKeys: Set<string>;
  private readonly timeout: number;
  private burst: Burst | undefined;

  constructor(o: WedgeOptions = {}) {
    this.maxGap = o.maxGapMs ?? 30;
    this.endGap = o.endGapMs ?? this.maxGap;
    this.minLength = o.minLength ?? 4;
    this.swallowAfter = Math.max(1, o.swallowAfter ?? 3);
    this.endKeys = new Set(o.endKeys ?? ['Enter']);
    this.timeout = o.timeoutMs ?? 100;
  }

  /** Is a burst being collected (the screen may want a timer running for tick())? */
  get collecting(): boolean {
    return this.burst !== undefined;
  }

  feed(e: WedgeKey): WedgeStep {
    if (e.isComposing || e.key === 'Process' || e.key === 'Unidentified' || e.key === 'Dead') {
      return { ...this.abandon(), swallow: false };
    }
    if (MODIFIERS.has(e.key)) return { swallow: false };

    const b = this.burst;
    if (this.endKeys.has(e.key)) {
      if (b && e.time - b.last <= this.endGap && b.keys.length >= this.minLength) {
        this.burst = undefined;
        return this.scanOf(b);
      }
      return { ...this.abandon(), swallow: false };
    }

    if (!isPrintable(e.key)) return { ...this.abandon(), swallow: false };

    if (b && e.time - b.last <= this.maxGap && e.time >= b.last && b.keys.length < MAX_SCAN_CHARS + 3) {
      b.keys.push(e.key);
      b.last = e.time;
      if (b.keys.length >= this.swallowAfter) {
        if (b.swallowedFrom === null) b.swallowedFrom = b.keys.length - 1;
        return { swallow: true };
      }
      return { swallow: false };
    }

    // A new burst starts with this key; the previous one (if any) was not a scan.
    const prev = this.abandon();
    const swallow = this.swallowAfter <= 1;
    this.burst = { keys: [e.key], last: e.time, swallowedFrom: swallow ? 0 : null };
    return { ...prev, swallow };
  }

  /** Call from a timer (every ~timeoutMs while `collecting`): abandons a burst that got no end key. */
  tick(now: number): WedgeStep | undefined {
    const b = this.burst;
    if (!b || now - b.last < this.timeout) return undefined;
    return { ...this.abandon(), swallow: false };
  }

  /** Forget any burst (focus moved, screen changed); returns what was swallowed for it. */
  reset(): WedgeStep {
    return { ...this.abandon(), swallow: false };
  }

  private scanOf(b: Burst): WedgeStep {
    const raw = b.keys.join('');
    const m = AIM.exec(raw);
    const text = m ? raw.slice(3) : raw;
    if (text.length === 0 || text.length > MAX_SCAN_CHARS) {
      return { swallow: false, ...this.releaseOf(b) };
    }
    const leaked = b.keys.slice(0, b.swallowedFrom ?? b.keys.length).join('');
    return {
      swallow: true,
      scan: { text, source: 'keyboard', ...(m ? { symbology: m[0] } : {}) },
      ...(leaked ? { retract: leaked } : {}),
    };
  }

  private abandon(): { release?: string } {
    const b = this.burst;
    this.burst = undefined;
    return b ? this.releaseOf(b) : {};
  }

  private releaseOf(b: Burst): { release?: string } {
    const swallowed = b.swallowedFrom === null ? '' : b.keys.slice(b.swallowedFrom).join('');
    return swallowed ? { release: swallowed } : {};
  }
}
