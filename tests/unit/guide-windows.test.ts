import { describe, expect, it } from 'vitest';
import { guidePlace, placeNamesWindows, windowsServing, windowsText } from '../../shared/config/guide';
import { GuideMaterialSchema, ServiceSchema, type Window } from '../../shared/config/schemas';

const win = (id: string, label: string, services: string[]): Window => ({ id, label, services: services.map((serviceId) => ({ serviceId, weight: 1 })), mode: 'fifo', priorityFirst: false, priorityServices: 'all' });
const windows = [win('w6', '6', ['hukou', 'cantdo']), win('w1', '1', ['hukou', 'entry']), win('w3', '3', ['estate', 'hukou']), win('w10', '10', ['hukou'])];

describe("a service guide's windows are the windows that serve the service (issue 17: guide 1 and 6, confirm 1, 3 and 6)", () => {
  it('lists every window serving the service, in window-number order', () => {
    expect(windowsServing(windows, 'hukou')).toEqual(['1', '3', '6', '10']);
    expect(windowsServing(windows, 'tax')).toEqual([]);
  });

  it('says where in both languages: the place (floor) and the derived windows', () => {
    expect(windowsText(['1', '3', '6'])).toEqual({ zh: '1、3、6号窗口', en: 'Windows 1, 3, 6' });
    expect(guidePlace({ id: 'entry', guide: { materials: [], place: { zh: '一楼', en: 'Ground floor' } } }, windows)).toEqual({ zh: '一楼 1号窗口', en: 'Ground floor, Window 1' });
    expect(guidePlace({ id: 'entry', guide: { materials: [] } }, windows)).toEqual({ zh: '1号窗口', en: 'Window 1' });
    expect(guidePlace({ id: 'tax', guide: { materials: [], place: { zh: '二楼', en: 'First floor' } } }, windows)).toEqual({ zh: '二楼', en: 'First floor' });
  });

  it('notices window numbers typed into the place text', () => {
    expect(placeNamesWindows({ zh: '一楼 1、6 号窗口', en: 'Ground floor, windows 1 and 6' })).toBe(true);
    expect(placeNamesWindows({ zh: '一楼东侧', en: 'Ground floor, east side' })).toBe(false);
  });
});

describe('guide materials (R15)', () => {
  it('a material carries copies, original or copy, and a note; an old guide (names only) still parses', () => {
    expect(GuideMaterialSchema.parse({ zh: '户口簿', en: 'Household register', copies: 1, form: 'original-and-copy', note: { zh: '首页及本人页', en: 'Cover and own page' } })).toMatchObject({ copies: 1, form: 'original-and-copy' });
    const old = ServiceSchema.parse({ id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Household' }, guide: { materials: [{ zh: '居民身份证', en: 'Resident ID card' }] } });
    expect(old.guide?.materials).toEqual([{ zh: '居民身份证', en: 'Resident ID card' }]);
  });

  it('refuses a material without a name, zero copies or an unknown form', () => {
    expect(GuideMaterialSchema.safeParse({ zh: '', en: 'x' }).success).toBe(false);
    expect(GuideMaterialSchema.safeParse({ zh: '户口簿', en: 'Register', copies: 0 }).success).toBe(false);
    expect(GuideMaterialSchema.safeParse({ zh: '户口簿', en: 'Register', form: 'scan' }).success).toBe(false);
  });
});
