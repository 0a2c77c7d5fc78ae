import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LinkEvents, type ByteLink } from '../../electron/devices/common/link';
import { DeviceError, fromHex, toHex } from '../../electron/devices/common/errors';
import { LedSchema } from '../../electron/devices/config';
import {
  buildLedFrame,
  checksumOf,
  createLedStrip,
  encodeLedText,
  LedFrameParser,
  LedStrip,
  resolveLedFrame,
  type LedFrameParsed,
  type LedFrameSpec,
} from '../../electron/devices/led';

const PLAIN = resolveLedFrame('plain-01-07', 1);
const SUM = resolveLedFrame('sum-3a-0a', 1);
const XOR2: LedFrameSpec = { start: [0xaa, 0x55], address: 9, encoding: 'gbk', checksum: 'xor', end: [0x0d, 0x0a], gapMs: 0 };
const NO_ADDR: LedFrameSpec = { start: [0x02], address: null, encoding: 'gb2312', checksum: 'sum', checksumFrom: 'start', end: [0x03], gapMs: 0 };

const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

function parse(spec: LedFrameSpec, stream: Uint8Array, cuts: number[] = []) {
  const discards: string[] = [];
  const p = new LedFrameParser(spec, { onDiscard: (hex, why) => discards.push(`${why}: ${hex}`) });
  const out: LedFrameParsed[] = [];
  let from = 0;
  for (const c of [...cuts, stream.length]) {
    out.push(...p.push(stream.subarray(from, c)));
    from = c;
  }
  return { texts: out.map((f) => f.text), frames: out, discards };
}

describe('LED text encoding', () => {
  it('GB2312: the typical texts', () => {
    expect(toHex(encodeLedText('暂停服务', 'gb2312'))).toBe('d4 dd cd a3 b7 fe ce f1');
    expect(toHex(encodeLedText('请A001到5号窗口', 'gb2312'))).toBe('c7 eb 41 30 30 31 b5 bd 35 ba c5 b4 b0 bf da');
    expect(toHex(encodeLedText('A001 → 5', 'gb2312'))).toBe('41 30 30 31 20 a1 fa 20 35');
  });

  it('ASCII cannot show Chinese or arrows: a config error naming each character once', () => {
    const err = (() => {
      try {
        encodeLedText('请A001到5号窗口，请到5号', 'ascii');
      } catch (e) {
        return e as DeviceError;
      }
    })();
    expect(err).toBeInstanceOf(DeviceError);
    expect([err!.kind, err!.code]).toEqual(['config', 'led-unencodable']);
    expect(err!.text.zh).toBe('条屏（ASCII）无法显示这些字符：请 到 号 窗 口 ，');
    expect(err!.text.en).toContain('"请" (U+8BF7)');
    expect(() => encodeLedText('A001 → 5', 'ascii')).toThrow(/"→" \(U\+2192\)/);
  });

  it('GB2312 is enforced even though iconv-lite treats it as GBK; GBK allows the extension', () => {
    expect(() => encodeLedText('张喆', 'gb2312')).toThrow(/"喆"/);
    expect(toHex(encodeLedText('张喆', 'gbk'))).toBe('d5 c5 86 b4');
    expect(() => encodeLedText('A001 😀', 'gbk')).toThrow(/😀/);
    expect(() => encodeLedText('A\u0007B', 'gbk')).toThrow(DeviceError);
  });
});

describe('LED frames', () => {
  it("plain-01-07: 01 | addr | ASCII | 07", () => {
    expect(toHex(buildLedFrame(PLAIN, 'A001 5'))).toBe('01 01 41 30 30 31 20 35 07');
    expect(() => buildLedFrame(PLAIN, 'A001 → 5')).toThrow(/cannot show "→"/);
  });

  it('sum-3a-0a: 3A | addr | GB2312 | sum(addr + text) & FF | 0A', () => {
    expect(toHex(buildLedFrame(SUM, '暂停服务'))).toBe('3a 01 d4 dd cd a3 b7 fe ce f1 96 0a');
    const f = buildLedFrame(resolveLedFrame('sum-3a-0a', 0x12), 'A001');
    expect(f[f.length - 2]).toBe((0x12 + 0x41 + 0x30 + 0x30 + 0x31) & 0xff);
  });

  it('xor and checksumFrom start', () => {
    const f = buildLedFrame(XOR2, 'A1');
    expect(toHex(f)).toBe(`aa 55 09 41 31 ${toHex([0x09 ^ 0x41 ^ 0x31])} 0d 0a`);
    const g = buildLedFrame(NO_ADDR, '停');
    expect(toHex(g)).toBe(`02 cd a3 ${toHex([checksumOf('sum', Uint8Array.of(0x02, 0xcd, 0xa3))])} 03`);
  });

  it('a devices.json frame uses its own address if it has one, else the strip address', () => {
    const cfg = { start: [0x7e], encoding: 'gbk' as const, checksum: 'sum' as const, end: [0x7f], gapMs: 100 };
    expect(resolveLedFrame(cfg, 3).address).toBe(3);
    expect(resolveLedFrame({ ...cfg, address: 8 }, 3).address).toBe(8);
  });

  it('text whose bytes contain the end byte is refused', () => {
    const spec: LedFrameSpec = { start: [0x5b], address: 1, encoding: 'ascii', checksum: 'none', end: [0x5d], gapMs: 0 };
    expect(() => buildLedFrame(spec, 'A]1')).toThrow(/end byte 0x5d/);
  });
});

