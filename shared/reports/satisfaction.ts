/**
 * How good a satisfaction rate is, for colouring it on screen: green only when it is good, amber
 * when fair, red below (0% is red, never green); no colour when nothing was rated.
 */
export type SatisfactionTone = 'none' | 'good' | 'fair' | 'bad';

/** At or above: good (green). */
export const SATISFACTION_GOOD = 0.9;
/** At or above (and below good): fair (amber); below: bad (red). */
export const SATISFACTION_FAIR = 0.8;

export function satisfactionTone(rate: number | null | undefined): SatisfactionTone {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return 'none';
  if (rate >= SATISFACTION_GOOD) return 'good';
  if (rate >= SATISFACTION_FAIR) return 'fair';
  return 'bad';
}

/** The screen colours of the tones (the admin's palette: base.css --green, --amber, --red). */
export const SATISFACTION_COLORS: Record<Exclude<SatisfactionTone, 'none'>, string> = { good: '#1b7a3a', fair: '#b26a00', bad: '#c62828' };
