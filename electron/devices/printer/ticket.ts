/**
 * The ticket layout, for 58 mm (384 dots) and 80 mm (576 dots) paper, as ESC/POS bytes and as
 * HTML for the OS spooler. Both render the same `ticketContent()`, so the two paths say the
 * same thing. Widths assume font A (12 x 24 dots: 12 for an ASCII character, 24 for a Chinese
 * one), so 58 mm holds 32 half-width columns and 80 mm 48.
 */
import type { Bilingual } from '../../../shared/config/text';
import type { TicketPrint } from '../../../shared/devices/contract';
import { EscPos, encodeGbk } from './escpos';
import { encodeQr, qrSize, qrToSvg, qrVersionFor, type QrEcLevel } from '../../../shared/qr/qr';

export type WidthDots = 384 | 576;

export interface TicketContent {
  hall: Bilingual;
  number: string;
  service: Bilingual;
  windowHint?: string;
  ahead: string;
  wait: string;
  time: string;
  /** The QR payload: the progress URL, normalised (see qrPayload). */
  qr: string;
  qrCaption: string;
  offline?: string;
  notice?: Bilingual;
}

export const QR_EC_LEVEL: QrEcLevel = 'M';

/**
 * The URL as it goes into the QR code: WHATWG-normalised, so Chinese in the path or query is
 * percent-encoded (and an IDN host punycoded). The payload is then plain ASCII: QR byte mode
 * has no charset, and scanners guess (zbar reads UTF-8 Chinese as Shift-JIS); the address is
 * the same one. A string that does not parse as a URL is kept as it is.
 */
