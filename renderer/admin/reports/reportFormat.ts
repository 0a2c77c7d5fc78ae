/**
 * The report's figures as the reports tab shows them: numbers, minutes and rates as text, the
 * KPI cards, the groups table's columns and its sorting, the "as of" banner, and the server's
 * answers read into something a person can act on.
 */
import { refusal as plainRefusal, type Failure } from '../api/adminFetch';
import type { Bilingual } from '../../../shared/config/text';
import type { Channel, PriorityClass } from '../../../shared/config/schemas';
import type { Figures, GroupBy, ReportGroup } from '../../../shared/reports/report';
import { RATING_LABELS, type RatingLevel } from '../../../shared/ratings/levels';
import { satisfactionTone } from '../../../shared/reports/satisfaction';
import { localDate } from '../../../shared/schedule/zone';
import { hhmm } from '../../i18n/format';

/** "—" for a figure that has no sample (no one called, nothing rated). */
export const NONE = '—';

export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Minutes with at most one decimal: 12.5, 8, 0.3. */
export function fmtMinutes(m: number | null): string {
  if (m === null) return NONE;
  return String(Math.round(m * 10) / 10);
}

/** A fraction as a percentage with at most one decimal: 92.3%, 50%. */
export function fmtRate(r: number | null): string {
  if (r === null) return NONE;
  return `${Math.round(r * 1000) / 10}%`;
}

/** n of total as a percentage, for chart labels; "" when total is 0. */
export function share(n: number, total: number): string {
  return total > 0 ? fmtRate(n / total) : '';
}

export const CHANNEL_LABELS: Record<Channel, Bilingual> = {
  kiosk: { zh: '自助取号', en: 'Kiosk' },
  idcard: { zh: '刷身份证', en: 'ID card' },
  appointment: { zh: '预约', en: 'Appointment' },
  assisted: { zh: '协助取号', en: 'Assisted' },
};

export const PRIORITY_LABELS: Record<PriorityClass, Bilingual> = {
  green: { zh: '绿色通道', en: 'Green channel' },
  appointment: { zh: '预约优先', en: 'Appointment' },
  special: { zh: '特殊群体优先', en: 'Special groups' },
  normal: { zh: '普通', en: 'Normal' },
};

export const NOT_CALLED: Bilingual = { zh: '未叫号', en: 'Not called' };
export const TOTAL: Bilingual = { zh: '合计', en: 'Total' };

export type KpiTone = 'plain' | 'good' | 'warn' | 'bad';

export interface Kpi {
  key: string;
  label: Bilingual;
  /** What the card shows (a count, minutes or a percentage). */
  text: string;
  /** The raw figure for data-value: a count, minutes, a fraction; '' when there is none. */
  value: string;
  unit?: Bilingual;
  /** A line under the figure. */
  note?: Bilingual;
  tone: KpiTone;
}

const MIN: Bilingual = { zh: '分钟', en: 'min' };

/** The twelve cards: volumes first, then times, then ratings (R8). */
export function kpis(f: Figures, openDays: number): Kpi[] {
  const raw = (v: number | null) => (v === null ? '' : String(v));
  const perDay = openDays > 1 ? { zh: `日均 ${fmtMinutes(f.issued / openDays)}`, en: `${fmtMinutes(f.issued / openDays)} per open day` } : undefined;
  const servedShare = f.issued > 0 ? { zh: `占取号 ${share(f.served, f.issued)}`, en: `${share(f.served, f.issued)} of issued` } : undefined;
  const n = (key: string, label: Bilingual, v: number, note?: Bilingual, tone: KpiTone = 'plain'): Kpi => ({ key, label, text: fmtCount(v), value: String(v), tone, ...(note ? { note } : {}) });
  const m = (key: string, label: Bilingual, v: number | null, sample: number): Kpi => ({
    key,
    label,
    text: fmtMinutes(v),
    value: raw(v),
    unit: MIN,
    note: { zh: `样本 ${sample} 人`, en: `${sample} ${sample === 1 ? 'ticket' : 'tickets'}` },
    tone: 'plain',
  });
  return [
    n('issued', { zh: '取号', en: 'Issued' }, f.issued, perDay),
    n('served', { zh: '办结', en: 'Served' }, f.served, servedShare),
    n('notDone', { zh: '未办成', en: 'Not done' }, f.notDone, { zh: `另需补材料 ${f.needsMaterial}`, en: `+${f.needsMaterial} need material` }, f.notDone > 0 ? 'bad' : 'plain'),
    n('noShow', { zh: '过号', en: 'No-shows' }, f.noShow, f.unfinished > 0 ? { zh: `未完成 ${f.unfinished}`, en: `${f.unfinished} unfinished` } : undefined),
    n('transferred', { zh: '转办', en: 'Transferred' }, f.transferred),
    n('rated', { zh: '评价数', en: 'Rated' }, f.rated, f.served > 0 ? { zh: `参评率 ${share(f.rated, f.served)}`, en: `${share(f.rated, f.served)} of served` } : undefined),
    m('waitMedian', { zh: '等候中位数', en: 'Wait median' }, f.waitMedianMin, f.waited),
    m('waitP90', { zh: '等候 90% 不超过', en: 'Wait P90' }, f.waitP90Min, f.waited),
    m('serviceMedian', { zh: '办理中位数', en: 'Service median' }, f.serviceMedianMin, f.timed),
    m('serviceP90', { zh: '办理 90% 不超过', en: 'Service P90' }, f.serviceP90Min, f.timed),
    {
      key: 'satisfactionRate',
      label: { zh: '满意率', en: 'Satisfaction' },
      text: fmtRate(f.satisfactionRate),
      value: raw(f.satisfactionRate),
      note: { zh: `满意 ${f.satisfied} / 评价 ${f.rated}`, en: `${f.satisfied} of ${f.rated} rated` },
      tone: rateTone(f.satisfactionRate),
    },
    n('bad', { zh: '差评', en: 'Bad ratings' }, f.bad, { zh: '非常不满意 + 不满意', en: 'levels 1 and 2' }, f.bad > 0 ? 'bad' : 'plain'),
  ];
}

