import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DeviceError, toHex } from '../../electron/devices/common/errors';
import { EscPos, encodeGbk, findRealtimeSequence, statusRequest, unprintableChars } from '../../electron/devices/printer/escpos';

const hex = (b: Uint8Array) => toHex(b, 10_000);

function refusal(fn: () => unknown): DeviceError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DeviceError);
    return err as DeviceError;
  }
  throw new Error('expected a DeviceError');
}

describe('ESC/POS encoder: text in GBK', () => {
  it('encodes Chinese as GBK double bytes and ASCII as itself', () => {
    expect(hex(encodeGbk('A023 号'))).toBe('41 30 32 33 20 ba c5');
    expect(hex(encodeGbk('户籍办理'))).toBe(hex(iconv.encode('户籍办理', 'gbk')));
    // GBK beyond GB2312 (traditional and rare characters) is printable: node-thermal-printer's GB2312 is not enough.
    expect(hex(encodeGbk('號丂'))).toBe('cc 96 81 40');
  });

  it('maps ¥ (U+00A5) to ￥ (U+FFE5, GBK A3 A4): GB18030 would send 4 bytes that print as garbage', () => {
    expect(hex(encodeGbk('¥5'))).toBe('a3 a4 35');
    expect(hex(encodeGbk('￥5'))).toBe('a3 a4 35');
  });

  it('refuses characters outside GBK with a config error naming each one and its code point', () => {
    const e = refusal(() => encodeGbk('取号😀成功𠀀，鿐 ok'));
    expect(e.kind).toBe('config');
    expect(e.code).toBe('unprintable');
    expect(e.text.en).toContain('「😀」U+1F600');
    expect(e.text.en).toContain('「𠀀」U+20000');
    expect(e.text.en).toContain('「鿐」U+9FD0');
    expect(e.text.zh).toContain('打印机无法打印这些字符');
    expect(e.text.zh).toContain('「😀」U+1F600');
    expect(e.text.en).not.toContain('取');
    expect(unprintableChars('取号😀成功𠀀，鿐 ok')).toEqual(['😀', '𠀀', '鿐']);
  });

  it('refuses control characters (they would be commands), the euro sign (cp936 0x80) and private-use code points', () => {
    const e = refusal(() => encodeGbk('a\x1b@b\x10\x04\x01€\ue000'));
    expect(e.text.en).toContain('U+001B');
    expect(e.text.en).toContain('U+0010');
    expect(e.text.en).toContain('U+0004');
    expect(e.text.en).toContain('「€」U+20AC');
    expect(e.text.en).toContain('U+E000');
    expect(unprintableChars('tab\there')).toEqual(['\t']);
  });

  it('refuses non-ASCII text after Chinese mode is switched off', () => {
    expect(hex(new EscPos().chineseOff().text('OK').bytes())).toBe('1c 2e 4f 4b');
    expect(refusal(() => new EscPos().chineseOff().text('号')).code).toBe('not-chinese-mode');
  });
});

