import { describe, expect, it } from 'vitest';
import type { HallEvent } from '../../shared/events';
import type { RectificationItem } from '../../shared/fold';
import { RECTIFY_WITHIN_MS } from '../../shared/ratings';
import type { Author } from '../../renderer/admin/editors/changes';
import { recordStep, saveLedger } from '../../renderer/admin/rectify/changes';
import {
  assigneeName,
  availability,
  byUrgency,
  checkStep,
  counts,
  csvCell,
  ledgerCsv,
  listItems,
  nextAction,
  recordedBy,
  timing,
  timingText,
  type StepInput,
} from '../../renderer/admin/rectify/rectifyModel';
import { makeHall, type TestHall, type TestTerminal } from '../support/hall';
import { DAY, serve, sh, stepped } from '../support/flow';

const TZ = 'Asia/Shanghai';

interface Scene {
  h: TestHall;
  kiosk: TestTerminal;
  counter: TestTerminal;
  evaluator: TestTerminal;
  supervisor: TestTerminal;
  /** The admin screen's local log, as the views author through it; `written` is what it appended. */
  local: Author;
  written: HallEvent[];
}

/** Monday 23 November 2026, 10:00 in Shanghai, window 1 open with 王芳 (s1). */
function scene(): Scene {
  const h = stepped(makeHall());
  const supervisor = h.terminal('supervisor-1');
  const written: HallEvent[] = [];
  const local: Author = {
    get state() {
      return h.fold.state;
    },
    async author(type, payload) {
      const e = h.emit(supervisor, type, payload);
      written.push(e as unknown as HallEvent);
      return e;
    },
  };
  const s: Scene = { h, kiosk: h.terminal('kiosk-1'), counter: h.terminal('counter-1'), evaluator: h.terminal('evaluator-1'), supervisor, local, written };
  h.open(s.counter, 'w1', 's1');
  return s;
}

/** A hukou ticket served at window 1 and rated `level`; returns the rectification item. */
function badRating(s: Scene, level: 1 | 2 = 1, reasons: string[] = ['attitude']): RectificationItem {
  const id = s.h.issue(s.kiosk, { serviceId: 'hukou' });
  serve(s.h, s.counter, id, 'w1', 5);
  s.h.emit(s.evaluator, 'evaluation.recorded', { ticketId: id, windowId: 'w1', level, reasons, source: 'pad' });
  return [...s.h.fold.state.rectifications.values()].find((i) => i.ticketId === id)!;
}

/** A ticket finished "not done" at window 1, with the clerk's note. */
function notDone(s: Scene, note?: string): RectificationItem {
  const id = s.h.issue(s.kiosk, { serviceId: 'hukou' });
  s.h.emit(s.counter, 'ticket.called', { ticketId: id, windowId: 'w1' });
  s.h.emit(s.counter, 'ticket.finished', { ticketId: id, windowId: 'w1', outcome: 'not-done', ...(note ? { note } : {}) });
  return s.h.fold.state.rectifications.get(`notdone:${id}`)!;
}

const item = (s: Scene, id: string) => s.h.fold.state.rectifications.get(id)!;
const check = (s: Scene, input: StepInput) => checkStep(s.h.fold.state, input);

async function step(s: Scene, input: StepInput): Promise<void> {
  const r = await recordStep(s.local, input);
  if (!r.ok) throw new Error(r.message.en);
}

