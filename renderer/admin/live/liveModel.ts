/**
 * The live view's numbers, from the folded hall state: who waits where and for how long, what
 * each window is doing, today's totals, and the alerts the leader on duty must act on.
 */
import type { Bilingual } from '../../../shared/config/text';
import { dayFiguresWithWindows } from '../../../shared/figures/dayFigures';
import type { HallState } from '../../../shared/fold/state';
import { currentTicketToday, windowStateToday } from '../../../shared/fold/today';
import { isOverdue } from '../../../shared/ratings/levels';
import { localDate } from '../../../shared/schedule/zone';
import { minutes } from '../../i18n/format';
import { offlineTerminals, type HealthResponse } from './health';
import { deviceAlerts } from './deviceFaults';

export interface ServiceLine {
  serviceId: string;
  name: Bilingual;
  waiting: number;
  /** Since the longest-waiting ticket was issued; null when nobody waits. */
  longestWaitMs: number | null;
  /** Tickets waiting longer than the service's alertWaitMinutes (else the policy's longWaitMinutes). */
  overLimit: number;
}

export interface WindowLine {
  windowId: string;
  label: string;
  name?: Bilingual;
  state: 'open' | 'paused' | 'closed';
  pauseReason?: string;
  /** How long it has been in this state. */
  forMs: number;
  staffId?: string;
  staffName?: string;
  currentNumber?: string;
  /** Today's tickets that ended at this window finished as done (shared/figures: not-done is not served). */
  servedToday: number;
  /** Today's tickets that ended at this window not done (R18). */
  notDoneToday: number;
}

/** Today's figures, by the one definition the counter and the reports use (shared/figures/definitions.ts). */
export interface Totals {
  /** Tickets that reached a citizen: voided ones (print failed) are not issued. */
  issued: number;
  /** Finished as done. */
  served: number;
  /** Finished not done (办不成事): not served. */
  notDone: number;
  needsMaterial: number;
  /** Still no-shows now. */
  noShow: number;
  cancelled: number;
  transferred: number;
  /** Print failed: never reached the citizen (apart from issued). */
  voided: number;
  rated: number;
  bad: number;
  waiting: number;
}

export type AlertKind = 'long-wait' | 'long-pause' | 'terminal-offline' | 'device-fault' | 'rectify-overdue';

export interface Alert {
  kind: AlertKind;
  /** Stable key (for lists and tests). */
  key: string;
  severity: 'warning' | 'critical';
  text: Bilingual;
  /** Where the leader handles it (a tab of the admin screen). */
  href?: string;
}

export interface LiveModel {
  today: string;
  services: ServiceLine[];
  windows: WindowLine[];
  totals: Totals;
  alerts: Alert[];
}

