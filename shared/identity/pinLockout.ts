/**
 * The one lockout rule for wrong PINs, checked by the hall server at an online sign-in and by
 * the counter itself offline: after MAX_TRIES wrong PINs in a row sign-in locks for LOCK_MS,
 * and each further lock lasts twice as long as the one before (capped at MAX_LOCK_MS). A right
 * PIN clears it. The server keeps one state per staff number and one per terminal (guessing one
 * clerk's PIN from many counters, or many clerks' PINs from one counter, are both braked); a
 * counter offline keeps one for itself.
 */
export const MAX_TRIES = 5;
export const LOCK_MS = 60_000;
export const MAX_LOCK_MS = 60 * 60_000;

export interface LockoutState {
  /** Wrong PINs since the last success or the last lock. */
  failures: number;
  /** Locks so far (each doubles the next one). */
  locks: number;
  /** Locked until this time (ms); 0 = not locked. */
  lockedUntil: number;
}

export const FRESH: LockoutState = { failures: 0, locks: 0, lockedUntil: 0 };

export type TryCheck = { ok: true; triesLeft: number } | { ok: false; waitMs: number };

export function canTry(s: LockoutState, now: number): TryCheck {
  if (now < s.lockedUntil) return { ok: false, waitMs: s.lockedUntil - now };
  return { ok: true, triesLeft: MAX_TRIES - s.failures };
}

/** How long the next lock lasts after `locks` earlier ones. */
export function lockLength(locks: number): number {
  return Math.min(MAX_LOCK_MS, LOCK_MS * 2 ** Math.min(locks, 20));
}

/** A wrong PIN: the MAX_TRIES-th in a row locks sign-in. */
export function recordFailure(s: LockoutState, now: number): LockoutState {
  const failures = s.failures + 1;
  if (failures < MAX_TRIES) return { ...s, failures };
  return { failures: 0, locks: s.locks + 1, lockedUntil: now + lockLength(s.locks) };
}

export function recordSuccess(): LockoutState {
  return { ...FRESH };
}

/** The stricter of two states (the server's and the counter's): the later lock, the more failures. */
export function stricter(a: LockoutState, b: LockoutState): LockoutState {
  return { failures: Math.max(a.failures, b.failures), locks: Math.max(a.locks, b.locks), lockedUntil: Math.max(a.lockedUntil, b.lockedUntil) };
}

/** A stored value (localStorage, a database row), or a fresh state if it is not one. */
export function parseLockout(v: unknown): LockoutState {
  if (!v || typeof v !== 'object') return { ...FRESH };
  const o = v as Partial<Record<keyof LockoutState, unknown>>;
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
  return { failures: Math.min(MAX_TRIES - 1, n(o.failures)), locks: Math.min(20, n(o.locks)), lockedUntil: n(o.lockedUntil) };
}
