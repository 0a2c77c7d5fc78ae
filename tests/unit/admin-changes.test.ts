import { describe, expect, it } from 'vitest';
import type { EventType, PayloadInput } from '../../shared/events/payloads';
import { checkConfig, checkNotice, checkRemoval, publishNotice, saveConfig, type Author } from '../../renderer/admin/editors/changes';
import { makeHall } from '../support/hall';

/** The admin's local log as the editors see it: the state, and what was authored. */
function fakeAuthor(): Author & { authored: Array<{ type: EventType; payload: unknown }> } {
  const h = makeHall();
  const authored: Array<{ type: EventType; payload: unknown }> = [];
  return {
    state: h.fold.state,
    authored,
    async author<T extends EventType>(type: T, payload: PayloadInput<T>) {
      authored.push({ type, payload });
    },
  };
}

const service = { id: 'tax', prefix: 'G', name: { zh: '税务', en: 'Tax' } };

describe('configuration changes at the admin', () => {
  it('a valid change becomes one config.changed event, with the schema\'s defaults filled in', async () => {
    const a = fakeAuthor();
    expect(await saveConfig(a, 'service', 'tax', service)).toEqual({ ok: true });
    expect(a.authored).toHaveLength(1);
    expect(a.authored[0]).toMatchObject({ type: 'config.changed', payload: { kind: 'service', id: 'tax', value: { ...service, kind: 'normal', defaultServiceMinutes: 8 } } });
  });

  it('a bad value is refused field by field in both languages, and nothing is authored', async () => {
    const a = fakeAuthor();
    const r = await saveConfig(a, 'service', 'tax', { ...service, prefix: 'GG', name: { zh: '', en: 'Tax' }, defaultServiceMinutes: 'ten' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message.zh).toContain('号头字母 格式不对：应为一个大写字母 A-Z');
    expect(r.message.zh).toContain('中文名称 不能为空');
    expect(r.message.zh).toContain('默认办理时长 应为数字');
    expect(r.message.en).toContain('Number prefix');
    expect(a.authored).toEqual([]);
  });

  it('two services may not share a number prefix', () => {
    const r = checkConfig(makeHall().fold.state, 'service', 'tax', { ...service, prefix: 'A' });
    expect(r).toMatchObject({ ok: false, message: { zh: expect.stringContaining('号头字母 A 已被“户籍办理”使用') } });
  });

  it('a window must serve services that exist, each once, under a number of its own', () => {
    const s = makeHall().fold.state;
    const w = { id: 'w9', label: '9', services: [{ serviceId: 'hukou' }] };
    expect(checkConfig(s, 'window', 'w9', w).ok).toBe(true);
    expect(checkConfig(s, 'window', 'w9', { ...w, services: [{ serviceId: 'nope' }] })).toMatchObject({ ok: false, message: { en: expect.stringContaining('no such services: nope') } });
    expect(checkConfig(s, 'window', 'w9', { ...w, services: [{ serviceId: 'hukou' }, { serviceId: 'hukou' }] }).ok).toBe(false);
    expect(checkConfig(s, 'window', 'w9', { ...w, label: '1' })).toMatchObject({ ok: false, message: { zh: expect.stringContaining('窗口号 1 已被窗口 w1 使用') } });
    expect(checkConfig(s, 'window', 'w9', { ...w, services: [] })).toMatchObject({ ok: false, message: { zh: expect.stringContaining('办理业务 至少选 1 项') } });
  });

  it('a clerk may be limited to windows that exist', () => {
    const s = makeHall().fold.state;
    const clerk = { id: 's9', name: '孙丽' };
    expect(checkConfig(s, 'staff', 's9', { ...clerk, windows: ['w1'] }).ok).toBe(true);
    expect(checkConfig(s, 'staff', 's9', { ...clerk, windows: ['w1', 'w99'] })).toMatchObject({ ok: false, message: { zh: expect.stringContaining('没有这些窗口：w99'), en: expect.stringContaining('no such windows: w99') } });
  });

  it('the key and the value\'s id must agree', () => {
    expect(checkConfig(makeHall().fold.state, 'service', 'tax2', service).ok).toBe(false);
  });

  it('R5: a schedule with overlapping periods is refused, naming the day and period in Chinese', () => {
    const r = checkConfig(makeHall().fold.state, 'schedule', 'hall', {
      weekly: {
        mon: [
          { from: '09:00', to: '12:00', mode: 'open' },
          { from: '11:00', to: '13:00', mode: 'open' },
        ],
      },
    });
    expect(r).toMatchObject({ ok: false, message: { zh: expect.stringContaining('星期一 第 2 段 时段重叠'), en: expect.stringContaining('Monday, period 2') } });
  });

  it('a service still served at a window cannot be removed; a clerk signed in cannot be removed', () => {
    const h = makeHall();
    expect(checkRemoval(h.fold.state, 'service', 'estate')).toMatchObject({ ok: false, message: { zh: expect.stringContaining('3 号窗口仍在办理此业务') } });
    h.open(h.terminal('counter-1'), 'w1', 's1');
    expect(checkRemoval(h.fold.state, 'staff', 's1').ok).toBe(false);
    expect(checkRemoval(h.fold.state, 'window', 'w1').ok).toBe(false);
    expect(checkRemoval(h.fold.state, 'staff', 's2').ok).toBe(true);
  });

  it('a notice needs both languages, and an end after its start', async () => {
    expect(checkNotice({ noticeId: 'n1', text: { zh: '通知', en: '' } })).toMatchObject({ ok: false, message: { zh: expect.stringContaining('公告英文内容 不能为空') } });
    expect(checkNotice({ noticeId: 'n1', text: { zh: '通知', en: 'Notice' }, from: 10, to: 10 }).ok).toBe(false);
    const a = fakeAuthor();
    expect(await publishNotice(a, { noticeId: 'n1', text: { zh: ' 通知 ', en: 'Notice' }, from: 10, to: 20 })).toEqual({ ok: true });
    expect(a.authored).toEqual([{ type: 'notice.published', payload: { noticeId: 'n1', text: { zh: '通知', en: 'Notice' }, from: 10, to: 20 } }]);
  });

  it('when the local log refuses (a role that may not write it), the message says so and nothing is stored', async () => {
    const h = makeHall();
    const refusing: Author = {
      state: h.fold.state,
      author: async () => {
        throw Object.assign(new Error('a display terminal may not write config.changed'), { messageZh: '该终端无权进行此操作' });
      },
    };
    expect(await saveConfig(refusing, 'service', 'tax', service)).toEqual({ ok: false, message: { zh: '未保存：该终端无权进行此操作', en: 'Not saved: a display terminal may not write config.changed' } });
  });
});