export function liveModel(s: HallState, now: number, health?: HealthResponse): LiveModel {
  const { config } = s;
  const today = localDate(now, config.schedule.timeZone);
  const longPauseMs = config.policy.longPauseMinutes * 60_000;
  const alerts: Alert[] = [];

  const services: ServiceLine[] = [];
  for (const svc of config.services.values()) {
    // A quick service may alert sooner than a long one: its own threshold, else the hall's.
    const limitMin = svc.alertWaitMinutes ?? config.policy.longWaitMinutes;
    const longWaitMs = limitMin * 60_000;
    let oldest: number | null = null;
    let overLimit = 0;
    const ids = s.waiting.get(`${today}|${svc.id}`) ?? new Set<string>();
    for (const id of ids) {
      const t = s.tickets.get(id);
      if (!t) continue;
      if (oldest === null || t.issuedAt < oldest) oldest = t.issuedAt;
      if (now - t.issuedAt > longWaitMs) overLimit++;
    }
    const line: ServiceLine = { serviceId: svc.id, name: svc.name, waiting: ids.size, longestWaitMs: oldest === null ? null : Math.max(0, now - oldest), overLimit };
    services.push(line);
    if (overLimit > 0 && line.longestWaitMs !== null) {
      const d = minutes(line.longestWaitMs);
      alerts.push({
        kind: 'long-wait',
        key: `long-wait:${svc.id}`,
        severity: 'warning',
        text: {
          zh: `${svc.name.zh}：${overLimit} 人等候超过 ${limitMin} 分钟（最长 ${d.zh}）`,
          en: `${svc.name.en}: ${overLimit} waiting over ${limitMin} min (longest ${d.en})`,
        },
      });
    }
  }

  const { hall: f, byWindow } = dayFiguresWithWindows(s, today);

  const windows: WindowLine[] = [];
  const ids = new Set([...config.windows.keys(), ...s.windows.keys()]);
  for (const id of ids) {
    const cfg = config.windows.get(id);
    const w = s.windows.get(id);
    // Issue 17: a window left open on a past day is closed today (shared/fold/today.ts).
    const state = windowStateToday(w, today, config.schedule.timeZone);
    const line: WindowLine = { windowId: id, label: cfg?.label ?? id, state, forMs: w && state !== 'closed' ? Math.max(0, now - w.since) : 0, servedToday: byWindow.get(id)?.served ?? 0, notDoneToday: byWindow.get(id)?.notDone ?? 0 };
    if (cfg?.name) line.name = cfg.name;
    if (w?.pauseReason && w.state === 'paused') line.pauseReason = w.pauseReason;
    if (w?.staffId && state !== 'closed') {
      line.staffId = w.staffId;
      const name = config.staff.get(w.staffId)?.name;
      if (name) line.staffName = name;
    }
    const cur = currentTicketToday(s, w, today);
    if (cur) line.currentNumber = cur.number;
    windows.push(line);
    if (line.state === 'paused' && line.forMs > longPauseMs) {
      const d = minutes(line.forMs);
      alerts.push({
        kind: 'long-pause',
        key: `long-pause:${id}`,
        severity: 'warning',
        text: {
          zh: `${line.label} 号窗口暂停服务已 ${d.zh}（${line.pauseReason ?? '未说明原因'}）`,
          en: `Window ${line.label} has been paused for ${d.en} (${line.pauseReason ?? 'no reason given'})`,
        },
      });
    }
  }
  windows.sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }));

  if (health) {
    for (const t of offlineTerminals(health)) {
      const seen = t.lastSeenAt === null ? { zh: '从未连接', en: 'never connected' } : { zh: `已 ${minutes(health.now - t.lastSeenAt).zh}未连接`, en: `not seen for ${minutes(health.now - t.lastSeenAt).en}` };
      alerts.push({ kind: 'terminal-offline', key: `terminal-offline:${t.id}`, severity: 'critical', text: { zh: `终端 ${t.id} 离线（${seen.zh}）`, en: `Terminal ${t.id} is offline (${seen.en})` } });
    }
  }

  // Device faults (critical) and warnings (paper near end), in plain words: deviceFaults.ts.
  alerts.push(...deviceAlerts(s, now));

  // R8: a bad rating not rectified within 7 days; R18: a ledger item past its deadline.
  let badOverdue = 0;
  let ledgerOverdue = 0;
  for (const item of s.rectifications.values()) {
    if (!isOverdue(item, now)) continue;
    if (item.kind === 'bad-rating') badOverdue++;
    else ledgerOverdue++;
  }
  if (badOverdue > 0) {
    alerts.push({
      kind: 'rectify-overdue',
      key: 'rectify-overdue:bad-rating',
      severity: 'warning',
      text: { zh: `${badOverdue} 条差评整改已逾期（超过 7 日）`, en: `${badOverdue} bad-rating ${badOverdue === 1 ? 'item' : 'items'} overdue (past 7 days)` },
      href: '#rectify',
    });
  }
  if (ledgerOverdue > 0) {
    alerts.push({
      kind: 'rectify-overdue',
      key: 'rectify-overdue:not-done',
      severity: 'warning',
      text: { zh: `${ledgerOverdue} 条“办不成事”台账事项已超过办理期限`, en: `${ledgerOverdue} not-done ledger ${ledgerOverdue === 1 ? 'item' : 'items'} past ${ledgerOverdue === 1 ? 'its' : 'their'} deadline` },
      href: '#ledger',
    });
  }

  // The day report's figures for today, from the tickets as they stand (not the fold's event
  // counters, which count a voided ticket as issued and a not-done finish as served).
  const totals: Totals = {
    issued: f.issued,
    served: f.served,
    notDone: f.notDone,
    needsMaterial: f.needsMaterial,
    noShow: f.noShow,
    cancelled: f.cancelled,
    transferred: f.transferred,
    voided: f.voided,
    rated: f.rated,
    bad: f.bad,
    waiting: services.reduce((n, l) => n + l.waiting, 0),
  };

  const order: Record<Alert['severity'], number> = { critical: 0, warning: 1 };
  alerts.sort((a, b) => order[a.severity] - order[b.severity]);
  return { today, services, windows, totals, alerts };
}