/** A satisfaction rate's colour: green when good, amber when fair, red below (0% is red); plain when nothing was rated. */
export function rateTone(rate: number | null): KpiTone {
  const t = satisfactionTone(rate);
  return t === 'none' ? 'plain' : t === 'fair' ? 'warn' : t;
}

// --- the groups table -------------------------------------------------------------------------

export type ColumnFormat = 'count' | 'minutes' | 'rate';

export interface GroupColumn {
  key: string;
  title: Bilingual;
  format: ColumnFormat;
  read: (f: Figures) => number | null;
  /** Shown only with "all columns". */
  extra?: boolean;
  /** A figure worse when higher (tinted when above zero). */
  alarm?: boolean;
  /** A rate coloured by its threshold (satisfaction). */
  toned?: boolean;
}

const c = (key: string, zh: string, en: string, read: (f: Figures) => number | null, more: Partial<GroupColumn> = {}): GroupColumn => ({
  key,
  title: { zh, en },
  format: 'count',
  read,
  ...more,
});

export const GROUP_COLUMNS: GroupColumn[] = [
  c('issued', '取号', 'Issued', (f) => f.issued),
  c('served', '办结', 'Served', (f) => f.served),
  c('notDone', '未办成', 'Not done', (f) => f.notDone, { alarm: true }),
  c('needsMaterial', '需补材料', 'Needs material', (f) => f.needsMaterial, { extra: true }),
  c('noShow', '过号', 'No-show', (f) => f.noShow),
  c('cancelled', '取消', 'Cancelled', (f) => f.cancelled, { extra: true }),
  c('unfinished', '未完成', 'Unfinished', (f) => f.unfinished, { extra: true }),
  c('transferred', '转办', 'Transferred', (f) => f.transferred),
  c('waitMedianMin', '等候中位数', 'Wait median', (f) => f.waitMedianMin, { format: 'minutes' }),
  c('waitP90Min', '等候 P90', 'Wait P90', (f) => f.waitP90Min, { format: 'minutes' }),
  c('serviceMedianMin', '办理中位数', 'Service median', (f) => f.serviceMedianMin, { format: 'minutes' }),
  c('serviceP90Min', '办理 P90', 'Service P90', (f) => f.serviceP90Min, { format: 'minutes' }),
  c('rated', '评价', 'Rated', (f) => f.rated),
  c('satisfactionRate', '满意率', 'Satisfaction', (f) => f.satisfactionRate, { format: 'rate', toned: true }),
  c('bad', '差评', 'Bad', (f) => f.bad, { alarm: true }),
  ...(['kiosk', 'idcard', 'appointment', 'assisted'] as const).map((ch) => c(`channel.${ch}`, CHANNEL_LABELS[ch].zh, CHANNEL_LABELS[ch].en, (f) => f.byChannel[ch], { extra: true })),
  ...(['green', 'appointment', 'special', 'normal'] as const).map((p) => c(`priority.${p}`, PRIORITY_LABELS[p].zh, PRIORITY_LABELS[p].en, (f) => f.byPriority[p], { extra: true })),
  c('waited', '已叫号', 'Called', (f) => f.waited, { extra: true }),
  c('timed', '已办理', 'Finished', (f) => f.timed, { extra: true }),
  c('satisfied', '满意', 'Satisfied', (f) => f.satisfied, { extra: true }),
  ...(['5', '4', '3', '2', '1'] as const).map((l) => c(`level.${l}`, RATING_LABELS[Number(l) as RatingLevel].zh, RATING_LABELS[Number(l) as RatingLevel].en, (f) => f.levels[l], { extra: true })),
];

export function fmtCell(col: GroupColumn, f: Figures): string {
  const v = col.read(f);
  if (col.format === 'rate') return fmtRate(v);
  if (col.format === 'minutes') return fmtMinutes(v);
  return v === null ? NONE : fmtCount(v);
}

