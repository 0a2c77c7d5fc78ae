/**
 * Throttling wrong PINs at a counter, offline: the same rule the hall server applies online
 * (shared/identity/pinLockout.ts). After MAX_TRIES wrong PINs in a row the form locks, and each
 * further lock lasts twice as long (capped). Kept per terminal, not per staff number, so
 * guessing across staff numbers is braked too; kept in localStorage, so a reload does not
 * reset it.
 */
import { FRESH, parseLockout, type LockoutState } from '../../shared/identity/pinLockout';

export { FRESH, LOCK_MS, MAX_LOCK_MS, MAX_TRIES, canTry, recordFailure, recordSuccess, stricter, type TryCheck } from '../../shared/identity/pinLockout';
export type ThrottleState = LockoutState;

/** A stored value from an earlier page (localStorage), or a fresh state if it is not one. */
export function parseThrottle(raw: string | null): ThrottleState {
  if (!raw) return { ...FRESH };
  try {
    return parseLockout(JSON.parse(raw));
  } catch {
    return { ...FRESH };
  }
}
