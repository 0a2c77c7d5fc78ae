/**
 * Bad-rating rectification (R8) and the "can't get it done" ledger (R18), as the hall's managers
 * work them: which items are open, overdue or due soon (in calendar days of the hall's time
 * zone), the most urgent first, the counts a leader is judged by, and whether a step may be
 * recorded, saying in both languages what is wrong when it may not. Pure: state and clock in,
 * plain data out.
 */
import type { Bilingual } from '../../../shared/config/text';
import type { PayloadInput } from '../../../shared/events/payloads';
import type { HallState, RectificationItem, RectificationStep } from '../../../shared/fold/state';
import { BAD_RATING_REASONS, RATING_LABELS, isOverdue, type RatingLevel } from '../../../shared/ratings/levels';
import { isValidDate, localDate, parseDayNumber } from '../../../shared/schedule/zone';
import { hhmm } from '../../i18n/format';
import type { Checked } from '../editors/changes';

export type ItemKind = RectificationItem['kind'];
export type ItemStatus = RectificationItem['status'];
export type StepAction = PayloadInput<'rectification.recorded'>['action'];
export type ClosedWith = NonNullable<RectificationItem['closedWith']>;

// --- limits (the event schema's; checked here first so the message is the admin's words) ----

export const NOTE_MAX = 2000;
export const ASSIGNEE_MAX = 40;
export const TEXT_MAX = 1000;
export const WORK_ORDER_MAX = 80;
/** "Due soon": still in time, and the last day is at most this many calendar days away. */
export const DUE_SOON_DAYS = 2;

// --- labels --------------------------------------------------------------------------------

export const STATUS_LABELS: Record<ItemStatus, Bilingual> = {
  open: { zh: '待处理', en: 'Open' },
  assigned: { zh: '已指派', en: 'Assigned' },
  verified: { zh: '已核实', en: 'Verified' },
  rectified: { zh: '已整改', en: 'Rectified' },
  closed: { zh: '已办结', en: 'Closed' },
};

/** A not-done case is "resolved" rather than "rectified" (R18: 限期解决). */
export function statusLabel(item: Pick<RectificationItem, 'kind' | 'status'>): Bilingual {
  if (item.kind === 'not-done' && item.status === 'rectified') return { zh: '已解决', en: 'Resolved' };
  return STATUS_LABELS[item.status];
}

export function actionLabel(action: string, kind: ItemKind): Bilingual {
  switch (action) {
    case 'assigned':
      return { zh: '指派负责人', en: 'Assigned' };
    case 'verified':
      return { zh: '核实情况', en: 'Verification' };
    case 'rectified':
      return kind === 'not-done' ? { zh: '解决情况', en: 'Resolution' } : { zh: '整改措施', en: 'Rectification' };
    case 'closed':
      return kind === 'not-done' ? { zh: '结果核查', en: 'Result check' } : { zh: '办结', en: 'Closed' };
    case 'reopened':
      return { zh: '重新打开', en: 'Reopened' };
    case 'ledger':
      return { zh: '台账登记', en: 'Ledger entry' };
    default:
      return { zh: action, en: action };
  }
}

export const CLOSED_WITH_LABELS: Record<ClosedWith, Bilingual> = {
  feedback: { zh: '回访群众反馈', en: "Citizen's feedback" },
  explanation: { zh: '诉求不合理的解释说明', en: 'Explanation (complaint not justified)' },
};

/** How an item was closed, in the words of its kind (a not-done case is a request, not a complaint). */
export function closedWithLabel(kind: ItemKind, how: ClosedWith): Bilingual {
  if (kind === 'not-done') return how === 'feedback' ? { zh: '已解决，回访群众反馈', en: "Resolved; citizen's feedback" } : { zh: '无法办理，已解释说明', en: 'Cannot be done; explained' };
  return CLOSED_WITH_LABELS[how];
}

export function levelLabel(level: number | undefined): Bilingual {
  return level !== undefined && level in RATING_LABELS ? RATING_LABELS[level as RatingLevel] : { zh: '—', en: '—' };
}

export function reasonLabel(id: string): Bilingual {
  const r = BAD_RATING_REASONS.find((x) => x.id === id);
  return r ? { zh: r.zh, en: r.en } : { zh: id, en: id };
}

export function serviceName(s: HallState, id: string): Bilingual {
  return s.config.services.get(id)?.name ?? { zh: id, en: id };
}

export function windowLabel(s: HallState, id: string): Bilingual {
  const label = s.config.windows.get(id)?.label ?? id;
  return { zh: `${label} 号窗口`, en: `Window ${label}` };
}