export function qrPayload(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** The words on the ticket (the layout decides where they go). */
export function ticketContent(t: TicketPrint): TicketContent {
  return {
    hall: t.hallName,
    number: t.number,
    service: t.service,
    ...(t.windowHint ? { windowHint: t.windowHint } : {}),
    ahead: t.ahead === 0 ? '前面没有人 / You are next' : `前面还有 ${t.ahead} 人 / ${t.ahead} ahead`,
    // Issue 17: the kiosk's own words (no open window, no wait, or about N min), never "0 min".
    wait: t.wait ? `${t.wait.zh} / ${t.wait.en}` : t.ahead === 0 ? '无需等候 / No wait' : `预计等候 ${t.waitMinutes} 分钟 / Wait ~${t.waitMinutes} min`,
    time: `时间 Time ${t.issuedAt}`,
    qr: qrPayload(t.qr),
    qrCaption: '扫码查看进度 / Scan for progress',
    ...(t.offline ? { offline: '离线票 Offline ticket' } : {}),
    ...(t.notice ? { notice: t.notice } : {}),
  };
}

/** Display width in half-width columns: 1 for ASCII, 2 for anything else (GBK double-byte). */
export function columns(s: string): number {
  let n = 0;
  for (const ch of s) n += ch.codePointAt(0)! < 0x80 ? 1 : 2;
  return n;
}

const NO_LINE_START = /^[）」』》〉】〕，。、；：！？…·]$/u;

/**
 * Greedy wrap to `cols` half-width columns: breaks at spaces, or between Chinese characters,
 * and hard-splits a word longer than a line (a long URL in a notice).
 */
export function wrap(text: string, cols: number): string[] {
  const tokens = text.match(/[!-~]+|\s+|[\u0080-\u{10ffff}]/gu) ?? [];
  const lines: string[] = [];
  let cur = '';
  const flush = () => {
    const t = cur.trimEnd();
    if (t) lines.push(t);
    cur = '';
  };
  for (let tok of tokens) {
    if (/^\s+$/.test(tok)) {
      if (cur) cur += ' ';
      continue;
    }
    while (columns(tok) > cols) {
      if (cur.trim()) flush();
      let head = '';
      for (const ch of tok) {
        if (columns(head + ch) > cols) break;
        head += ch;
      }
      lines.push(head);
      tok = tok.slice(head.length);
    }
    if (columns(cur + tok) > cols) {
      // A closing mark never starts a line: the character before it moves down with it.
      const chars = [...cur];
      if (NO_LINE_START.test(tok) && chars.length > 1 && !/\s/.test(chars[chars.length - 1]!)) {
        const carry = chars.pop()!;
        cur = chars.join('');
        flush();
        cur = carry;
      } else flush();
    }
    cur += tok;
  }
  flush();
  return lines;
}

export interface TicketJob {
  bytes: Uint8Array;
  /** Estimated paper length in dots (8 dots = 1 mm), to know how long printing takes. */
  heightDots: number;
  qrModuleSize: number;
}

/** Default line spacing of ESC/POS printers: 30 dots (1/6 inch at 180 dpi is close enough). */
const LINE_DOTS = 30;

/**
 * The ESC/POS bytes of a ticket. Throws DeviceError('config', 'unprintable') when a text
 * holds characters outside GBK (the kiosk then offers the e-ticket; the admin fixes the text).
 */
export function ticketEscPos(t: TicketPrint, widthDots: WidthDots): TicketJob {
  const c = ticketContent(t);
  // Check every text first, so one error names every character the printer cannot print.
  const texts = [c.hall.zh, c.hall.en, c.number, c.service.zh, c.service.en, c.windowHint ?? '', c.notice?.zh ?? '', c.notice?.en ?? ''];
  encodeGbk(texts.join(' ').replace(/[\t\n\r]/g, ' '));
  const cols = widthDots / 12;
  const p = new EscPos();
  let height = 0;
  /** Wrapped lines at a magnification (the caller has sent the matching `GS !`). */
  const lines = (text: string, magW = 1, magH = magW) => {
    for (const l of wrap(text, Math.floor(cols / magW))) {
      p.line(l);
      height += LINE_DOTS * magH;
    }
  };
  const rule = () => {
    p.line('-'.repeat(cols));
    height += LINE_DOTS;
  };

  p.init().chineseOn().align('center');
  p.bold(true).size(1, 2);
  lines(c.hall.zh, 1, 2);
  p.bold(false).size(1, 1);
  lines(c.hall.en);
  rule();

  const numberMag = Math.max(1, Math.min(widthDots === 576 ? 6 : 4, Math.floor(cols / columns(c.number))));
  p.bold(true).size(numberMag, numberMag);
  lines(c.number, numberMag);
  p.size(2, 2);
  lines(c.service.zh, 2);
  p.bold(false).size(1, 1);
  lines(c.service.en);
  if (c.windowHint) lines(c.windowHint);
  rule();

  lines(c.ahead);
  lines(c.wait);
  lines(c.time);

  const qrBytes = new TextEncoder().encode(c.qr).length;
  const modules = qrSize(qrVersionFor(qrBytes, QR_EC_LEVEL) ?? 40);
  const qrModuleSize = Math.max(1, Math.min(widthDots === 576 ? 8 : 6, Math.floor((widthDots - 48) / modules)));
  p.feed(1);
  p.qr(c.qr, { moduleSize: qrModuleSize, ecLevel: QR_EC_LEVEL });
  p.feed(1);
  height += LINE_DOTS * 2 + modules * qrModuleSize;
  lines(c.qrCaption);

  if (c.offline) {
    p.bold(true).size(1, 2);
    lines(c.offline, 1, 2);
    p.bold(false).size(1, 1);
  }
  if (c.notice) {
    lines(c.notice.zh);
    lines(c.notice.en);
  }
  p.cut({ feed: 24, partial: true });
  height += 24 + 120; // the feed, and the distance from the head to the cutter
  return { bytes: p.bytes(), heightDots: height, qrModuleSize };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The same ticket as a self-contained HTML page for `webContents.print({ silent: true })`:
 * no script, no network (the QR is an inline SVG), a CSP that forbids loading anything.
 */
export function ticketHtml(t: TicketPrint, widthDots: WidthDots): string {
  const c = ticketContent(t);
  const paperMm = widthDots === 576 ? 80 : 58;
  const printMm = widthDots === 576 ? 72 : 48;
  const qr = qrToSvg(encodeQr(c.qr, QR_EC_LEVEL), { sizeCss: `${widthDots === 576 ? 40 : 32}mm` });
  const p = (cls: string, text: string) => `<p class="${cls}">${esc(text)}</p>`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(`${c.number} ${c.service.zh}`)}</title>
<style>
@page { size: ${paperMm}mm auto; margin: 0; }
html, body { margin: 0; padding: 0; background: #fff; color: #000; }
body { width: ${printMm}mm; margin: 0 auto; padding: 2mm 0 6mm; text-align: center;
  font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", SimHei, sans-serif; font-size: ${widthDots === 576 ? 11 : 9}pt; }
p { margin: 0.6mm 0; overflow-wrap: anywhere; }
.hall-zh { font-weight: bold; font-size: 1.5em; }
.number { font-weight: bold; font-size: ${widthDots === 576 ? 44 : 34}pt; line-height: 1.1; margin: 2mm 0; }
.service-zh { font-weight: bold; font-size: 1.8em; }
.offline { font-weight: bold; font-size: 1.3em; white-space: nowrap; border: 0.5mm solid #000; padding: 1mm; }
hr { border: 0; border-top: 0.3mm dashed #000; margin: 2mm 0; }
svg { display: block; margin: 2mm auto 1mm; }
</style></head>
<body>
${p('hall-zh', c.hall.zh)}
${p('hall-en', c.hall.en)}
<hr>
${p('number', c.number)}
${p('service-zh', c.service.zh)}
${p('service-en', c.service.en)}
${c.windowHint ? p('window', c.windowHint) : ''}
<hr>
${p('ahead', c.ahead)}
${p('wait', c.wait)}
${p('time', c.time)}
${qr}
${p('qr-caption', c.qrCaption)}
${c.offline ? p('offline', c.offline) : ''}
${c.notice ? `${p('notice', c.notice.zh)}\n${p('notice', c.notice.en)}` : ''}
</body></html>
`;
}
