/**
 * Finding a service by typing on the kiosk's letter keypad: the Chinese name, the English name,
 * or the pinyin initials of the Chinese name (不动产登记 -> BDCDJ, so "bdc" finds it).
 *
 * Pinyin initials come from the browser's own Chinese collation (ICU sorts zh-CN by pinyin):
 * a character's initial is the last of these boundary characters that sorts before it. No
 * dictionary to ship, and it covers every common character.
 */
import type { Service } from '../../shared/config/schemas';

/** The first character (in pinyin order) of each initial; no syllable starts with I, U or V. */
const BOUNDARIES = '阿八嚓哒妸发旮哈讥咔垃痳拏噢妑七呥扨它穵夕丫帀';
const LETTERS = 'ABCDEFGHJKLMNOPQRSTWXYZ';
const HAN = /\p{Script=Han}/u;

let collator: Intl.Collator | undefined;

/** The pinyin initial of one Han character ('' if the collation cannot place it). */
export function pinyinInitial(ch: string): string {
  collator ??= new Intl.Collator('zh-CN');
  let initial = '';
  for (let i = 0; i < BOUNDARIES.length; i++) {
    if (collator.compare(ch, BOUNDARIES[i]!) >= 0) initial = LETTERS[i]!;
    else break;
  }
  return initial;
}

/** "不动产登记" -> "BDCDJ"; Latin letters and digits are kept (upper-cased), the rest dropped. */
export function pinyinInitials(text: string): string {
  let out = '';
  for (const ch of text) {
    if (HAN.test(ch)) out += pinyinInitial(ch);
    else if (/[A-Za-z0-9]/.test(ch)) out += ch.toUpperCase();
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
  if (v === undefined) initialsCache.set(service, (v = pinyinInitials(service.name.zh)));
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