describe('ESC/POS encoder: commands', () => {
  it('init, Chinese mode on/off, alignment, bold, size, feeds', () => {
    const b = new EscPos().init().chineseOn().align('left').align('center').align('right').bold().bold(false).size(2).size(4, 4).size(1, 2).size(1).feed().feed(3).line('x').chineseOff().bytes();
    expect(hex(b)).toBe(
      [
        '1b 40',
        '1c 26',
        '1b 61 00',
        '1b 61 01',
        '1b 61 02',
        '1b 45 01',
        '1b 45 00',
        '1d 21 11', // double width and height
        '1d 21 33', // quad: the big ticket number
        '1d 21 01',
        '1d 21 00',
        '0a',
        '1b 64 03',
        '78 0a',
        '1c 2e',
      ].join(' '),
    );
    expect(refusal(() => new EscPos().size(9)).code).toBe('bad-size');
    expect(refusal(() => new EscPos().feed(256)).code).toBe('bad-feed');
  });

  it('cuts: full GS V 0, partial GS V 1, feed-then-cut GS V 66 n (and 65 n for a full cut)', () => {
    expect(hex(new EscPos().cut().bytes())).toBe('1d 56 00');
    expect(hex(new EscPos().cut('full').bytes())).toBe('1d 56 00');
    expect(hex(new EscPos().cut('partial').bytes())).toBe('1d 56 01');
    expect(hex(new EscPos().cut({ feed: 24 }).bytes())).toBe('1d 56 42 18');
    expect(hex(new EscPos().cut({ feed: 3, partial: true }).bytes())).toBe('1d 56 42 03');
    expect(hex(new EscPos().cut({ feed: 0, partial: false }).bytes())).toBe('1d 56 41 00');
    expect(refusal(() => new EscPos().cut({ feed: 300 })).code).toBe('bad-cut');
  });

  it('real-time status request DLE EOT n', () => {
    expect(hex(statusRequest(1))).toBe('10 04 01');
    expect(hex(statusRequest(4))).toBe('10 04 04');
  });

  it('QR: model 2, module size, error level, store with pL pH = UTF-8 byte length + 3, print', () => {
    const url = 'https://hall.example.cn/q/A023';
    const b = new EscPos().qr(url, { moduleSize: 6, ecLevel: 'M' }).bytes();
    const data = hex(new TextEncoder().encode(url));
    expect(hex(b)).toBe(
      [
        '1d 28 6b 04 00 31 41 32 00',
        '1d 28 6b 03 00 31 43 06',
        '1d 28 6b 03 00 31 45 31',
        `1d 28 6b ${(url.length + 3).toString(16)} 00 31 50 30 ${data}`,
        '1d 28 6b 03 00 31 51 30',
      ].join(' '),
    );
    for (const [level, byte] of [
      ['L', '30'],
      ['Q', '32'],
      ['H', '33'],
    ] as const) {
      expect(hex(new EscPos().qr('x', { ecLevel: level }).bytes())).toContain(`1d 28 6b 03 00 31 45 ${byte}`);
    }
  });

  it('QR length counts bytes, not UTF-16 units: a Chinese URL', () => {
    const url = 'https://zwfw.example.cn/进度/户籍?号=A023';
    const utf8 = new TextEncoder().encode(url).length;
    expect(utf8).toBe(url.length + 2 * 5); // five Chinese characters, 3 bytes each instead of 1 unit
    const b = new EscPos().qr(url).bytes();
    const store = hex(b).indexOf('31 50 30');
    const [pL, pH] = hex(b)
      .slice(store - 6, store - 1)
      .split(' ')
      .map((x) => parseInt(x, 16)) as [number, number];
    expect(pL + 256 * pH).toBe(utf8 + 3);
    expect(pL + 256 * pH).not.toBe(url.length + 3);
    // A payload over 252 bytes needs pH: 300 bytes -> 303 = 0x012F
    const long = 'https://zwfw.example.cn/p/' + 'x'.repeat(300 - 26);
    expect(hex(new EscPos().qr(long).bytes())).toContain('1d 28 6b 2f 01 31 50 30');
  });

  it('QR: refuses empty or oversized data and a bad module size', () => {
    expect(refusal(() => new EscPos().qr('')).code).toBe('bad-qr');
    expect(refusal(() => new EscPos().qr('x'.repeat(2332), { ecLevel: 'M' })).code).toBe('bad-qr');
    expect(refusal(() => new EscPos().qr('x', { moduleSize: 17 })).code).toBe('bad-qr');
  });

  it('a real-time sequence hidden in a job is refused (the printer would act on it even inside QR data)', () => {
    expect(findRealtimeSequence(Uint8Array.of(0x1d, 0x21, 0x10, 0x0a))).toBe(-1);
    expect(findRealtimeSequence(Uint8Array.of(0x41, 0x10, 0x04, 0x02))).toBe(1);
    const e = refusal(() => new EscPos().raw([0x10, 0x04, 0x01]).bytes());
    expect(e.code).toBe('realtime-in-job');
    expect(e.raw).toBe('10 04 01');
    expect(refusal(() => new EscPos().raw([0x10, 0x14, 0x08, 0x01, 0x03, 0x14, 0x01, 0x06, 0x02, 0x08]).bytes()).code).toBe('realtime-in-job');
  });
});
