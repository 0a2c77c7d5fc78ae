/**
 * Why a window is paused (R10). The counter offers these with one touch and records the Chinese
 * text (the hall's language) in `window.paused`; every screen that shows the sign reads it back
 * through `pauseReasonText`, so a known reason also reads in English and a typed one as written.
 */
import type { Bilingual } from '../config/text';

export const PAUSE_REASONS: ReadonlyArray<{ id: string } & Bilingual> = [
  { id: 'away', zh: '临时离开', en: 'Stepped away' },
  { id: 'consult', zh: '业务咨询', en: 'Consulting a colleague' },
  { id: 'fault', zh: '系统故障', en: 'System fault' },
  { id: 'meeting', zh: '会议', en: 'Meeting' },
  { id: 'break', zh: '工间休息', en: 'Break' },
];

export function pauseReasonText(reason: string | undefined): Bilingual | undefined {
  const r = reason?.trim();
  if (!r) return undefined;
  const known = PAUSE_REASONS.find((p) => p.zh === r || p.id === r || p.en.toLowerCase() === r.toLowerCase());
  return known ? { zh: known.zh, en: known.en } : { zh: r, en: r };
}