export function staffName(s: HallState, id: string | undefined): string {
  if (!id) return '—';
  return s.config.staff.get(id)?.name ?? id;
}

/** An assignee is a staff id (shown by name) or a name typed in. */
export function assigneeName(s: HallState, assignee: string | undefined): string {
  if (!assignee) return '—';
  return s.config.staff.get(assignee)?.name ?? assignee;
}

/** The terminal behind an origin (`admin-1~2` -> `admin-1`). */
export function recordedBy(step: Pick<RectificationStep, 'by'>): string {
  const by = step.by ?? '';
  const i = by.indexOf('~');
  return i > 0 ? by.slice(0, i) : by || '—';
}

// --- time ------------------------------------------------------------------------------------

/** Where an item stands against its due time, in calendar days of the hall's time zone. */
export type Timing =
  | { kind: 'closed'; late: boolean }
  | { kind: 'no-deadline' }
  /** Still in time; 0 = its last day is today. */
  | { kind: 'left'; days: number }
  /** Past its due time; 0 = it became overdue today. */
  | { kind: 'overdue'; days: number };

const dayGap = (from: string, to: string) => parseDayNumber(to) - parseDayNumber(from);

/** The last day an item is still in time: the due day itself, or for a midnight due time the day before. */
export function lastDay(dueAt: number, timeZone: string): string {
  return localDate(dueAt - 1, timeZone);
}

export function timing(item: RectificationItem, now: number, timeZone: string): Timing {
  if (item.status === 'closed') return { kind: 'closed', late: closedLate(item) };
  if (item.dueAt === undefined) return { kind: 'no-deadline' };
  const today = localDate(now, timeZone);
  const last = lastDay(item.dueAt, timeZone);
  if (isOverdue(item, now)) return { kind: 'overdue', days: Math.max(0, dayGap(last, today)) };
  return { kind: 'left', days: Math.max(0, dayGap(today, last)) };
}

export function timingText(t: Timing): Bilingual {
  switch (t.kind) {
    case 'closed':
      return t.late ? { zh: '逾期办结', en: 'Closed late' } : { zh: '按期办结', en: 'Closed on time' };
    case 'no-deadline':
      return { zh: '未定期限', en: 'No deadline yet' };
    case 'left':
      if (t.days === 0) return { zh: '今天到期', en: 'Due today' };
      return { zh: `剩 ${t.days} 天`, en: t.days === 1 ? '1 day left' : `${t.days} days left` };
    case 'overdue':
      if (t.days === 0) return { zh: '今天已逾期', en: 'Overdue since today' };
      return { zh: `逾期 ${t.days} 天`, en: t.days === 1 ? '1 day overdue' : `${t.days} days overdue` };
  }
}

/** Closed after its due time (an item closed exactly at its due time is in time). */
export function closedLate(item: RectificationItem): boolean {
  return item.status === 'closed' && item.dueAt !== undefined && item.closedAt !== undefined && item.closedAt > item.dueAt;
}

export function isDueSoon(item: RectificationItem, now: number, timeZone: string): boolean {
  const t = timing(item, now, timeZone);
  return t.kind === 'left' && t.days <= DUE_SOON_DAYS;
}

// --- filters, order, counts --------------------------------------------------------------------

export type RectifyFilter = 'open' | 'overdue' | 'due-soon' | 'closed' | 'all';

export const FILTERS: ReadonlyArray<{ id: RectifyFilter; label: Bilingual }> = [
  { id: 'open', label: { zh: '未办结', en: 'Open' } },
  { id: 'overdue', label: { zh: '已逾期', en: 'Overdue' } },
  { id: 'due-soon', label: { zh: `${DUE_SOON_DAYS} 天内到期`, en: `Due within ${DUE_SOON_DAYS} days` } },
  { id: 'closed', label: { zh: '已办结', en: 'Closed' } },
  { id: 'all', label: { zh: '全部', en: 'All' } },
];

export function matches(item: RectificationItem, filter: RectifyFilter, now: number, timeZone: string): boolean {
  switch (filter) {
    case 'open':
      return item.status !== 'closed';
    case 'overdue':
      return isOverdue(item, now);
    case 'due-soon':
      return isDueSoon(item, now, timeZone);
    case 'closed':
      return item.status === 'closed';
    case 'all':
      return true;
  }
}

/**
 * Most urgent first: open items before closed ones; among open ones the earliest due time
 * first (so the longest overdue leads, then the nearest due), then those with no deadline yet
 * (oldest first); closed items last, the most recently closed first.
 */