describe('days left and overdue, in the hall\'s calendar (R8)', () => {
  it('R8: a bad rating is overdue the moment its 7 days are up, and not before', () => {
    const s = scene();
    const i = badRating(s);
    expect(i.dueAt).toBe(i.openedAt + RECTIFY_WITHIN_MS);
    const due = i.dueAt!;
    expect(timing(i, due - 1, TZ)).toEqual({ kind: 'left', days: 0 });
    expect(timing(i, due, TZ)).toEqual({ kind: 'left', days: 0 });
    expect(timing(i, due + 1, TZ)).toEqual({ kind: 'overdue', days: 0 });
    expect(listItems([i], 'bad-rating', 'overdue', due, TZ)).toEqual([]);
    expect(listItems([i], 'bad-rating', 'overdue', due + 1, TZ)).toEqual([i]);
  });

  it('R8: days left and days overdue are calendar days in Shanghai, not in UTC', () => {
    const s = scene();
    const i = badRating(s);
    // Rated Monday 23 November about 10:05 in Shanghai: due Monday 30 November at the same time.
    expect(new Date(i.dueAt!).toISOString().slice(0, 10)).toBe('2026-11-30');
    expect(timing(i, sh('2026-11-24', '09:00'), TZ)).toEqual({ kind: 'left', days: 6 });
    expect(timingText(timing(i, sh('2026-11-24', '09:00'), TZ))).toEqual({ zh: '剩 6 天', en: '6 days left' });
    expect(timing(i, sh('2026-11-29', '23:30'), TZ)).toEqual({ kind: 'left', days: 1 });
    // 00:30 on the 30th in Shanghai is still the 29th in UTC: the hall's calendar counts.
    expect(new Date(sh('2026-11-30', '00:30')).toISOString().slice(0, 10)).toBe('2026-11-29');
    expect(timingText(timing(i, sh('2026-11-30', '00:30'), TZ))).toEqual({ zh: '今天到期', en: 'Due today' });
    expect(timingText(timing(i, sh('2026-11-30', '18:00'), TZ))).toEqual({ zh: '今天已逾期', en: 'Overdue since today' });
    expect(timingText(timing(i, sh('2026-12-01', '09:00'), TZ))).toEqual({ zh: '逾期 1 天', en: '1 day overdue' });
    expect(timingText(timing(i, sh('2026-12-03', '09:00'), TZ))).toEqual({ zh: '逾期 3 天', en: '3 days overdue' });
  });

  it('R18: a ledger item is in time all through its deadline day and overdue from midnight', async () => {
    const s = scene();
    const i = notDone(s, '需原籍证明');
    expect(timing(i, s.h.now(), TZ)).toEqual({ kind: 'no-deadline' });
    await step(s, { itemId: i.id, action: 'ledger', deadline: '2026-11-27', cause: '两地系统未打通' });
    const j = item(s, i.id);
    expect(timingText(timing(j, sh('2026-11-27', '23:59'), TZ))).toEqual({ zh: '今天到期', en: 'Due today' });
    expect(timing(j, sh('2026-11-28', '00:01'), TZ)).toEqual({ kind: 'overdue', days: 1 });
  });

  it('R8: a closed item is not overdue; closed after its due time it counts as closed late', async () => {
    const s = scene();
    const i = badRating(s);
    await step(s, { itemId: i.id, action: 'verified', note: '已调取录像核实' });
    s.h.advance(8 * DAY);
    await step(s, { itemId: i.id, action: 'closed', closedWith: 'explanation', note: '已向群众说明办理依据' });
    const j = item(s, i.id);
    expect(timing(j, s.h.now() + DAY, TZ)).toEqual({ kind: 'closed', late: true });
    expect(listItems([j], 'bad-rating', 'overdue', s.h.now(), TZ)).toEqual([]);
  });
});

