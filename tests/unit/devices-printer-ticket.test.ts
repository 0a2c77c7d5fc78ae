/**
 * Golden bytes of the ticket layout. The .bin files are the exact job for a fixed ticket; the
 * .txt beside each is its listing (disassemble()), for reviewing a change in a diff.
 * Regenerate after an intended layout change, then review the listing diff:
 *   UPDATE_GOLDEN=1 npx vitest run tests/unit/devices-printer-ticket.test.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../electron/devices/common/errors';
import { columns, qrPayload, ticketContent, ticketEscPos, ticketHtml, wrap } from '../../electron/devices/printer/ticket';
import { disassemble, PrinterSim } from '../../electron/devices/sim/printerSim';
import type { TicketPrint } from '../../shared/devices/contract';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'printer');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

export const GOLDEN_TICKET: TicketPrint = {
  hallName: { zh: '朝阳区政务服务中心', en: 'Chaoyang District Government Service Center' },
  number: 'A023',
  service: { zh: '户籍办理', en: 'Household registration' },
  ahead: 3,
  waitMinutes: 12,
  issuedAt: '2026-11-23 09:30',
  qr: 'https://zwfw.example.cn/进度/A023?t=Qm9va2luZw',
  offline: false,
};

const FULL_TICKET: TicketPrint = {
  ...GOLDEN_TICKET,
  number: 'B107',
  service: { zh: '不动产登记（抵押）', en: 'Real estate registration (mortgage)' },
  windowHint: '请到 3-5 号窗口 Windows 3-5',
  ahead: 0,
  waitMinutes: 0,
  offline: true,
  notice: { zh: '过号请重新取号。复印费每页￥0.5（¥ 亦可）。', en: 'If you miss your turn, please take a new ticket. Copies cost ¥0.5 a page.' },
};

const CASES: Array<[string, TicketPrint, 384 | 576]> = [
  ['ticket-58', GOLDEN_TICKET, 384],
  ['ticket-80', GOLDEN_TICKET, 576],
  ['ticket-58-offline-notice', FULL_TICKET, 384],
];

describe('ticket layout: golden bytes', () => {
  it.each(CASES)('%s matches its golden file byte for byte', (name, ticket, width) => {
    const job = ticketEscPos(ticket, width);
    const bin = join(FIXTURES, `${name}.bin`);
    const txt = join(FIXTURES, `${name}.txt`);
    const listing = disassemble(job.bytes).join('\n') + '\n';
    if (!UPDATE && !existsSync(bin)) throw new Error(`${bin} is missing: run with UPDATE_GOLDEN=1 and review the .txt listing`);
    if (UPDATE) {
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(bin, job.bytes);
      writeFileSync(txt, listing);
    }
    expect(Buffer.from(job.bytes).equals(readFileSync(bin))).toBe(true);
    expect(listing).toBe(readFileSync(txt, 'utf8'));
  });

  it('the golden job, read back independently: GBK text, QR length field, one feed-then-partial cut', () => {
    const bytes = readFileSync(join(FIXTURES, 'ticket-58.bin'));
    expect(bytes.subarray(0, 4).toString('hex')).toBe('1b401c26'); // init, Chinese mode
    expect(bytes.subarray(-4).toString('hex')).toBe('1d564218'); // GS V 66 24: feed, then partial cut
    // the QR store: pL pH = byte length + 3; the payload is the URL with its Chinese percent-encoded
    const store = bytes.indexOf(Buffer.from('1d286b', 'hex'), bytes.indexOf(Buffer.from('1d286b03003145', 'hex')) + 1);
    const len = bytes[store + 3]! + 256 * bytes[store + 4]!;
    expect(bytes.subarray(store + 5, store + 8).toString('hex')).toBe('315030');
    const payload = bytes.subarray(store + 8, store + 5 + len).toString('latin1');
    expect(payload).toBe('https://zwfw.example.cn/%E8%BF%9B%E5%BA%A6/A023?t=Qm9va2luZw');
    expect(len).toBe(payload.length + 3);
    expect(decodeURI(payload)).toBe(GOLDEN_TICKET.qr);
    // the text, decoded from GBK with iconv (not with our encoder)
    const text = iconv.decode(bytes, 'gbk');
    for (const s of ['朝阳区政务服务中心', 'A023', '户籍办理', 'Household registration', '前面还有 3 人 / 3 ahead', '预计等候 12 分钟', '2026-11-23 09:30', '扫码查看进度']) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('离线票');
    // exactly one cut command
    expect(bytes.toString('hex').match(/1d56/g)).toHaveLength(1);
  });

  it('every golden job prints cleanly on the simulator: its text, one QR equal to the URL, one cut, nothing unknown', () => {
    for (const [name, ticket, width] of CASES) {
      const sim = new PrinterSim();
      sim.feed(readFileSync(join(FIXTURES, `${name}.bin`)));
      expect(sim.unknown, name).toEqual([]);
      expect(sim.qrCodes, name).toEqual([qrPayload(ticket.qr)]);
      expect(sim.cuts, name).toEqual([{ partial: true, feed: 24 }]);
      expect(sim.text, name).toContain(ticket.number);
      expect(sim.text.replace(/\n/g, ''), name).toContain(ticket.service.zh);
      const cols = width / 12;
      // no line wider than the paper at its magnification (the number and service are magnified)
      for (const l of sim.lines) if (l !== ticket.number && l !== ticket.service.zh) expect(columns(l), `${name}: ${l}`).toBeLessThanOrEqual(cols);
    }
  });

  it('the offline ticket says so, maps ¥ to ￥, and wraps long English at spaces', () => {
    const sim = new PrinterSim();
    sim.feed(readFileSync(join(FIXTURES, 'ticket-58-offline-notice.bin')));
    expect(sim.lines).toContain('离线票 Offline ticket');
    expect(sim.lines).toContain('前面没有人 / You are next');
    expect(sim.lines).toContain('请到 3-5 号窗口 Windows 3-5');
    expect(sim.lines.join('')).toContain('￥0.5（￥ 亦可）。');
    expect(sim.lines.some((l) => /^[）。]/.test(l))).toBe(false); // no line starts with a closing mark
    expect(sim.text).not.toContain('¥');
    expect(sim.lines).toContain('If you miss your turn, please');
  });

  it('the big number: quad size on 58 mm, larger on 80 mm, and never wider than the paper', () => {
    const listing = (t: TicketPrint, w: 384 | 576) => disassemble(ticketEscPos(t, w).bytes).join('\n');
    expect(listing(GOLDEN_TICKET, 384)).toMatch(/GS ! size 4x4\nTEXT "A023"/);
    expect(listing(GOLDEN_TICKET, 576)).toMatch(/GS ! size 6x6\nTEXT "A023"/);
    expect(listing({ ...GOLDEN_TICKET, number: 'AB123456' }, 384)).toMatch(/GS ! size 4x4\nTEXT "AB123456"/); // 8 x 12 x 4 = 384
    expect(listing({ ...GOLDEN_TICKET, number: 'AB123456' }, 576)).toMatch(/GS ! size 6x6\nTEXT "AB123456"/); // 8 x 12 x 6 = 576
  });

  it('the QR module size shrinks for a long URL so the code fits the paper', () => {
    const long = { ...GOLDEN_TICKET, qr: `https://zwfw.example.cn/p/${'x'.repeat(270)}` };
    expect(ticketEscPos(GOLDEN_TICKET, 384).qrModuleSize).toBe(6);
    const j = ticketEscPos(long, 384);
    expect(j.qrModuleSize).toBeLessThan(6);
    expect(j.qrModuleSize * 69).toBeLessThanOrEqual(384); // version 13 at level M: 69 modules
  });

  it('a ticket with characters outside GBK is refused, naming them all', () => {
    const t = { ...GOLDEN_TICKET, hallName: { zh: '𠀾区政务中心', en: 'Hall' }, notice: { zh: '欢迎😀', en: 'Welcome' } };
    try {
      ticketEscPos(t, 384);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DeviceError);
      expect((err as DeviceError).code).toBe('unprintable');
      expect((err as DeviceError).text.en).toContain('「𠀾」U+2003E');
      expect((err as DeviceError).text.en).toContain('「😀」U+1F600');
    }
  });
});

describe('the QR payload', () => {
  it('is the URL, normalised: Chinese percent-encoded, IDN hosts punycoded, ASCII URLs unchanged', () => {
    expect(qrPayload('https://zwfw.example.cn/进度/A023?号=1')).toBe('https://zwfw.example.cn/%E8%BF%9B%E5%BA%A6/A023?%E5%8F%B7=1');
    expect(qrPayload('https://政务.中国/p/1')).toBe('https://xn--zfr164b.xn--fiqs8s/p/1');
    expect(qrPayload('http://127.0.0.1:8080/p/abcdefghijklmnopqrstuv')).toBe('http://127.0.0.1:8080/p/abcdefghijklmnopqrstuv');
  });
});

describe('wrapping', () => {
  it('breaks English at spaces, Chinese between characters, and hard-splits an overlong word', () => {
    expect(wrap('If you miss your turn, take a new ticket.', 16)).toEqual(['If you miss your', 'turn, take a new', 'ticket.']);
    expect(wrap('朝阳区政务服务中心', 16)).toEqual(['朝阳区政务服务中', '心']);
    expect(wrap('不动产登记（抵押）', 16)).toEqual(['不动产登记（抵', '押）']);
    expect(wrap('请携带身份证原件。', 16)).toEqual(['请携带身份证原', '件。']);
    expect(wrap('https://example.cn/abcdefghij', 10)).toEqual(['https://ex', 'ample.cn/a', 'bcdefghij']);
    expect(wrap('前面还有 3 人 / 3 ahead', 32)).toEqual(['前面还有 3 人 / 3 ahead']);
    expect(columns('前面 ab')).toBe(7);
  });
});

describe('the spooler HTML', () => {
  it('has the same content, an inline SVG QR, no script and no network', () => {
    const html = ticketHtml(FULL_TICKET, 576);
    const c = ticketContent(FULL_TICKET);
    for (const s of [c.hall.zh, c.hall.en, c.number, c.service.zh, c.ahead, c.wait, c.time, c.qrCaption, c.offline!, c.windowHint!]) expect(html).toContain(s);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<script|<img|<link|src=|url\(|@import/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain('size: 80mm auto');
    expect(ticketHtml(GOLDEN_TICKET, 384)).toContain('size: 58mm auto');
    expect(ticketHtml(GOLDEN_TICKET, 384)).not.toContain('离线票');
  });

  it('escapes text', () => {
    const html = ticketHtml({ ...GOLDEN_TICKET, hallName: { zh: '<b>大厅</b>', en: 'A & "B"' } }, 384);
    expect(html).toContain('&lt;b&gt;大厅&lt;/b&gt;');
    expect(html).toContain('A &amp; &quot;B&quot;');
    expect(html).not.toContain('<b>大厅');
  });
});
