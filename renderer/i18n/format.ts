/** Times and durations as people in the hall read them, in the hall's time zone. */
import type { Bilingual } from '../../shared/config/text';
import { zonedParts } from '../../shared/schedule/zone';

const pad = (n: number) => String(n).padStart(2, '0');

export function hhmm(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}`;
}

export function hhmmss(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  const s = Math.floor((((ms % 60_000) + 60_000) % 60_000) / 1000);
  return `${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}:${pad(s)}`;
}

const WEEKDAYS_ZH = ['日', '一', '二', '三', '四', '五', '六'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function dateLine(ms: number, timeZone: string): Bilingual {
  const p = zonedParts(ms, timeZone);
  const [y, m, d] = p.date.split('-').map(Number) as [number, number, number];
  const wd = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return { zh: `${y}年${m}月${d}日 星期${WEEKDAYS_ZH[wd]}`, en: `${WEEKDAYS_EN[wd]} ${d} ${MONTHS_EN[m - 1]} ${y}` };
}

/** "12 分钟" / "12 min"; under a minute reads as "不到 1 分钟" / "under 1 min". */
export function minutes(ms: number): Bilingual {
  const m = Math.round(ms / 60_000);
  if (m < 1) return { zh: '不到 1 分钟', en: 'under 1 min' };
  if (m < 120) return { zh: `${m} 分钟`, en: `${m} min` };
  const h = Math.floor(m / 60);
  return { zh: `${h} 小时 ${m % 60} 分钟`, en: `${h} h ${m % 60} min` };
}

/** How long ago, for "offline since". */
export function ago(ms: number): Bilingual {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return { zh: `${s} 秒前`, en: `${s} s ago` };
  const m = Math.round(s / 60);
  if (m < 120) return { zh: `${m} 分钟前`, en: `${m} min ago` };
  const h = Math.round(m / 60);
  return { zh: `${h} 小时前`, en: `${h} h ago` };
}