export function byUrgency(a: RectificationItem, b: RectificationItem): number {
  const ca = a.status === 'closed' ? 1 : 0;
  const cb = b.status === 'closed' ? 1 : 0;
  if (ca !== cb) return ca - cb;
  if (ca === 1) return (b.closedAt ?? 0) - (a.closedAt ?? 0) || a.id.localeCompare(b.id);
  const da = a.dueAt ?? Number.POSITIVE_INFINITY;
  const db = b.dueAt ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return a.openedAt - b.openedAt || a.id.localeCompare(b.id);
}

export function listItems(items: Iterable<RectificationItem>, kind: ItemKind, filter: RectifyFilter, now: number, timeZone: string): RectificationItem[] {
  return [...items].filter((i) => i.kind === kind && matches(i, filter, now, timeZone)).sort(byUrgency);
}

export interface Counts {
  total: number;
  /** Not closed. */
  open: number;
  overdue: number;
  dueSoon: number;
  /** Open with no due time (a ledger item whose deadline is not set yet). */
  noDeadline: number;
  closed: number;
  closedOnTime: number;
  closedLate: number;
  /**
   * Closed on time, out of every item whose timeliness is settled: closed (on time or late) or
   * still open past its due time. An overdue item counts against the rate before it is closed,
   * so leaving items open does not flatter it. null when nothing is settled yet.
   */
  onTimeRate: number | null;
}

export function counts(items: Iterable<RectificationItem>, kind: ItemKind, now: number, timeZone: string): Counts {
  const c: Counts = { total: 0, open: 0, overdue: 0, dueSoon: 0, noDeadline: 0, closed: 0, closedOnTime: 0, closedLate: 0, onTimeRate: null };
  for (const i of items) {
    if (i.kind !== kind) continue;
    c.total++;
    if (i.status === 'closed') {
      c.closed++;
      if (closedLate(i)) c.closedLate++;
      else c.closedOnTime++;
      continue;
    }
    c.open++;
    if (isOverdue(i, now)) c.overdue++;
    else if (i.dueAt === undefined) c.noDeadline++;
    else if (isDueSoon(i, now, timeZone)) c.dueSoon++;
  }
  const settled = c.closed + c.overdue;
  c.onTimeRate = settled === 0 ? null : c.closedOnTime / settled;
  return c;
}