describe('the list: filters, most urgent first, counts (R8)', () => {
  /** Four bad ratings a day apart, then 9 days later: a and b overdue, c closed on time, d closed late. */
  async function week(): Promise<{ s: Scene; now: number; a: string; b: string; c: string; d: string; e: string }> {
    const s = scene();
    const a = badRating(s).id;
    s.h.advance(DAY);
    const b = badRating(s).id;
    const c = badRating(s).id;
    await step(s, { itemId: c, action: 'verified', note: '核实' });
    await step(s, { itemId: c, action: 'rectified', note: '整改' });
    await step(s, { itemId: c, action: 'closed', closedWith: 'feedback', note: '群众满意' });
    const d = badRating(s).id;
    s.h.advance(8 * DAY);
    await step(s, { itemId: d, action: 'verified', note: '核实' });
    await step(s, { itemId: d, action: 'closed', closedWith: 'explanation', note: '说明' });
    // A fresh one, due in 7 days.
    const e = badRating(s).id;
    return { s, now: s.h.now(), a, b, c, d, e };
  }

  it('R8: open items come first, the longest overdue at the top; closed ones last, newest first', async () => {
    const { s, now, a, b, c, d, e } = await week();
    const all = s.h.fold.state.rectifications.values();
    expect(listItems(all, 'bad-rating', 'all', now, TZ).map((i) => i.id)).toEqual([a, b, e, d, c]);
  });

  it('R8: each filter shows its own items: open, overdue, due within 2 days, closed, all', async () => {
    const { s, now, a, b, c, d, e } = await week();
    const ids = (f: Parameters<typeof listItems>[2], at = now) => listItems(s.h.fold.state.rectifications.values(), 'bad-rating', f, at, TZ).map((i) => i.id);
    expect(ids('open')).toEqual([a, b, e]);
    expect(ids('overdue')).toEqual([a, b]);
    expect(ids('closed')).toEqual([d, c]);
    expect(ids('all')).toHaveLength(5);
    expect(ids('due-soon')).toEqual([]);
    // Five days on, e has two calendar days left: due soon (a and b are overdue, not "due soon").
    expect(ids('due-soon', now + 5 * DAY)).toEqual([e]);
    expect(ids('due-soon', now + 4 * DAY)).toEqual([]);
  });

  it('R8: the counts: open, overdue, closed on time, closed late, and the on-time rate counts overdue open items against it', async () => {
    const { s, now } = await week();
    expect(counts(s.h.fold.state.rectifications.values(), 'bad-rating', now, TZ)).toMatchObject({
      total: 5,
      open: 3,
      overdue: 2,
      closed: 2,
      closedOnTime: 1,
      closedLate: 1,
      // 1 on time out of 2 closed + 2 still open past due.
      onTimeRate: 0.25,
    });
    expect(counts([], 'bad-rating', now, TZ).onTimeRate).toBeNull();
  });

  it('R18: ledger items without a deadline come after dated ones and are counted apart', async () => {
    const s = scene();
    const x = notDone(s, '问题一');
    const y = notDone(s, '问题二');
    await saveLedger(s.local, y.id, { deadline: '2026-11-30' });
    const all = [...s.h.fold.state.rectifications.values()];
    expect(listItems(all, 'not-done', 'open', s.h.now(), TZ).map((i) => i.id)).toEqual([y.id, x.id]);
    expect(counts(all, 'not-done', s.h.now(), TZ)).toMatchObject({ open: 2, noDeadline: 1, overdue: 0 });
    expect([item(s, x.id), item(s, y.id)].sort(byUrgency)[0]!.id).toBe(y.id);
  });
});