/** What a group is called: its label, "not called" for tickets no window took, else its id. */
export function groupName(g: Pick<ReportGroup, 'key' | 'label'>): Bilingual {
  if (g.label) return g.label;
  if (g.key === null) return NOT_CALLED;
  return { zh: g.key, en: g.key };
}

/** data-group of a row: the group's id, "(none)" for tickets never called (never an id). */
export function groupAttr(key: string | null): string {
  return key ?? '(none)';
}

export type SortDir = 'asc' | 'desc';
export interface GroupSort {
  /** 'name' or a GROUP_COLUMNS key; null: the server's order. */
  column: string | null;
  dir: SortDir;
}

/**
 * The groups sorted by a column; groups without the figure (no wait sample, nothing rated) go
 * last either way, ties keep the server's order.
 */
export function sortGroups(groups: readonly ReportGroup[], sort: GroupSort, lang: 'zh' | 'en'): ReportGroup[] {
  const rows = groups.map((g, i) => ({ g, i }));
  if (sort.column === null) return groups.slice();
  const sign = sort.dir === 'asc' ? 1 : -1;
  if (sort.column === 'name') {
    const collator = new Intl.Collator(lang === 'zh' ? 'zh-CN' : 'en');
    return rows.sort((a, b) => sign * collator.compare(groupName(a.g)[lang], groupName(b.g)[lang]) || a.i - b.i).map((r) => r.g);
  }
  const col = GROUP_COLUMNS.find((x) => x.key === sort.column);
  if (!col) return groups.slice();
  return rows
    .sort((a, b) => {
      const x = col.read(a.g);
      const y = col.read(b.g);
      if (x === null || y === null) return x === y ? a.i - b.i : x === null ? 1 : -1;
      return sign * (x - y) || a.i - b.i;
    })
    .map((r) => r.g);
}

/** A click on a header: the same column flips the order; another starts high to low (names A-Z). */
export function nextSort(sort: GroupSort, column: string): GroupSort {
  if (sort.column === column) return { column, dir: sort.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: column === 'name' ? 'asc' : 'desc' };
}

export const GROUP_NAME_TITLE: Record<GroupBy, Bilingual> = {
  hall: { zh: '大厅', en: 'Hall' },
  service: { zh: '业务', en: 'Service' },
  window: { zh: '窗口', en: 'Window' },
  staff: { zh: '工作人员', en: 'Staff' },
};

// --- times, the stale banner ------------------------------------------------------------------

/** HH:MM in the hall's time zone, with the date in front when it is not `today`. */
export function clockAt(ms: number, timeZone: string, today: string): string {
  const day = localDate(ms, timeZone);
  return day === today ? hhmm(ms, timeZone) : `${day} ${hhmm(ms, timeZone)}`;
}

/** The banner over a report kept from an earlier answer while the server cannot be reached. */
export function staleNote(loadedAt: number, timeZone: string, today: string): Bilingual {
  const at = clockAt(loadedAt, timeZone, today);
  return { zh: `显示的是 ${at} 的结果（无法连接服务器）`, en: `Showing the report as of ${at} (server unreachable)` };
}

// --- the server's answers ---------------------------------------------------------------------

/** Why a request got no report. */
export type { Failure } from '../api/adminFetch';

/** A refusal's JSON ({ error, message, messageZh }) as a bilingual message; a refused token says this terminal may not read reports. */
export function refusal(status: number, body: unknown): Failure {
  return reportRefusal(plainRefusal(status, body));
}

export function reportRefusal(f: Failure): Failure {
  if (f.kind !== 'refused' || (f.status !== 401 && f.status !== 403)) return f;
  return { ...f, message: { zh: `本机无权查看报表（${f.message.zh}）`, en: `This terminal may not read reports (${f.message.en})` } };
}

export function failureText(f: Failure): Bilingual {
  switch (f.kind) {
    case 'unreachable':
      return { zh: `无法连接服务器（${f.detail}）`, en: `Cannot reach the server (${f.detail})` };
    case 'refused':
      return { zh: `服务器拒绝了请求：${f.message.zh}`, en: `The server refused: ${f.message.en}` };
    case 'invalid':
      return { zh: `服务器的回答无法识别（${f.detail}），请确认服务器与本机版本一致`, en: `The server's answer is not a report (${f.detail}); check the server and this terminal run the same version` };
  }
}

/** The file name a Content-Disposition header gives (filename* first), else the fallback. */
export function fileNameFrom(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return clean(decodeURIComponent(star[1]!.trim()), fallback);
    } catch {
      // fall through to the plain name
    }
  }
  const quoted = /filename\s*=\s*"([^"]*)"/.exec(disposition);
  if (quoted) return clean(quoted[1]!, fallback);
  const bare = /filename\s*=\s*([^;\s]+)/.exec(disposition);
  return bare ? clean(bare[1]!, fallback) : fallback;
}

function clean(name: string, fallback: string): string {
  const base = name.split(/[/\\]/).pop()!.trim();
  return base && base !== '.' && base !== '..' ? base : fallback;
}
