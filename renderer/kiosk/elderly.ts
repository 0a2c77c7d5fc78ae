/**
 * 大字版 for elderly citizens (issue 17): an ID card of a 76-year-old gave priority but not large
 * text. A hall setting (policy.elderlyModeByCard, on by default) turns the kiosk's large text on
 * by itself when the card's holder is at least the policy's elderly age (the same threshold as
 * the elderly priority, R7). The session's reset turns it off for the next citizen.
 */
import { useSyncExternalStore } from 'react';
import type { Policy } from '../../shared/config/schemas';
import type { CardRead } from '../../shared/identity/card';
import { isElderly } from '../../shared/identity/age';

export function largeTextFor(card: Pick<CardRead, 'birthDate'>, policy: Pick<Policy, 'elderlyModeByCard' | 'elderlyAge'>, day: string): boolean {
  return policy.elderlyModeByCard !== false && card.birthDate !== undefined && isElderly(card.birthDate, day, policy.elderlyAge);
}

/** A landscape kiosk (1920x1080, 1280x800) pages its large tiles three to a row. */
export const LANDSCAPE_QUERY = '(orientation: landscape)';

function subscribeLandscape(onChange: () => void): () => void {
  if (typeof matchMedia !== 'function') return () => {};
  const m = matchMedia(LANDSCAPE_QUERY);
  m.addEventListener('change', onChange);
  return () => m.removeEventListener('change', onChange);
}

/** Whether the kiosk's screen is landscape now (follows a rotation). */
export function useLandscape(): boolean {
  return useSyncExternalStore(
    subscribeLandscape,
    () => typeof matchMedia === 'function' && matchMedia(LANDSCAPE_QUERY).matches,
    () => false,
  );
}
