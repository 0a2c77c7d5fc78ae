/**
 * Masking of ID numbers and names for display (hall rule R21: public screens
 * and stored records never show a full ID number or full name).
 */

import { normaliseIdNumber } from './idNumber';

/**
 * Masks an ID number for display.
 *
 * - 18 characters: first 3 + 11 '*' + last 4 ('110***********1234').
 * - 15 characters (old foreigner card): first 3 + 8 '*' + last 4 (length stays 15).
 * - anything else: all '*' except the last 4; all '*' if 4 characters or fewer.
 *
 * The input is normalised first (trimmed, full-width folded, upper-case), so
 * '…x' and '…X' mask identically. Does not validate the number.
 */
export function maskIdNumber(n: string): string {
  const chars = Array.from(normaliseIdNumber(n));
  const len = chars.length;
  if (len === 18 || len === 15) {
    return chars.slice(0, 3).join('') + '*'.repeat(len - 7) + chars.slice(len - 4).join('');
  }
  if (len <= 4) return '*'.repeat(len);
  return '*'.repeat(len - 4) + chars.slice(len - 4).join('');
}

const HAN = /\p{Script=Han}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Masks a person's name for public screens (R21).
 *
 * Chinese names (any Han character present): keep the first character, replace
 * every other character with '*' ('张三' → '张*', '欧阳娜娜' → '欧***',
 * '买买提·艾力' → '买*****'). Whitespace (incl. the U+3000 padding some readers
 * add) is removed first.
 *   DECISION: compound surnames (欧阳, 司马, 诸葛 …) are NOT special-cased —
 *   only the first character is ever shown. This is simpler, never reveals
 *   more than one character, and avoids guessing wrong on ambiguous names
 *   (e.g. 单于 as a compound surname vs. surname 单 + given name 于…).
 *   A one-character input still gets one '*' ('张' → '张*') so that a name is
 *   never shown in full.
 *
 * Other names (Latin script, e.g. foreigners' 'JOHN SMITH'): the first letter
 * of the first word followed by a fixed '***' ('J***'), which also hides the
 * length of the name.
 *
 * Input is trimmed and runs of whitespace collapsed; an empty / blank name → ''.
 */
export function maskName(name: string): string {
  const collapsed = name.trim().replace(/\s+/gu, ' ');
  if (collapsed === '') return '';

  if (HAN.test(collapsed)) {
    const chars = Array.from(collapsed.replace(/\s+/gu, ''));
    const first = chars[0] ?? '';
    return first + '*'.repeat(Math.max(1, chars.length - 1));
  }

  const m = LETTER_OR_DIGIT.exec(collapsed);
  return (m === null ? '' : m[0]) + '***';
}
