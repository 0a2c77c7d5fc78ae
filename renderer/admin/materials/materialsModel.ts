/**
 * The materials tab's words and figures (issue 8): a ticket's row (service, window, staff,
 * status from the hall's configuration and fold), page counts, the upload state from the
 * server's `missing`, each page's slot (a file to show, or one not uploaded yet), the PDF's
 * file name, and what to say when the server cannot be asked. Pure: data in, data out.
 */
import type { Bilingual } from '../../../shared/config/text';
import type { HallState, TicketStatus } from '../../../shared/fold/state';
import { addDays, isValidDate } from '../../../shared/schedule/zone';
import { statusText } from '../../counter/windowView';
import { clockAt } from '../reports/reportFormat';
import { serviceName, staffName } from '../rectify/rectifyModel';
import type { Failure, ListedMaterial, ListedTicket, MaterialsAnswer } from './materialsApi';

export const NONE = '—';

// --- counts and states ----------------------------------------------------------------------

export function pagesText(n: number): Bilingual {
  return { zh: `${n} 页`, en: n === 1 ? '1 page' : `${n} pages` };
}

export function materialsText(n: number): Bilingual {
  return { zh: `${n} 份材料`, en: n === 1 ? '1 material' : `${n} materials` };
}

/** Files of a material the server does not hold yet (pages and the PDF, each once). */
export function missingCount(m: Pick<ListedMaterial, 'missing'>): number {
  return new Set(m.missing).size;
}

/** Files of a ticket the server does not hold yet (a file shared by two materials counts once). */
export function ticketMissing(t: Pick<ListedTicket, 'materials'>): number {
  return new Set(t.materials.flatMap((m) => m.missing)).size;
}

export function ticketPages(t: Pick<ListedTicket, 'materials'>): number {
  return t.materials.reduce((n, m) => n + m.pages, 0);
}

/** "已上传 / uploaded", or how many files the counter still has to send. */
export function uploadText(missing: number): Bilingual {
  if (missing <= 0) return { zh: '已上传', en: 'uploaded' };
  return { zh: `${missing} 个文件待上传`, en: missing === 1 ? '1 file still uploading' : `${missing} files still uploading` };
}

export const NOT_UPLOADED: Bilingual = { zh: '尚未上传', en: 'not uploaded yet' };

// --- names ------------------------------------------------------------------------------------

/**
 * A material's name in both languages: the clerk attaches the service guide's Chinese name, so
 * the guide gives its English; a name typed in at the counter stays as typed.
 */
export function materialName(state: HallState, serviceId: string, name: string): Bilingual {
  const guide = state.config.services.get(serviceId)?.guide?.materials ?? [];
  const found = guide.find((g) => g.zh === name || g.en === name);
  if (found) return found;
  // Another service's guide may name it (a ticket transferred after the capture).
  for (const s of state.config.services.values()) {
    const g = s.guide?.materials.find((x) => x.zh === name);
    if (g) return g;
  }
  return { zh: name, en: name };
}

export function windowShort(state: HallState, windowId: string | undefined): string {
  if (!windowId) return NONE;
  return state.config.windows.get(windowId)?.label ?? windowId;
}

export function windowText(state: HallState, windowId: string): Bilingual {
  const label = windowShort(state, windowId);
  return { zh: `${label} 号窗口`, en: `window ${label}` };
}

/** What the list shows of a ticket. */
export interface TicketRow {
  ticketId: string;
  number: string;
  service: Bilingual;
  window: string;
  staff: string;
  status: Bilingual;
  materials: Array<{ id: string; name: Bilingual; pages: number; missing: number }>;
  pages: number;
  missing: number;
}

export function ticketRow(state: HallState, t: ListedTicket): TicketRow {
  // The server's answer has no staff: the admin's own fold knows who served the ticket.
  const staffId = t.staffId ?? state.tickets.get(t.ticketId)?.staffId;
  return {
    ticketId: t.ticketId,
    number: t.number,
    service: serviceName(state, t.serviceId),
    window: windowShort(state, t.windowId),
    staff: staffId ? staffName(state, staffId) : NONE,
    status: statusText(t.status as TicketStatus),
    materials: t.materials.map((m) => ({ id: m.id, name: materialName(state, t.serviceId, m.name), pages: m.pages, missing: missingCount(m) })),
    pages: ticketPages(t),
    missing: ticketMissing(t),
  };
}

export interface DaySummary {
  tickets: number;
  materials: number;
  pages: number;
  missing: number;
}

export function daySummary(a: MaterialsAnswer): DaySummary {
  return {
    tickets: a.tickets.length,
    materials: a.tickets.reduce((n, t) => n + t.materials.length, 0),
    pages: a.tickets.reduce((n, t) => n + ticketPages(t), 0),
    missing: new Set(a.tickets.flatMap((t) => t.materials.flatMap((m) => m.missing))).size,
  };
}

