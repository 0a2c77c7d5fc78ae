/**
 * The window display on the FF 68 bus (a hardware caller's digit display, as an open-source
 * queue system drives it; facts in tests/fixtures/devices/led/README): func 02 with six digit
 * bytes, each 00..09 or 0A for blank,
 *
 *   FF 68 08 08 68 | addr | 02 | d1..d6 | sum | 16      sum = (addr + 02 + d1 + … + d6) & 0xFF
 *
 * The source shows a called ticket as blank, blank, blank and the ticket's last three digits
 * (SendTicket), and the number waiting as three digits then three blanks (SendWait). A strip
 * text from the counter ("请A023号到3号窗口", "A023正在办理", "暂停服务") becomes the ticket's last
 * three digits (fewer digits are padded with blanks); a text without a ticket number blanks
 * the display. Nothing else of the text can be shown on six digits.
 */
import { ff68Frame, type Ff68Frame } from '../evaluator/ff68';

export const FF68_DISPLAY = 0x02;
export const FF68_BLANK = 0x0a;


/** The six digit bytes for a strip text. */
export function ff68Digits(text: string): number[] {
  const m = /[A-Z]+(\d+)/.exec(text);
  const digits = m ? m[1]!.slice(-3) : '';
  const out = [FF68_BLANK, FF68_BLANK, FF68_BLANK, FF68_BLANK, FF68_BLANK, FF68_BLANK];
  for (let i = 0; i < digits.length; i++) out[6 - digits.length + i] = digits.charCodeAt(i) - 0x30;
  return out;
}

export function ff68DisplayFrame(address: number, text: string): Uint8Array {
  return ff68Frame(address, FF68_DISPLAY, ff68Digits(text));
}

/** What a display frame shows, as the six positions ("   023"); undefined for other frames. */
export function ff68Shown(f: Ff68Frame): string | undefined {
  if (f.func !== FF68_DISPLAY || f.data.length !== 6) return undefined;
  let s = '';
  for (const d of f.data) {
    if (d === FF68_BLANK) s += ' ';
    else if (d <= 9) s += String(d);
    else return undefined;
  }
  return s;
}
