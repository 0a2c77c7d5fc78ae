/**
 * What the counter derives from the hall state for its window: the ticket it holds, today's
 * counts, what the LED strip above the window shows, and the sentences for refusals. Pure, so
 * the rules are tested without a browser.
 */
import type { PriorityClass, PriorityReason } from '../../shared/config/schemas';
import type { Bilingual } from '../../shared/config/text';
import type { CallConflict, HallState, TicketState } from '../../shared/fold/state';
import type { ManualCallCheck } from '../../shared/queue/select';
import { dayFigures } from '../../shared/figures/dayFigures';
import { localDate } from '../../shared/schedule/zone';

/** The ticket this window is calling or serving, if any. */
export function heldTicket(s: HallState, windowId: string): TicketState | undefined {
  const id = s.windows.get(windowId)?.currentTicketId;
  const t = id ? s.tickets.get(id) : undefined;
  if (!t || t.windowId !== windowId || (t.status !== 'called' && t.status !== 'serving')) return undefined;
  return t;
}

/** The window's label as people say it: "3" -> 3 号窗口 / window 3. */
export function windowLabel(s: HallState, windowId: string): string {
  return s.config.windows.get(windowId)?.label ?? windowId;
}

export function windowTitle(s: HallState, windowId: string): Bilingual {
  const label = windowLabel(s, windowId);
  return { zh: `${label} 号窗口`, en: `Window ${label}` };
}

export interface WindowCounts {
  /** Calls this window made today (lost conflicts not counted): the clerk's own work. */
  called: number;
  /** Today's tickets that ended at this window finished as done (今日已办; not-done is not served). */
  served: number;
  /** Today's tickets that ended at this window still a no-show. */
  noShow: number;
  /** Today's tickets that ended at this window finished not done (R18). */
  notDone: number;
  /** Transfers this window made today. */
  transferred: number;
}

/**
 * Today's counts at this window. served, noShow and notDone are the day report's figures for
 * this window (shared/figures: a ticket counts under the window it ended with, by its state
 * now), so the counter, the live view and the report agree; called and transferred are the
 * window's own steps.
 */
export function todayCounts(s: HallState, windowId: string, now: number): WindowCounts {
  const day = localDate(now, s.config.schedule.timeZone);
  const f = dayFigures(s, day, { windowId });
  const c: WindowCounts = { called: 0, served: f.served, noShow: f.noShow, notDone: f.notDone, transferred: 0 };
  for (const t of s.tickets.values()) {
    if (t.day !== day) continue;
    for (const st of t.history) {
      if (st.windowId !== windowId || st.ignored !== undefined) continue;
      if (st.type === 'ticket.called') c.called += 1;
      else if (st.type === 'ticket.transferred') c.transferred += 1;
    }
  }
  return c;
}

/** The LED strip's sentence for a call (Chinese only: the strip shows GB2312 text). */
export function callLedText(number: string, label: string): string {
  return `请${number}到${label}号窗口`.slice(0, 64);
}

/**
 * What the strip above the window shows now (R3, R10): the call while the citizen walks over,
 * the number being served, 暂停服务 while paused, nothing while closed.
 */
export function ledText(s: HallState, windowId: string): string {
  const w = s.windows.get(windowId);
  const label = windowLabel(s, windowId);
  if (!w || w.state === 'closed') return '';
  if (w.state === 'paused') return '暂停服务';
  const t = heldTicket(s, windowId);
  if (t?.status === 'called') return callLedText(t.number, label);
  if (t?.status === 'serving') return `${t.number}正在办理`;
  return `${label}号窗口`;
}

export function conflictMessage(s: HallState, c: CallConflict): Bilingual {
  const label = windowLabel(s, c.wonBy);
  if (c.reason === 'started') {
    // Issue 17: the citizen sat down at the other window and is being served there.
    return { zh: `${c.number} 已在 ${label} 号窗口办理，本窗口的呼叫未生效，请叫下一位。`, en: `${c.number} is being served at window ${label}. This window's call did not count: please call the next one.` };
  }
  return { zh: `${c.number} 已由 ${label} 号窗口叫号，本窗口的呼叫未生效，请叫下一位。`, en: `${c.number} was called by window ${label} first. This window's call did not count: please call the next one.` };
}

export function manualCallMessage(s: HallState, number: string, check: Extract<ManualCallCheck, { ok: false }>): Bilingual {
  const n = number.trim().toUpperCase();
  switch (check.reason) {
    case 'unknown-number':
      return { zh: `今天没有 ${n} 号。`, en: `There is no ticket ${n} today.` };
    case 'other-window': {
      const to = check.ticket?.targetWindowId ? windowLabel(s, check.ticket.targetWindowId) : '?';
      return { zh: `${n} 已转到 ${to} 号窗口，本窗口不能叫。`, en: `${n} was transferred to window ${to}; this window cannot call it.` };
    }
    case 'grace-expired':
      return { zh: `${n} 过号已超过保留时间，请让群众重新取号。`, en: `${n} was missed too long ago; the citizen needs a new ticket.` };
    case 'not-waiting':
      return { zh: `${n} ${statusText(check.ticket?.status).zh}，不能叫号。`, en: `${n} is ${statusText(check.ticket?.status).en} and cannot be called.` };
  }
}

export function statusText(status: TicketState['status'] | undefined): Bilingual {
  switch (status) {
    case 'waiting':
      return { zh: '等候中', en: 'waiting' };
    case 'called':
      return { zh: '已呼叫', en: 'called' };
    case 'serving':
      return { zh: '办理中', en: 'being served' };
    case 'skipped':
      return { zh: '已过号', en: 'missed' };
    case 'finished':
      return { zh: '已办结', en: 'finished' };
    case 'cancelled':
      return { zh: '已取消', en: 'cancelled' };
    case 'voided':
      return { zh: '已作废', en: 'void' };
    default:
      return { zh: '状态未知', en: 'unknown' };
  }
}

export const PRIORITY_TEXT: Record<PriorityClass, Bilingual> = {
  green: { zh: '绿色通道', en: 'Green channel' },
  appointment: { zh: '预约', en: 'Appointment' },
  special: { zh: '优先', en: 'Priority' },
  normal: { zh: '普通', en: 'Normal' },
};

export const PRIORITY_REASON_TEXT: Record<PriorityReason, Bilingual> = {
  elderly: { zh: '老年人', en: 'senior' },
  soldier: { zh: '现役军人', en: 'soldier' },
  veteran: { zh: '退役军人', en: 'veteran' },
  disabled: { zh: '残疾人', en: 'disabled' },
  pregnant: { zh: '孕妇', en: 'pregnant' },
  'key-project': { zh: '重点项目', en: 'key project' },
  other: { zh: '其他', en: 'other' },
};

export function priorityText(t: Pick<TicketState, 'priority' | 'priorityReason'>): Bilingual {
  const base = PRIORITY_TEXT[t.priority];
  if (t.priority !== 'special' || !t.priorityReason) return base;
  const r = PRIORITY_REASON_TEXT[t.priorityReason];
  return { zh: `${base.zh}·${r.zh}`, en: `${base.en} (${r.en})` };
}

/** m:ss under an hour, h:mm:ss above: the timer next to the current ticket. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