export function summaryText(s: DaySummary): Bilingual {
  const tickets: Bilingual = { zh: `${s.tickets} 个号`, en: s.tickets === 1 ? '1 ticket' : `${s.tickets} tickets` };
  const m = materialsText(s.materials);
  const p = pagesText(s.pages);
  const up = s.missing > 0 ? uploadText(s.missing) : null;
  return {
    zh: [tickets.zh, m.zh, p.zh, ...(up ? [up.zh] : [])].join(' · '),
    en: [tickets.en, m.en, p.en, ...(up ? [up.en] : [])].join(' · '),
  };
}

/** What the hall's own log says about the day's materials: a change means ask the server again. */
export function localMaterialsKey(state: HallState, day: string): string {
  const ids: string[] = [];
  for (const t of state.tickets.values()) {
    if (t.day !== day || !t.materials) continue;
    // Each attachment is an event of its own: a material re-captured or removed changes the list.
    for (const m of t.materials) ids.push(m.eventId);
  }
  return ids.sort().join(',');
}

// --- pages and files ------------------------------------------------------------------------

export interface PageSlot {
  /** 0-based. */
  index: number;
  sha256: string;
  /** The server does not hold the file yet. */
  missing: boolean;
}

export function pageSlots(m: Pick<ListedMaterial, 'hashes' | 'missing'>): PageSlot[] {
  const missing = new Set(m.missing);
  return m.hashes.map((sha256, index) => ({ index, sha256, missing: missing.has(sha256) }));
}

/** The page files of a ticket the server holds, in the order they are shown (what to fetch). */
export function wantedPages(t: Pick<ListedTicket, 'materials'>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const m of t.materials) {
    for (const slot of pageSlots(m)) {
      if (slot.missing || seen.has(slot.sha256)) continue;
      seen.add(slot.sha256);
      out.push(slot.sha256);
    }
  }
  return out;
}

export type PdfState = 'none' | 'missing' | 'ready';

export function pdfState(m: Pick<ListedMaterial, 'pdf' | 'missing'>): PdfState {
  if (!m.pdf) return 'none';
  return m.missing.includes(m.pdf) ? 'missing' : 'ready';
}

/** Characters no file system takes in a name, and control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g;

/** `<number>-<material name>.pdf`, safe as a file name on Windows and Linux. */
export function pdfFileName(number: string, name: string): string {
  const clean = (s: string) =>
    s
      .replace(UNSAFE, '_')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^\.+|\.+$/g, '');
  const n = clean(number) || 'ticket';
  const m = clean(name).slice(0, 80) || 'material';
  return `${n}-${m}.pdf`;
}

// --- days -------------------------------------------------------------------------------------

/** The day after stepping, never past today; an invalid day goes back to today. */
export function stepDay(day: string, n: number, today: string): string {
  if (!isValidDate(day)) return today;
  const next = addDays(day, n);
  return next > today ? today : next;
}

export function dayProblem(day: string, today: string): Bilingual | null {
  if (!isValidDate(day)) return { zh: '请选择一个有效日期', en: 'Choose a valid date' };
  if (day > today) return { zh: '所选日期还没到', en: 'That day has not come yet' };
  return null;
}

// --- the server's answers ---------------------------------------------------------------------

export function failureText(f: Failure): Bilingual {
  switch (f.kind) {
    case 'unreachable':
      return { zh: `无法连接服务器（${f.detail}）`, en: `Cannot reach the server (${f.detail})` };
    case 'refused':
      if (f.status === 401 || f.status === 403) return { zh: `服务器拒绝：本机无权查看收件材料（${f.message.zh}）`, en: `Refused: this terminal may not read the materials (${f.message.en})` };
      if (f.status === 404) return { zh: `服务器上没有这个文件（${f.message.zh}）`, en: `The server does not have this file (${f.message.en})` };
      return { zh: `服务器拒绝：${f.message.zh}`, en: `Refused by the server: ${f.message.en}` };
    case 'invalid':
      return { zh: `服务器的回答无法识别（${f.detail}）`, en: `The server's answer was not understood (${f.detail})` };
  }
}

/** Over a list kept from an earlier answer when the newest request failed. */
export function keptNote(loadedAt: number, timeZone: string, today: string): Bilingual {
  const at = clockAt(loadedAt, timeZone, today);
  return { zh: `下面是 ${at} 取得的结果`, en: `Below is the list as of ${at}` };
}

export function loadedAtText(loadedAt: number, timeZone: string, today: string): Bilingual {
  const at = clockAt(loadedAt, timeZone, today);
  return { zh: `更新于 ${at}`, en: `Updated ${at}` };
}