export function rateText(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

// --- the workflow ----------------------------------------------------------------------------

/** Steps since the item was last reopened: the current round of handling. */
export function currentRound(item: RectificationItem): RectificationStep[] {
  let i = item.steps.length - 1;
  while (i >= 0 && item.steps[i]!.action !== 'reopened') i--;
  return item.steps.slice(i + 1);
}

const done = (item: RectificationItem, action: StepAction) => currentRound(item).some((s) => s.action === action);

/** The actions each screen offers, in workflow order. */
export const RECTIFY_ACTIONS: readonly StepAction[] = ['assigned', 'verified', 'rectified', 'closed', 'reopened'];
export const LEDGER_ACTIONS: readonly StepAction[] = ['ledger', 'assigned', 'rectified', 'closed', 'reopened'];

const no = (zh: string, en: string): { ok: false; message: Bilingual } => ({ ok: false, message: { zh, en } });

/** Whether `action` may be recorded on the item as it stands (before looking at what was typed). */
export function availability(item: RectificationItem, action: StepAction): { ok: true } | { ok: false; message: Bilingual } {
  if (item.status === 'closed' && action !== 'reopened') return no('该事项已办结；如需继续处理，请先重新打开', 'This item is closed; reopen it to record more');
  if (action === 'reopened' && item.status !== 'closed') return no('该事项尚未办结，无需重新打开', 'This item is not closed, so it cannot be reopened');
  if (action === 'ledger' && item.kind !== 'not-done') return no('台账字段只适用于“办不成事”事项', 'Ledger fields are for "can\'t get it done" items only');
  if (item.kind === 'bad-rating' && action === 'rectified' && !done(item, 'verified')) return no('请先记录核实情况，再记录整改措施', 'Record the verification before the rectification');
  return { ok: true };
}

/** The step a manager most likely records next (the one the form opens with). */
export function nextAction(item: RectificationItem): StepAction {
  if (item.status === 'closed') return 'reopened';
  if (item.kind === 'not-done') {
    if (!item.problem || !item.cause || !item.workOrder || !item.deadline) return 'ledger';
    return done(item, 'rectified') ? 'closed' : 'rectified';
  }
  if (!done(item, 'verified')) return item.assignee ? 'verified' : 'assigned';
  return done(item, 'rectified') ? 'closed' : 'rectified';
}

/** What the admin typed for one step. Text is trimmed before it is checked. */
export interface StepInput {
  itemId: string;
  action: StepAction;
  note?: string | undefined;
  assignee?: string | undefined;
  closedWith?: ClosedWith | undefined;
  problem?: string | undefined;
  cause?: string | undefined;
  workOrder?: string | undefined;
  deadline?: string | undefined;
}

type Payload = PayloadInput<'rectification.recorded'>;

const NOTE_REQUIRED: Partial<Record<StepAction, (kind: ItemKind) => Bilingual>> = {
  verified: () => ({ zh: '请填写核实情况', en: 'describe what the verification found' }),
  rectified: (kind) => (kind === 'not-done' ? { zh: '请填写解决情况', en: 'describe how the problem was resolved' } : { zh: '请填写整改措施', en: 'describe the rectification measures' }),
  reopened: () => ({ zh: '请填写重新打开的原因', en: 'give the reason for reopening' }),
};

const CLOSE_NOTE: Record<ClosedWith, Bilingual> = {
  feedback: { zh: '请填写回访情况（群众的反馈）', en: "record the citizen's feedback from the follow-up" },
  explanation: { zh: '请填写向群众所作的解释说明', en: 'write the explanation given to the citizen' },
};

const LEDGER_FIELDS = [
  { key: 'problem', label: { zh: '问题', en: 'problem' }, max: TEXT_MAX },
  { key: 'cause', label: { zh: '原因', en: 'cause' }, max: TEXT_MAX },
  { key: 'workOrder', label: { zh: '工单号', en: 'work order' }, max: WORK_ORDER_MAX },
  { key: 'deadline', label: { zh: '办理期限', en: 'deadline' }, max: 10 },
] as const;

const refused = (problems: Bilingual[]): { ok: false; message: Bilingual } => ({
  ok: false,
  message: { zh: `未保存：${problems.map((p) => p.zh).join('；')}`, en: `Not saved: ${problems.map((p) => p.en).join('; ')}` },
});

const tooLong = (label: Bilingual, max: number): Bilingual => ({ zh: `${label.zh}最多 ${max} 个字`, en: `the ${label.en} must have at most ${max} characters` });

/**
 * Check one step against the item as this terminal knows it; the payload to author when it
 * passes, every problem in both languages when it does not.
 */
export function checkStep(s: HallState, input: StepInput): Checked<Payload> {
  const item = s.rectifications.get(input.itemId);
  if (!item) return refused([{ zh: '找不到该事项', en: 'no such item' }]);
  const can = availability(item, input.action);
  if (!can.ok) return refused([can.message]);

  const problems: Bilingual[] = [];
  const note = (input.note ?? '').trim();
  if (note.length > NOTE_MAX) problems.push(tooLong({ zh: '说明', en: 'note' }, NOTE_MAX));
  const payload: Payload = { itemId: item.id, action: input.action, note };

  switch (input.action) {
    case 'assigned': {
      const who = (input.assignee ?? '').trim();
      if (!who) problems.push({ zh: '请选择或填写负责人', en: 'choose or type who is responsible' });
      else if (who.length > ASSIGNEE_MAX) problems.push(tooLong({ zh: '负责人', en: 'assignee' }, ASSIGNEE_MAX));
      else if (who === item.assignee && !note) problems.push({ zh: `已指派给${assigneeName(s, who)}`, en: `it is already assigned to ${assigneeName(s, who)}` });
      payload.assignee = who;
      break;
    }
    case 'verified':
    case 'rectified':
    case 'reopened':
      if (!note) problems.push(NOTE_REQUIRED[input.action]!(item.kind));
      break;
    case 'closed': {
      const how = input.closedWith;
      if (how !== 'feedback' && how !== 'explanation') {
        problems.push({ zh: '请选择办结方式：回访反馈或解释说明', en: 'choose how it is closed: feedback or explanation' });
        if (!note) problems.push({ zh: '请填写办结说明', en: 'write a closing note' });
        break;
      }
      payload.closedWith = how;
      if (!note) problems.push(CLOSE_NOTE[how]);
      // R8: every bad rating is verified, and rectified unless the complaint was not justified.
      if (item.kind === 'bad-rating') {
        if (!done(item, 'verified')) problems.push({ zh: '办结前须先记录核实情况', en: 'record the verification before closing' });
        else if (how === 'feedback' && !done(item, 'rectified')) {
          problems.push({ zh: '回访办结前须先记录整改措施；诉求不合理的，请选择“解释说明”', en: 'record the rectification before closing with feedback; if the complaint was not justified, close with an explanation' });
        }
      } else {
        // R18: the ledger states the problem and its cause before the result is checked.
        const missing = [!item.problem ? { zh: '问题', en: 'problem' } : null, !item.cause ? { zh: '原因', en: 'cause' } : null].filter((x) => x !== null);
        if (missing.length) problems.push({ zh: `结果核查前须先在台账中填写${missing.map((m) => m.zh).join('和')}`, en: `fill in the ${missing.map((m) => m.en).join(' and ')} in the ledger before the result check` });
        else if (how === 'feedback' && !done(item, 'rectified')) {
          problems.push({ zh: '回访核查前须先记录解决情况；诉求不合理的，请选择“解释说明”', en: 'record the resolution before closing with feedback; if the request was not justified, close with an explanation' });
        }
      }
      break;
    }
    case 'ledger': {
      let changed = 0;
      for (const f of LEDGER_FIELDS) {
        const raw = input[f.key];
        if (raw === undefined) continue;
        const value = raw.trim();
        const before = item[f.key] ?? '';
        if (value === before) continue;
        if (!value) {
          problems.push({ zh: `${f.label.zh}不能清空（历史记录会保留，可改写）`, en: `the ${f.label.en} cannot be emptied (the history is kept; rewrite it instead)` });
          continue;
        }
        if (value.length > f.max && f.key !== 'deadline') {
          problems.push(tooLong(f.label, f.max));
          continue;
        }
        if (f.key === 'deadline') {
          if (!isValidDate(value)) {
            problems.push({ zh: '办理期限应为真实日期（YYYY-MM-DD）', en: 'the deadline must be a calendar date (YYYY-MM-DD)' });
            continue;
          }
          const opened = localDate(item.openedAt, s.config.schedule.timeZone);
          if (value < opened) {
            problems.push({ zh: `办理期限不能早于登记日 ${opened}`, en: `the deadline cannot be before the day it was logged (${opened})` });
            continue;
          }
        }
        payload[f.key] = value;
        changed++;
      }
      if (changed === 0 && problems.length === 0) problems.push({ zh: '台账没有改动', en: 'nothing in the ledger changed' });
      break;
    }
  }
  if (problems.length) return refused(problems);
  return { ok: true, value: payload };
}

// --- the ledger as a file (R18) -----------------------------------------------------------------

const CSV_HEAD: Bilingual[] = [
  { zh: '日期', en: 'Date' },
  { zh: '号码', en: 'Ticket' },
  { zh: '业务', en: 'Service' },
  { zh: '窗口', en: 'Window' },
  { zh: '工作人员', en: 'Staff' },
  { zh: '问题', en: 'Problem' },
  { zh: '原因', en: 'Cause' },
  { zh: '工单号', en: 'Work order' },
  { zh: '办理期限', en: 'Deadline' },
  { zh: '状态', en: 'Status' },
  { zh: '结果核查', en: 'Result check' },
  { zh: '核查说明', en: 'Check note' },
  { zh: '核查时间', en: 'Checked at' },
  { zh: '是否逾期', en: 'Overdue' },
];

/** One CSV cell: quoted when needed; a leading = + - @ is defused so a spreadsheet does not run it. */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const both = (b: Bilingual) => (b.zh === b.en ? b.zh : `${b.zh} ${b.en}`);

/** The R18 ledger as CSV: UTF-8 with a BOM (so Excel reads the Chinese), a bilingual header. */
export function ledgerCsv(s: HallState, now: number): string {
  const tz = s.config.schedule.timeZone;
  const items = [...s.rectifications.values()].filter((i) => i.kind === 'not-done').sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id));
  const rows = items.map((i) => {
    const close = [...i.steps].reverse().find((x) => x.action === 'closed');
    const closed = i.status === 'closed';
    const t = timing(i, now, tz);
    return [
      localDate(i.openedAt, tz),
      i.number,
      serviceName(s, i.serviceId).zh,
      s.config.windows.get(i.windowId)?.label ?? i.windowId,
      staffName(s, i.staffId),
      i.problem ?? '',
      i.cause ?? '',
      i.workOrder ?? '',
      i.deadline ?? '',
      both(statusLabel(i)),
      closed && i.closedWith ? both(closedWithLabel(i.kind, i.closedWith)) : '',
      closed && close ? close.note : '',
      closed && i.closedAt !== undefined ? `${localDate(i.closedAt, tz)} ${hhmm(i.closedAt, tz)}` : '',
      t.kind === 'overdue' || (t.kind === 'closed' && t.late) ? '是 Yes' : '否 No',
    ];
  });
  const lines = [CSV_HEAD.map((h) => `${h.zh} ${h.en}`), ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export function ledgerFileName(s: HallState, now: number): string {
  return `not-done-ledger-${localDate(now, s.config.schedule.timeZone)}.csv`;
}
