/**
 * What the kiosk shows about each service before anyone taps: its category tab, whether a
 * walk-in can take a ticket right now (R5: 仅限预约 / 暂停取号 on the tile, with when to come
 * back), how many are waiting, and which windows serve it.
 */
import { windowsServing, windowsText as sharedWindowsText } from '../../shared/config/guide';
import type { Service } from '../../shared/config/schemas';
import type { Bilingual } from '../../shared/config/text';
import type { HallState } from '../../shared/fold/state';
import { availability, type Availability } from '../../shared/schedule/availability';
import { localDate, zonedParts } from '../../shared/schedule/zone';

/** What a walk-in citizen can do with the service now. */
export type TileStatus = 'open' | 'appointment-only' | 'cut-off' | 'closed' | 'quota-reached';

export interface ServiceTile {
  service: Service;
  availability: Availability;
  status: TileStatus;
  /** Tickets waiting for it today. */
  waiting: number;
}

export interface Category {
  id: string;
  name: Bilingual;
}

export const ALL_CATEGORIES = 'all';

export function tileStatus(av: Availability): TileStatus {
  if (av.reason === 'quota-reached') return 'quota-reached';
  if (av.state === 'open') return 'open';
  if (av.state === 'appointment-only') return av.reason === 'cut-off' ? 'cut-off' : 'appointment-only';
  return 'closed';
}

/** Every service in configuration order, with its availability for a walk-in now. */
export function serviceTiles(s: HallState, now: number): ServiceTile[] {
  const day = localDate(now, s.config.schedule.timeZone);
  const out: ServiceTile[] = [];
  for (const service of s.config.services.values()) {
    const st = s.stats.get(`${day}|${service.id}`);
    const issuedToday = st ? st.issued - st.voided : 0;
    const av = availability(s.config.schedule, service.schedule, now, issuedToday);
    out.push({ service, availability: av, status: tileStatus(av), waiting: s.waiting.get(`${day}|${service.id}`)?.size ?? 0 });
  }
  return out;
}

/** The category tabs, in the order their first service appears. */
export function categories(services: Iterable<Service>): Category[] {
  const seen = new Map<string, Category>();
  for (const sv of services) {
    if (!seen.has(sv.category)) seen.set(sv.category, { id: sv.category, name: sv.categoryName ?? { zh: sv.category, en: sv.category } });
  }
  return [...seen.values()];
}

const pad = (n: number) => String(n).padStart(2, '0');

function when(at: number, today: string, tz: string): Bilingual {
  const p = zonedParts(at, tz);
  const hm = `${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}`;
  if (p.date === today) return { zh: hm, en: hm };
  const [, m, d] = p.date.split('-').map(Number) as [number, number, number];
  return { zh: `${m}月${d}日 ${hm}`, en: `${d}/${m} ${hm}` };
}

/** The tile's sign when a walk-in cannot take a ticket now (undefined when it can). */
export function tileBadge(tile: ServiceTile, tz: string): { label: Bilingual; back?: Bilingual } | undefined {
  const av = tile.availability;
  const back = av.nextOpen ? when(av.nextOpen.at, av.date, tz) : undefined;
  const backText = back ? { zh: `${back.zh} 起可取号`, en: `From ${back.en}` } : undefined;
  switch (tile.status) {
    case 'open':
      return undefined;
    case 'appointment-only':
      return { label: { zh: '仅限预约', en: 'Appointments only' }, ...(av.reason === 'appointment-period' && backText ? { back: backText } : {}) };
    case 'cut-off':
      return { label: { zh: '今日已停止取号', en: 'No more tickets today' }, ...(backText ? { back: backText } : {}) };
    case 'quota-reached':
      return { label: { zh: '今日号已取完', en: 'All taken today' }, ...(backText ? { back: backText } : {}) };
    case 'closed':
      return { label: { zh: '暂停取号', en: 'Not available now' }, ...(backText ? { back: backText } : {}) };
  }
}

/** Labels of the windows that serve the service, in window order ("1", "3", "6"). */
/**
 * The windows serving a service, for the confirm screen, the ticket and the guide alike: one
 * function (shared/config/guide.ts), so the 户籍 guide never lists other windows than the
 * confirm screen (issue 17).
 */
export function windowLabels(s: HallState, serviceId: string): string[] {
  return windowsServing(s.config.windows.values(), serviceId);
}

/** "1、3、6号窗口" / "Windows 1, 3, 6" for the screen (the guide's wording too). */
export const windowsText = sharedWindowsText;

/** The same on one printed line (TicketPrint.windowHint: at most 60 characters). */
export function windowHintLine(labels: string[]): string | undefined {
  for (let n = labels.length; n > 0; n--) {
    const shown = labels.slice(0, n);
    const more = n < labels.length ? '…' : '';
    const line = `${shown.join('、')}${more}号窗口 / Window ${shown.join(',')}${more}`;
    if (line.length <= 60) return line;
  }
  return undefined;
}
