/**
 * Throttling wrong PINs at a counter. The PIN is checked offline against a hash every counter
 * holds, so the only brake on guessing is this screen: after MAX_TRIES wrong PINs in a row the
 * form locks, and each further lock lasts twice as long (capped). Kept per terminal, not per
 * staff number, so guessing across staff numbers is braked too.
 */
export const MAX_TRIES = 5;
export const LOCK_MS = 60_000;
export const MAX_LOCK_MS = 15 * 60_000;

export interface ThrottleState {
  /** Wrong PINs since the last success or the last lock. */
  failures: number;
  /** Locks so far (each doubles the next one). */
  locks: number;
  /** Locked until this time (ms); 0 = not locked. */
  lockedUntil: number;
}

export const FRESH: ThrottleState = { failures: 0, locks: 0, lockedUntil: 0 };

export type TryCheck = { ok: true; triesLeft: number } | { ok: false; waitMs: number };

export function canTry(s: ThrottleState, now: number): TryCheck {
  if (now < s.lockedUntil) return { ok: false, waitMs: s.lockedUntil - now };
  return { ok: true, triesLeft: MAX_TRIES - s.failures };
}

/** A wrong PIN: the MAX_TRIES-th in a row locks the form. */
export function recordFailure(s: ThrottleState, now: number): ThrottleState {
  const failures = s.failures + 1;
  if (failures < MAX_TRIES) return { ...s, failures };
  const lockMs = Math.min(MAX_LOCK_MS, LOCK_MS * 2 ** s.locks);
  return { failures: 0, locks: s.locks + 1, lockedUntil: now + lockMs };
}

export function recordSuccess(): ThrottleState {
  return { ...FRESH };
}

/** A stored value from an earlier page (localStorage), or a fresh state if it is not one. */
export function parseThrottle(raw: string | null): ThrottleState {
  if (!raw) return { ...FRESH };
  try {
    const v = JSON.parse(raw) as Partial<ThrottleState>;
    const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
    return { failures: Math.min(MAX_TRIES - 1, n(v.failures)), locks: Math.min(20, n(v.locks)), lockedUntil: n(v.lockedUntil) };
  } catch {
    return { ...FRESH };
  }
}