describe('recording steps (R8: verified and rectified, closed with feedback or an explanation)', () => {
  it('R8: the whole round is recorded in order, each step naming the terminal that recorded it', async () => {
    const s = scene();
    const i = badRating(s, 2, ['slow', 'wait']);
    expect(nextAction(i)).toBe('assigned');
    await step(s, { itemId: i.id, action: 'assigned', assignee: 's1' });
    expect(nextAction(item(s, i.id))).toBe('verified');
    await step(s, { itemId: i.id, action: 'verified', note: '  核实：高峰期等候 40 分钟  ' });
    expect(nextAction(item(s, i.id))).toBe('rectified');
    await step(s, { itemId: i.id, action: 'rectified', note: '高峰期增开 5 号窗口' });
    await step(s, { itemId: i.id, action: 'closed', closedWith: 'feedback', note: '电话回访，群众表示满意' });
    const j = item(s, i.id);
    expect(j).toMatchObject({ status: 'closed', closedWith: 'feedback', assignee: 's1' });
    expect(j.steps.map((x) => x.action)).toEqual(['assigned', 'verified', 'rectified', 'closed']);
    expect(j.steps[1]!.note).toBe('核实：高峰期等候 40 分钟');
    expect(j.steps.every((x) => x.by === s.supervisor.origin)).toBe(true);
    expect(recordedBy(j.steps[0]!)).toBe('supervisor-1');
    expect(s.written.map((e) => e.type)).toEqual(Array(4).fill('rectification.recorded'));
    expect(nextAction(j)).toBe('reopened');
  });

  it('R8: closing without a note is refused in both languages and appends nothing', async () => {
    const s = scene();
    const i = badRating(s);
    await step(s, { itemId: i.id, action: 'verified', note: '已核实' });
    await step(s, { itemId: i.id, action: 'rectified', note: '已整改' });
    const before = s.written.length;
    const r = await recordStep(s.local, { itemId: i.id, action: 'closed', closedWith: 'feedback', note: '   ' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message.zh).toBe('未保存：请填写回访情况（群众的反馈）');
    expect(r.message.en).toBe("Not saved: record the citizen's feedback from the follow-up");
    expect(s.written.length).toBe(before);
    expect(item(s, i.id).status).toBe('rectified');
    const how = await recordStep(s.local, { itemId: i.id, action: 'closed', note: '回访' });
    expect(how.ok ? '' : how.message.en).toContain('choose how it is closed');
  });

  it('R8: verification and rectification need a note; a rectification needs the verification first', () => {
    const s = scene();
    const i = badRating(s);
    expect(check(s, { itemId: i.id, action: 'verified', note: '' })).toEqual({ ok: false, message: { zh: '未保存：请填写核实情况', en: 'Not saved: describe what the verification found' } });
    const early = check(s, { itemId: i.id, action: 'rectified', note: '整改' });
    expect(early).toMatchObject({ ok: false, message: { zh: '未保存：请先记录核实情况，再记录整改措施' } });
    expect(availability(i, 'rectified').ok).toBe(false);
  });

  it('R8: closing with feedback needs a rectification; a complaint found unjustified closes with an explanation after verification', async () => {
    const s = scene();
    const i = badRating(s);
    expect(check(s, { itemId: i.id, action: 'closed', closedWith: 'explanation', note: '说明' })).toMatchObject({ ok: false, message: { en: 'Not saved: record the verification before closing' } });
    await step(s, { itemId: i.id, action: 'verified', note: '群众要求不符合法定条件' });
    expect(check(s, { itemId: i.id, action: 'closed', closedWith: 'feedback', note: '回访' })).toMatchObject({ ok: false });
    await step(s, { itemId: i.id, action: 'closed', closedWith: 'explanation', note: '已当面解释法定条件' });
    expect(item(s, i.id)).toMatchObject({ status: 'closed', closedWith: 'explanation' });
  });

  it('R8: a closed item takes no step but reopen, and reopening needs a reason; an open item cannot be reopened', async () => {
    const s = scene();
    const i = badRating(s);
    expect(check(s, { itemId: i.id, action: 'reopened', note: '再次处理' })).toMatchObject({ ok: false, message: { zh: '未保存：该事项尚未办结，无需重新打开' } });
    await step(s, { itemId: i.id, action: 'verified', note: '核实' });
    await step(s, { itemId: i.id, action: 'closed', closedWith: 'explanation', note: '说明' });
    const count = s.written.length;
    for (const action of ['assigned', 'verified', 'rectified', 'closed'] as const) {
      const r = await recordStep(s.local, { itemId: i.id, action, note: 'x', assignee: 's2', closedWith: 'feedback' });
      expect(r).toMatchObject({ ok: false, message: { zh: '未保存：该事项已办结；如需继续处理，请先重新打开', en: 'Not saved: This item is closed; reopen it to record more' } });
    }
    expect(s.written.length).toBe(count);
    expect(check(s, { itemId: i.id, action: 'reopened', note: '' })).toMatchObject({ ok: false, message: { zh: '未保存：请填写重新打开的原因' } });
    await step(s, { itemId: i.id, action: 'reopened', note: '群众再次投诉' });
    // A new round: the earlier verification does not count for it.
    expect(item(s, i.id).status).toBe('open');
    expect(availability(item(s, i.id), 'rectified').ok).toBe(false);
    expect(nextAction(item(s, i.id))).toBe('assigned');
    expect(item(s, i.id).steps.map((x) => x.action)).toEqual(['verified', 'closed', 'reopened']);
  });

  it('R8: an item is assigned to a staff member (shown by name) or to someone typed in; an empty assignee is refused', async () => {
    const s = scene();
    const i = badRating(s);
    expect(check(s, { itemId: i.id, action: 'assigned', assignee: ' ' })).toMatchObject({ ok: false, message: { zh: '未保存：请选择或填写负责人', en: 'Not saved: choose or type who is responsible' } });
    await step(s, { itemId: i.id, action: 'assigned', assignee: 's2' });
    expect(assigneeName(s.h.fold.state, item(s, i.id).assignee)).toBe('李强');
    expect(check(s, { itemId: i.id, action: 'assigned', assignee: 's2' })).toMatchObject({ ok: false });
    await step(s, { itemId: i.id, action: 'assigned', assignee: '户籍科 刘科长', note: '转科室处理' });
    expect(assigneeName(s.h.fold.state, item(s, i.id).assignee)).toBe('户籍科 刘科长');
    expect(check(s, { itemId: i.id, action: 'assigned', assignee: 'x'.repeat(41) })).toMatchObject({ ok: false, message: { en: 'Not saved: the assignee must have at most 40 characters' } });
  });

  it('R8: a note over 2000 characters and an unknown item are refused, saying so', () => {
    const s = scene();
    const i = badRating(s);
    expect(check(s, { itemId: i.id, action: 'verified', note: '字'.repeat(2001) })).toMatchObject({ ok: false, message: { zh: '未保存：说明最多 2000 个字' } });
    expect(check(s, { itemId: 'nope', action: 'verified', note: 'x' })).toMatchObject({ ok: false, message: { en: 'Not saved: no such item' } });
  });

  it('a step the local log refuses (e.g. this terminal may not write it) is reported, not thrown', async () => {
    const s = scene();
    const i = badRating(s);
    const refusing: Author = {
      get state() {
        return s.h.fold.state;
      },
      author: () => Promise.reject(Object.assign(new Error('admin terminals only'), { messageZh: '只有管理终端可以记录' })),
    };
    expect(await recordStep(refusing, { itemId: i.id, action: 'verified', note: 'x' })).toEqual({ ok: false, message: { zh: '未保存：只有管理终端可以记录', en: 'Not saved: admin terminals only' } });
  });
});

describe('the "can\'t get it done" ledger (R18)', () => {
  it('R18: the ledger fields are recorded, only what changed, and the clerk\'s note stays the problem', async () => {
    const s = scene();
    const i = notDone(s, '跨区迁户需原籍证明');
    expect(i.problem).toBe('跨区迁户需原籍证明');
    expect(nextAction(i)).toBe('ledger');
    const r = await saveLedger(s.local, i.id, { problem: '跨区迁户需原籍证明', cause: ' 两地系统未打通 ', workOrder: 'WO-2026-1123-01', deadline: '2026-11-30' });
    expect(r).toEqual({ ok: true });
    expect(s.written.at(-1)!.payload).toEqual({ itemId: i.id, action: 'ledger', note: '', cause: '两地系统未打通', workOrder: 'WO-2026-1123-01', deadline: '2026-11-30' });
    expect(item(s, i.id)).toMatchObject({ problem: '跨区迁户需原籍证明', cause: '两地系统未打通', workOrder: 'WO-2026-1123-01', deadline: '2026-11-30', dueAt: sh('2026-12-01', '00:00') });
    const again = await saveLedger(s.local, i.id, { problem: '跨区迁户需原籍证明', cause: '两地系统未打通' });
    expect(again).toEqual({ ok: false, message: { zh: '未保存：台账没有改动', en: 'Not saved: nothing in the ledger changed' } });
    expect(nextAction(item(s, i.id))).toBe('rectified');
  });

  it('R18: a deadline must be a real date, not before the day the case was logged; a field cannot be emptied', async () => {
    const s = scene();
    const i = notDone(s, '问题');
    expect(check(s, { itemId: i.id, action: 'ledger', deadline: '2026-02-30' })).toMatchObject({ ok: false, message: { zh: '未保存：办理期限应为真实日期（YYYY-MM-DD）' } });
    expect(check(s, { itemId: i.id, action: 'ledger', deadline: '2026-11-22' })).toMatchObject({ ok: false, message: { en: 'Not saved: the deadline cannot be before the day it was logged (2026-11-23)' } });
    expect(check(s, { itemId: i.id, action: 'ledger', problem: '' })).toMatchObject({ ok: false, message: { zh: '未保存：问题不能清空（历史记录会保留，可改写）' } });
    expect(check(s, { itemId: i.id, action: 'ledger', workOrder: 'W'.repeat(81) })).toMatchObject({ ok: false, message: { zh: '未保存：工单号最多 80 个字' } });
    // Several problems at once are all named.
    const both = check(s, { itemId: i.id, action: 'ledger', problem: '', deadline: 'soon' });
    expect(both.ok ? '' : both.message.zh).toBe('未保存：问题不能清空（历史记录会保留，可改写）；办理期限应为真实日期（YYYY-MM-DD）');
  });

  it('R18: the result check needs the problem and cause in the ledger; ledger fields are refused on a bad rating', async () => {
    const s = scene();
    const i = notDone(s);
    expect(check(s, { itemId: i.id, action: 'closed', closedWith: 'explanation', note: '不属于本中心职能' })).toMatchObject({
      ok: false,
      message: { zh: '未保存：结果核查前须先在台账中填写问题和原因' },
    });
    await saveLedger(s.local, i.id, { problem: '企业注销需税务清税证明', cause: '税务系统故障' });
    expect(check(s, { itemId: i.id, action: 'closed', closedWith: 'feedback', note: '已办结' })).toMatchObject({ ok: false });
    await step(s, { itemId: i.id, action: 'rectified', note: '协调税务窗口当日出具证明' });
    await step(s, { itemId: i.id, action: 'closed', closedWith: 'feedback', note: '回访：已办成' });
    expect(item(s, i.id)).toMatchObject({ status: 'closed', closedWith: 'feedback' });
    const bad = badRating(s);
    expect(check(s, { itemId: bad.id, action: 'ledger', cause: '原因' })).toMatchObject({ ok: false, message: { en: 'Not saved: Ledger fields are for "can\'t get it done" items only' } });
  });

  it('R18: the ledger exports as CSV: UTF-8 BOM, a bilingual header, one row per case, cells quoted and defused', async () => {
    const s = scene();
    const i = notDone(s, '需要"原籍"证明, 且需本人到场');
    await saveLedger(s.local, i.id, { cause: '=HYPERLINK("x")', workOrder: 'WO-1', deadline: '2026-11-24' });
    const csv = ledgerCsv(s.h.fold.state, sh('2026-11-26', '09:00'));
    expect(csv.startsWith('\uFEFF日期 Date,号码 Ticket,业务 Service,窗口 Window,工作人员 Staff,问题 Problem,原因 Cause,工单号 Work order,办理期限 Deadline,')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`2026-11-23,A001,户籍办理,1,王芳,"需要""原籍""证明, 且需本人到场","'=HYPERLINK(""x"")",WO-1,2026-11-24,待处理 Open,,,,是 Yes`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('plain')).toBe('plain');
  });
});