describe('LED frame parser (the strip side)', () => {
  const texts = ['请A001到5号窗口', 'A001 → 5', '暂停服务', '', '10:30 恢复'];

  for (const [name, spec, ts] of [
    ['sum-3a-0a', SUM, texts],
    ['plain-01-07', PLAIN, ['A001 5', 'PAUSED', '']],
    ['xor, 2-byte start and end', XOR2, texts],
    ['no address, sum from start', NO_ADDR, texts],
  ] as const) {
    it(`${name}: every frame, split at every offset`, () => {
      const stream = cat(...ts.map((t) => buildLedFrame(spec, t)));
      for (let i = 0; i <= stream.length; i++) {
        const r = parse(spec, stream, [i]);
        expect(r.texts, `cut at ${i}`).toEqual(ts);
        expect(r.discards, `cut at ${i}`).toEqual([]);
      }
      expect(parse(spec, stream, [...stream.keys()]).texts).toEqual(ts);
    });
  }

  it('reports the address of each frame', () => {
    const r = parse(SUM, cat(buildLedFrame(resolveLedFrame('sum-3a-0a', 5), 'A'), buildLedFrame(resolveLedFrame('sum-3a-0a', 6), 'B')));
    expect(r.frames.map((f) => [f.address, f.text])).toEqual([
      [5, 'A'],
      [6, 'B'],
    ]);
  });

  it('a checksum that equals the end byte (0A) is still parsed', () => {
    // 01 + 42 + 42 + 42 + 43 = 0x10A → checksum 0A, the same as the end byte.
    const text = 'BBBC';
    const f = buildLedFrame(SUM, text);
    expect(f[f.length - 2]).toBe(0x0a);
    const stream = cat(f, buildLedFrame(SUM, '暂停服务'));
    for (let i = 0; i <= stream.length; i++) expect(parse(SUM, stream, [i]).texts, `cut at ${i}`).toEqual([text, '暂停服务']);
  });

  it('a bad checksum drops that frame (reported); the next frame is read', () => {
    const bad = buildLedFrame(SUM, '请A001到5号窗口');
    bad[bad.length - 2] = bad[bad.length - 2]! ^ 0xff;
    const r = parse(SUM, cat(bad, buildLedFrame(SUM, 'A001 → 5')));
    expect(r.texts).toEqual(['A001 → 5']);
    expect(r.discards[0]).toMatch(/^bad checksum/);
  });

  it('a truncated frame, then a good one: resync', () => {
    const good = buildLedFrame(SUM, '暂停服务');
    for (let cut = 1; cut < good.length - 1; cut++) {
      const r = parse(SUM, cat(good.subarray(0, cut), good));
      expect(r.texts, `truncated at ${cut}`).toEqual(['暂停服务']);
    }
  });

  it('garbage around frames is dropped and reported', () => {
    const r = parse(PLAIN, cat(Uint8Array.of(0xff, 0x00), buildLedFrame(PLAIN, 'A001'), Uint8Array.of(0x99), buildLedFrame(PLAIN, 'B002')));
    expect(r.texts).toEqual(['A001', 'B002']);
    expect(r.discards).toEqual(['bytes before a frame start: ff 00', 'bytes before a frame start: 99']);
  });

  it('random frames, garbage, truncation and chunking (property): every intact frame is read', () => {
    const text = fc.constantFrom('请A001到5号窗口', 'A001 → 5', '暂停服务', 'B12', '');
    const piece = fc.oneof(
      text.map((t) => ({ text: t as string | undefined, bytes: buildLedFrame(SUM, t) })),
      // Garbage without the start byte (3A) or the end byte (0A).
      fc.uint8Array({ minLength: 1, maxLength: 6 }).map((g) => ({ text: undefined, bytes: g.map((b) => (b === 0x3a || b === 0x0a ? 0x20 : b)) })),
      fc.tuple(text, fc.nat()).map(([t, n]) => {
        const f = buildLedFrame(SUM, t);
        return { text: undefined, bytes: f.subarray(0, 1 + (n % (f.length - 1))) };
      }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.uniqueArray(fc.nat(200)), (pieces, cuts) => {
        const stream = cat(...pieces.map((p) => p.bytes));
        const want = pieces.filter((p) => p.text !== undefined).map((p) => p.text);
        const got = parse(SUM, stream, cuts.filter((c) => c <= stream.length).sort((a, b) => a - b)).texts;
        // A truncated frame right before a good one may swallow nothing but itself; every intact
        // frame must come out, in order, and nothing else.
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});

function fakeLink() {
  const ev = new LinkEvents();
  const writes: Array<{ hex: string; at: number }> = [];
  const link: ByteLink = {
    description: 'fake',
    write: async (b) => {
      writes.push({ hex: toHex(b), at: Date.now() });
    },
    onData: (l) => ev.onData(l),
    onClose: (l) => ev.onClose(l),
    close: async () => ev.emitClose(),
  };
  return { link, writes };
}

describe('LedStrip', () => {
  it('shows texts as frames, at least gapMs apart, in order', async () => {
    const f = fakeLink();
    const strip = new LedStrip({ frame: { ...SUM, gapMs: 80 }, openLink: async () => f.link });
    await strip.attach(await strip.open());
    await Promise.all([strip.show('请A001到5号窗口'), strip.show('A001 → 5'), strip.show('暂停服务')]);
    expect(f.writes.map((w) => parse(SUM, fromHex(w.hex)).texts[0])).toEqual(['请A001到5号窗口', 'A001 → 5', '暂停服务']);
    for (let i = 1; i < f.writes.length; i++) expect(f.writes[i]!.at - f.writes[i - 1]!.at).toBeGreaterThanOrEqual(78);
    expect(strip.shown).toBe('暂停服务');
  });

  it('text the strip cannot show: rejected as config naming the characters, nothing sent', async () => {
    const f = fakeLink();
    const strip = new LedStrip({ frame: 'plain-01-07', address: 5, openLink: async () => f.link });
    await strip.attach(await strip.open());
    await expect(strip.show('请A001到5号窗口')).rejects.toMatchObject({ kind: 'config', code: 'led-unencodable' });
    await strip.show('A001 5');
    expect(f.writes.map((w) => w.hex)).toEqual(['01 05 41 30 30 31 20 35 07']);
  });

  it('while disconnected show() rejects as unavailable, and the text is shown once it is back', async () => {
    const strip = new LedStrip({ frame: 'sum-3a-0a', openLink: async () => fakeLink().link });
    await expect(strip.show('暂停服务')).rejects.toMatchObject({ kind: 'unavailable', code: 'disconnected' });
    expect(strip.text).toBe('暂停服务');
    const f = fakeLink();
    await strip.attach(f.link);
    for (let i = 0; i < 50 && f.writes.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(f.writes.map((w) => w.hex)).toEqual(['3a 01 d4 dd cd a3 b7 fe ce f1 96 0a']);
  });

  it('is built from devices.json, with a described frame', () => {
    const s = createLedStrip(LedSchema.parse({ port: { path: '/dev/ttyUSB1' }, frame: { start: [0xaa], end: [0x55], checksum: 'xor' }, address: 4 }));
    expect(s.spec).toEqual({ start: [0xaa], address: 4, encoding: 'gbk', checksum: 'xor', end: [0x55], gapMs: 300 });
    expect(toHex(s.frame('A'))).toBe(`aa 04 41 ${toHex([0x04 ^ 0x41])} 55`);
  });
});

describe('devices.json can describe any strip frame', () => {
  it('a frame with no address byte and a checksum over the start bytes', async () => {
    const { LedSchema } = await import('../../electron/devices/config');
    const { resolveLedFrame, buildLedFrame } = await import('../../electron/devices/led/frame');
    const cfg = LedSchema.parse({ port: { path: '/dev/ttyUSB2' }, frame: { start: [0xaa], address: null, encoding: 'ascii', checksum: 'xor', checksumFrom: 'start', end: [0x55] } });
    const spec = resolveLedFrame(cfg.frame, cfg.address);
    expect(spec).toMatchObject({ address: null, checksumFrom: 'start' });
    // AA 'A' '1' xor(AA ^ 41 ^ 31) 55
    expect(Array.from(buildLedFrame(spec, 'A1'))).toEqual([0xaa, 0x41, 0x31, 0xaa ^ 0x41 ^ 0x31, 0x55]);
  });
});
