/**
 * R20: the hall's hotline, called by one name everywhere (kiosk, board, evaluator, the phone
 * page; issue 17): the 12345 government service hotline, which also takes complaints about the
 * hall's service. The number is the hall's setting (policy.hotline, 12345 by default).
 */
import type { Bilingual } from './text';

export const HOTLINE_NAME: Bilingual = { zh: '政务服务便民热线', en: 'Government Service Hotline' };

/** "12345 政务服务便民热线" / "12345 Government Service Hotline". */
export function hotlineText(hotline: string): Bilingual {
  return { zh: `${hotline} ${HOTLINE_NAME.zh}`, en: `${hotline} ${HOTLINE_NAME.en}` };
}
