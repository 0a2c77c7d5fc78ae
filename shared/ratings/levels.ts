/** R8 好差评: five levels, one rating per served ticket; bad ratings rectified within 7 days. */
import type { Bilingual } from '../config/text';

export type RatingLevel = 1 | 2 | 3 | 4 | 5;

export const RATING_LABELS: Record<RatingLevel, Bilingual> = {
  5: { zh: '非常满意', en: 'Very satisfied' },
  4: { zh: '满意', en: 'Satisfied' },
  3: { zh: '基本满意', en: 'Fairly satisfied' },
  2: { zh: '不满意', en: 'Dissatisfied' },
  1: { zh: '非常不满意', en: 'Very dissatisfied' },
};

/** 差评: the two lowest levels. */
export function isBadRating(level: number): boolean {
  return level <= 2;
}

/** 003 art. 38(三): a bad rating is verified and rectified within 7 days (calendar days). */
export const RECTIFY_WITHIN_DAYS = 7;
export const RECTIFY_WITHIN_MS = RECTIFY_WITHIN_DAYS * 24 * 60 * 60 * 1000;

/** Reasons a citizen may pick for the two lowest levels (shown on the evaluator). */
export const BAD_RATING_REASONS: ReadonlyArray<{ id: string } & Bilingual> = [
  { id: 'attitude', zh: '服务态度不好', en: 'Unfriendly service' },
  { id: 'slow', zh: '办理效率低', en: 'Too slow' },
  { id: 'wait', zh: '等候时间长', en: 'Long wait' },
  { id: 'unclear', zh: '告知不清楚', en: 'Unclear instructions' },
  { id: 'more-trips', zh: '多次跑动', en: 'Had to come back again' },
  { id: 'not-done', zh: '事情没办成', en: 'Not resolved' },
];

export function isOverdue(item: { status: string; dueAt?: number }, now: number): boolean {
  return item.status !== 'closed' && item.dueAt !== undefined && now > item.dueAt;
}
