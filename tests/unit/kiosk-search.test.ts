/** Finding a service on the kiosk: Chinese name, English name, or pinyin initials (拼音首字母). */
import { beforeAll, describe, expect, it } from 'vitest';
import { matchesService, pinyinInitials, pinyinReady, wordInitials } from '../../renderer/kiosk/search';
import { ServiceSchema, type Service } from '../../shared/config/schemas';

const svc = (id: string, zh: string, en: string, category?: { zh: string; en: string }): Service =>
  ServiceSchema.parse({ id, prefix: 'A', name: { zh, en }, ...(category ? { categoryName: category } : {}) });

const estate = svc('estate', '不动产登记', 'Real estate registration', { zh: '自然资源', en: 'Natural resources' });
const hukou = svc('hukou', '户籍办理', 'Household registration');
const fund = svc('housing', '住房公积金', 'Housing provident fund');

// The dictionary is its own chunk, loaded after the kiosk's first frame.
beforeAll(() => pinyinReady);

describe('kiosk search', () => {
  it('pinyin initials come from the Chinese name', () => {
    expect(pinyinInitials('不动产登记')).toBe('BDCDJ');
    expect(pinyinInitials('户籍办理')).toBe('HJBL');
    expect(pinyinInitials('住房公积金')).toBe('ZFGJJ');
    expect(pinyinInitials('社保医保')).toBe('SBYB');
    // Latin letters and digits are kept, punctuation dropped.
    expect(pinyinInitials('12345 热线')).toBe('12345RX');
  });

  it('an elderly citizen finds 不动产登记 by typing B D C on the letter keys', () => {
    expect(matchesService(estate, 'bdc')).toBe(true);
    expect(matchesService(estate, 'BDCDJ')).toBe(true);
    expect(matchesService(estate, 'dj')).toBe(true);
    expect(matchesService(hukou, 'bdc')).toBe(false);
  });

  it('one letter finds the names that start with it', () => {
    expect(matchesService(estate, 'b')).toBe(true);
    // 户籍办理 has a B inside (办) but does not start with it.
    expect(matchesService(hukou, 'b')).toBe(false);
    expect(matchesService(hukou, 'h')).toBe(true);
  });

  it('Chinese and English names and the category match too', () => {
    expect(matchesService(hukou, '户籍')).toBe(true);
    expect(matchesService(fund, 'provident')).toBe(true);
    expect(matchesService(fund, 'HOUSING')).toBe(true);
    expect(matchesService(estate, '自然资源')).toBe(true);
    expect(matchesService(estate, 'RER')).toBe(true);
    expect(wordInitials("Can't get it done")).toBe('CTGID');
  });

  it('an empty search matches everything; nonsense matches nothing', () => {
    expect(matchesService(hukou, '  ')).toBe(true);
    expect(matchesService(hukou, 'qqqq')).toBe(false);
    expect(matchesService(hukou, '？？')).toBe(false);
  });
});

describe('kiosk search: polyphonic characters read in their word (pinyin-pro)', () => {
  it('each polyphone gets the initial of its reading in the name', () => {
    expect(pinyinInitials('银行')).toBe('YH');
    expect(pinyinInitials('行政审批')).toBe('XZSP');
    expect(pinyinInitials('重庆')).toBe('CQ');
    expect(pinyinInitials('重新办理')).toBe('CXBL');
    expect(pinyinInitials('长春')).toBe('CC');
    expect(pinyinInitials('长期居住')).toBe('CQJZ');
    expect(pinyinInitials('西藏')).toBe('XZ');
    expect(pinyinInitials('行驶证')).toBe('XSZ');
  });

  it('a citizen typing the initials finds services whose names hold polyphones', () => {
    const bank = svc('bank', '银行开户', 'Bank account');
    const admin = svc('admin', '行政许可', 'Administrative licensing');
    const reissue = svc('reissue', '重新申领身份证', 'ID card reissue');
    const tibet = svc('tibet', '西藏入学登记', 'Tibet school enrolment');
    expect(matchesService(bank, 'yh')).toBe(true);
    expect(matchesService(bank, 'yx')).toBe(false);
    expect(matchesService(admin, 'xz')).toBe(true);
    expect(matchesService(admin, 'hz')).toBe(false);
    expect(matchesService(reissue, 'cx')).toBe(true);
    expect(matchesService(reissue, 'zx')).toBe(false);
    expect(matchesService(tibet, 'xz')).toBe(true);
    expect(matchesService(tibet, 'xc')).toBe(false);
  });
});
