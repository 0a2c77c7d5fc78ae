/**
 * The counter's words about no-shows (过号), issue 17: how long is left of the policy's grace
 * after the call (shared/queue/noShow.ts decides), with a recall offered meanwhile.
 */
import type { Bilingual } from '../../shared/config/text';
import { clock } from './windowView';

/** What marks the too-early message (the button clears it once the grace is over). */
export const TOO_EARLY_MARK = '才能过号';

/** Pressed 过号 before the grace is over: how long is left, and what to do meanwhile. */
export function noShowTooEarly(number: string, remainingMs: number): Bilingual {
  const left = clock(Math.ceil(remainingMs / 1000) * 1000);
  return {
    zh: `${number} 刚刚呼叫，还需等候 ${left} 才能过号。可先重呼（F2）。`,
    en: `${number} was called only just now: it can be marked a no-show in ${left}. You can call again first (F2).`,
  };
}

/** The 过号 button's label: a countdown until the grace is over. */
export function skipLabel(remainingMs: number | undefined): Bilingual {
  if (remainingMs === undefined || remainingMs <= 0) return { zh: '过号', en: 'No-show' };
  const left = clock(Math.ceil(remainingMs / 1000) * 1000);
  return { zh: `过号 ${left}`, en: `No-show in ${left}` };
}
