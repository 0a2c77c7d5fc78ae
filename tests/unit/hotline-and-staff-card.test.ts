/**
 * Issue 17, language gaps: 12345 has one name on every screen (kiosk, board, evaluator, the phone
 * page), and a clerk's public card (R9) may carry its post, duties and commitment in English.
 */
import { describe, expect, it } from 'vitest';
import { hotlineText, HOTLINE_NAME } from '../../shared/config/hotline';
import { StaffSchema } from '../../shared/config/schemas';

describe('the hotline and the staff card in both languages', () => {
  it('R20: 12345 is "政务服务便民热线 / Government Service Hotline", the number first', () => {
    expect(HOTLINE_NAME).toEqual({ zh: '政务服务便民热线', en: 'Government Service Hotline' });
    expect(hotlineText('12345')).toEqual({ zh: '12345 政务服务便民热线', en: '12345 Government Service Hotline' });
  });

  it('R9: a card without English is still valid (the screen shows the Chinese); English fields are kept and bounded', () => {
    const zhOnly = StaffSchema.parse({ id: 's1', name: '王芳', post: '综合受理岗' });
    expect(zhOnly.en).toBeUndefined();
    const both = StaffSchema.parse({ id: 's1', name: '王芳', post: '综合受理岗', en: { post: 'General intake', commitment: 'Done on time' } });
    expect(both.en).toEqual({ post: 'General intake', commitment: 'Done on time' });
    expect(StaffSchema.safeParse({ id: 's1', name: '王芳', en: { post: 'x'.repeat(81) } }).success).toBe(false);
    expect(StaffSchema.safeParse({ id: 's1', name: '王芳', en: { duties: 'x'.repeat(401) } }).success).toBe(false);
  });
});
