/**
 * A replica's state as one canonical string: Maps and Sets sorted by key, so two replicas that
 * folded the same events compare equal however they received them.
 */
import type { HallState } from './state';

export function canonicalState(s: HallState): string {
  return JSON.stringify(s, (_key, value: unknown) => {
    if (value instanceof Map) return [...value.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
    if (value instanceof Set) return [...value].sort();
    return value;
  });
}
