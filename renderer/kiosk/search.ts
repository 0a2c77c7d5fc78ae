/**
 * Finding a service by typing on the kiosk's letter keypad: the Chinese name, the English name,
 * or the pinyin initials of the Chinese name (不动产登记 -> BDCDJ, so "bdc" finds it).
 *
 * Pinyin comes from pinyin-pro, which reads a character in its word: 银行 is yin hang (YH) and
 * 行政 xing zheng (XZ), 重庆 CQ, 长春 CC, 西藏 XZ. (The browser's Chinese collation, used
 * before, knows one reading per character, so every polyphone got one wrong initial.)
 * Its dictionary is about 460 KB minified (145 KB gzipped), so it is its own chunk, loaded
 * after the first frame (`pinyinReady`): a tap never waits for it, and until it is there a
 * search finds names in Chinese and English only.
 */
import type * as PinyinPro from 'pinyin-pro';
import type { Service } from '../../shared/config/schemas';

type PinyinLib = typeof PinyinPro;
let lib: PinyinLib | undefined;

/** Resolves when the pinyin dictionary is loaded (it starts loading when this module does). */
export const pinyinReady: Promise<void> = import('pinyin-pro').then(
  (m) => {
    lib = m;
  },
  (err: unknown) => console.warn('hallq kiosk: the pinyin dictionary did not load; search by name only', err),
);

const LATIN_OR_DIGIT = /^[A-Za-z0-9]$/;

/** The pinyin initial of one Han character alone (its most common reading); '' if none (yet). */
export function pinyinInitial(ch: string): string {
  if (!lib) return '';
  const [first] = lib.pinyin(ch, { pattern: 'first', toneType: 'none', type: 'array' });
  return first !== undefined && /^[a-z]$/.test(first) && first !== ch ? first.toUpperCase() : '';
}

/**
 * "不动产登记" -> "BDCDJ", each character read in its word (银行 -> YH); Latin letters and
 * digits are kept (upper-cased), the rest dropped. Before the dictionary is loaded: the Latin
 * letters and digits only.
 */
export function pinyinInitials(text: string): string {
  const parts = lib ? lib.pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'spaced' }) : [...text];
  let out = '';
  for (const part of parts) {
    if (LATIN_OR_DIGIT.test(part)) out += part.toUpperCase();
  }
  return out;
}

/** "Real estate registration" -> "RER". */
export function wordInitials(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

const initialsCache = new WeakMap<Service, string>();

function initialsOf(service: Service): string {
  let v = initialsCache.get(service);
  if (v === undefined) {
    v = pinyinInitials(service.name.zh);
    if (lib) initialsCache.set(service, v);
  }
  return v;
}

/** Does the service match what was typed? An empty query matches everything. */
export function matchesService(service: Service, query: string): boolean {
  const q = query.trim().toLowerCase().replace(/\s+/g, ' ');
  if (q === '') return true;
  if (service.name.zh.includes(q)) return true;
  if (service.name.en.toLowerCase().includes(q)) return true;
  if (service.categoryName && (service.categoryName.zh.includes(q) || service.categoryName.en.toLowerCase().includes(q))) return true;
  const letters = q.replace(/[^a-z0-9]/g, '').toUpperCase();
  if (letters === '') return false;
  // One letter finds names starting with it; more letters may sit anywhere (DJ: 不动产登记).
  const hit = (initials: string) => (letters.length === 1 ? initials.startsWith(letters) : initials.includes(letters));
  return hit(initialsOf(service)) || hit(wordInitials(service.name.en));
}
