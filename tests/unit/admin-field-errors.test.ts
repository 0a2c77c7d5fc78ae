import { describe, expect, it } from 'vitest';
import { ServiceSchema } from '../../shared/config/schemas';
import { ScheduleConfigSchema } from '../../shared/schedule/config';
import { errorsUnder, explainError, fieldErrors } from '../../renderer/admin/editors/explain';
import { parseImport } from '../../renderer/admin/editors/importJson';

const hukou = { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' }, guide: { materials: [{ zh: '居民身份证', en: 'Resident ID card' }, { zh: '', en: 'Household register', copies: 0 }] } };

describe('validation errors shown at their field, in Chinese and English (issue 17)', () => {
  it("a material's empty name and zero copies land at that material's fields", () => {
    const r = ServiceSchema.safeParse(hukou);
    expect(r.success).toBe(false);
    const errs = fieldErrors(r.error!);
    expect(errs['guide.materials.1.zh']).toEqual({ zh: '不能为空', en: 'must not be empty' });
    expect(errs['guide.materials.1.copies']).toEqual({ zh: '不能小于 1', en: 'must be at least 1' });
    expect(errorsUnder(errs, 'guide.materials.1')?.zh).toBe('不能为空；不能小于 1');
    expect(explainError(r.error!).zh).toContain('材料中文名称（第 2 项） 不能为空');
  });

  it("a period that ends before it starts, and 25:00, are errors of that day's period; a service's own timetable reads the same", () => {
    const r = ScheduleConfigSchema.safeParse({ weekly: { mon: [{ from: '18:00', to: '09:00', mode: 'open' }], tue: [{ from: '09:00', to: '25:00', mode: 'open' }] } });
    const errs = fieldErrors(r.error!);
    expect(errorsUnder(errs, 'weekly.mon.0')).toEqual({ zh: '开始时间必须早于结束时间', en: 'period 18:00-09:00 must start before it ends' });
    expect(errorsUnder(errs, 'weekly.tue.0')?.zh).toBe('时间应为 HH:MM（00:00 至 24:00）');
    const s = ServiceSchema.safeParse({ ...hukou, guide: undefined, schedule: { weekly: { mon: [{ from: '18:00', to: '09:00', mode: 'open' }] } } });
    expect(explainError(s.error!).zh).toBe('未保存：星期一 第 1 段 开始时间必须早于结束时间');
  });

  it('an import that is not JSON or does not pass the schema says why and gives nothing', () => {
    expect(parseImport('{ nope', ScheduleConfigSchema)).toEqual({ ok: false, message: { zh: '未导入：文件不是有效的 JSON。', en: 'Not imported: the file is not valid JSON.' } });
    const bad = parseImport(JSON.stringify({ holiday: ['2026-10-01'] }), ScheduleConfigSchema);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message.zh).toBe('未导入：内容 有不认识的字段：holiday');
    const good = parseImport(JSON.stringify({ cutoffMinutes: 45 }), ScheduleConfigSchema);
    expect(good.ok && good.value.cutoffMinutes).toBe(45);
  });
});
