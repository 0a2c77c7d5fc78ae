import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { LinkEvents, type ByteLink } from '../../electron/devices/common/link';
import type { DeviceError } from '../../electron/devices/common/errors';
import { ScanLineFramer } from '../../electron/devices/scanner/serialFramer';
import { SerialScanner } from '../../electron/devices/scanner/serial';
import { HidPosAssembler, hidPosReports, type HidPosCode } from '../../electron/devices/scanner/hidPosFramer';
import { codeFromBytes, decodeScanText, splitAim } from '../../electron/devices/scanner/text';
import { createScanner } from '../../electron/devices/scanner';
import { ScannerSchema } from '../../electron/devices/config';
import { ScannerSim } from '../../electron/devices/sim/scannerSim';
import type { Scan } from '../../shared/devices/contract';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

function fakeLink() {
  const ev = new LinkEvents();
  const link: ByteLink = {
    description: 'fake',
    write: async () => {},
    onData: (l) => ev.onData(l),
    onClose: (l) => ev.onClose(l),
    close: async () => ev.emitClose(),
  };
  return { link, feed: (b: Uint8Array | string) => ev.emitData(typeof b === 'string' ? enc(b) : b) };
}

/** Feed `stream` cut at `cuts` and collect the lines. */
function lines(suffix: 'cr' | 'crlf' | 'none', stream: Uint8Array, cuts: number[] = []) {
  const discards: string[] = [];
  const f = new ScanLineFramer({ suffix, onDiscard: (hex, why) => discards.push(`${why}: ${hex}`) });
  const out: string[] = [];
  let from = 0;
  for (const c of [...cuts, stream.length]) {
    out.push(...f.push(stream.subarray(from, c)).map(dec));
    from = c;
  }
  return { out, discards, framer: f };
}

describe('serial scanner framer', () => {
  const codes = ['A001', 'https://zwfw.example.gov.cn/q?t=A001&h=7', '110101199003077777', 'x'];

  for (const suffix of ['cr', 'crlf'] as const) {
    it(`${suffix}: every code comes out whole whatever offset the stream is split at`, () => {
      const end = suffix === 'cr' ? '\r' : '\r\n';
      const stream = enc(codes.map((c) => c + end).join(''));
      for (let i = 0; i <= stream.length; i++) {
        expect(lines(suffix, stream, [i]).out, `cut at ${i}`).toEqual(codes);
      }
      // byte by byte
      expect(lines(suffix, stream, [...stream.keys()]).out).toEqual(codes);
    });
  }

  it('random chunking never changes the codes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[ -~]{1,40}$/), { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom('\r', '\r\n'), { minLength: 6, maxLength: 6 }),
        fc.uniqueArray(fc.nat(400)),
        (cs, ends, cuts) => {
          const stream = enc(cs.map((c, i) => c + ends[i]).join(''));
          const sorted = cuts.filter((c) => c <= stream.length).sort((a, b) => a - b);
          expect(lines('cr', stream, sorted).out).toEqual(cs);
        },
      ),
    );
  });

  it('a scanner set to CR parses CRLF and the reverse; empty lines are ignored; an LF inside a code is content', () => {
    expect(lines('crlf', enc('A001\rB002\r\n\r\n\rC003\r')).out).toEqual(['A001', 'B002', 'C003']);
    expect(lines('cr', enc('line1\nline2\r\n')).out).toEqual(['line1\nline2']);
  });

  it("an LF arriving in the chunk after the CR is still the CRLF's LF", () => {
    const r = lines('crlf', enc('A001\r\nB002\r\n'), [5]);
    expect(r.out).toEqual(['A001', 'B002']);
  });

  it("'none': nothing until flush(), which ends the code", () => {
    const r = lines('none', enc('A001'), [2]);
    expect(r.out).toEqual([]);
    expect(dec(r.framer.flush()!)).toBe('A001');
    expect(r.framer.flush()).toBeUndefined();
  });

  it('a partial line without its CR is dropped on flush and reported; the next code is clean', () => {
    const r = lines('cr', enc('A0'));
    expect(r.framer.flush()).toBeUndefined();
    expect(r.discards).toEqual(['no CR after the code (incomplete scan): 41 30']);
    expect(r.framer.push(enc('B002\r')).map(dec)).toEqual(['B002']);
  });

  it('an over-long code is dropped up to its CR, and reported', () => {
    const discards: string[] = [];
    const f = new ScanLineFramer({ suffix: 'cr', maxBytes: 8, onDiscard: (_h, why) => discards.push(why) });
    expect(f.push(enc('0123456789ABCDEF\rOK\r')).map(dec)).toEqual(['OK']);
    expect(discards).toEqual(['code longer than 8 bytes']);
  });
});

describe('scan text', () => {
  it('splits the AIM symbology prefix ]Xn', () => {
    expect(splitAim(']Q1https://a.cn')).toEqual({ text: 'https://a.cn', symbology: ']Q1' });
    expect(splitAim(']C0A001')).toEqual({ text: 'A001', symbology: ']C0' });
    expect(splitAim('A001')).toEqual({ text: 'A001' });
    expect(splitAim(']!1A')).toEqual({ text: ']!1A' });
  });

  it('decodes UTF-8, and GBK from scanners that send it', () => {
    expect(decodeScanText(enc('请到5号窗口'))).toBe('请到5号窗口');
    expect(decodeScanText(new Uint8Array(iconv.encode('请到5号窗口', 'gbk')))).toBe('请到5号窗口');
    expect(decodeScanText(new Uint8Array(iconv.encode('窗口', 'gbk')), 'gbk')).toBe('窗口');
  });

  it('refuses empty codes and codes over 4096 characters', () => {
    expect(codeFromBytes(enc(']Q1'), 'auto')).toEqual({ error: 'empty' });
    expect(codeFromBytes(enc('x'.repeat(4097)), 'auto')).toEqual({ error: 'too-long' });
    expect(codeFromBytes(enc('A001\r\n'), 'auto')).toEqual({ text: 'A001' });
  });
});

describe('SerialScanner', () => {
  afterEach(() => vi.useRealTimers());

  function rig(o: Partial<ConstructorParameters<typeof SerialScanner>[0]> = {}) {
    const f = fakeLink();
    const s = new SerialScanner({ openLink: async () => f.link, ...o });
    const scans: Scan[] = [];
    const errors: DeviceError[] = [];
    s.onScan((x) => scans.push(x));
    s.onError((e) => errors.push(e));
    return { s, f, scans, errors };
  }

  it('emits scans with source serial and the AIM symbology', async () => {
    const { s, f, scans } = rig();
    await s.attach(await s.open());
    f.feed(']Q1https://zwfw.example.gov.cn/a?id=');
    f.feed('42\rA001\r');
    expect(scans).toEqual([
      { text: 'https://zwfw.example.gov.cn/a?id=42', symbology: ']Q1', source: 'serial' },
      { text: 'A001', source: 'serial' },
    ]);
  });

  it("suffix 'none': the code ends after the inter-byte gap", async () => {
    vi.useFakeTimers();
    const { s, f, scans } = rig({ suffix: 'none', interByteMs: 40 });
    await s.attach(await s.open());
    f.feed('A0');
    vi.advanceTimersByTime(30);
    f.feed('01');
    vi.advanceTimersByTime(30);
    expect(scans).toEqual([]);
    vi.advanceTimersByTime(15);
    expect(scans).toEqual([{ text: 'A001', source: 'serial' }]);
    f.feed(ScannerSim.bytes('B002', { suffix: 'none' }));
    vi.advanceTimersByTime(40);
    expect(scans.map((x) => x.text)).toEqual(['A001', 'B002']);
  });

  it("suffix 'cr': a line left without CR goes stale and is reported, not glued to the next scan", async () => {
    vi.useFakeTimers();
    const { s, f, scans, errors } = rig({ staleMs: 500 });
    await s.attach(await s.open());
    f.feed('A0');
    vi.advanceTimersByTime(600);
    f.feed('B002\r');
    expect(scans.map((x) => x.text)).toEqual(['B002']);
    expect(errors.map((e) => [e.kind, e.code, e.raw])).toEqual([['protocol', 'scan-discarded', '41 30']]);
  });

  it('detach forgets a partial code', async () => {
    const { s, f, scans } = rig();
    await s.attach(await s.open());
    f.feed('A0');
    s.detach();
    const g = fakeLink();
    await s.attach(g.link);
    g.feed('B002\r');
    expect(scans.map((x) => x.text)).toEqual(['B002']);
  });

  it('is built from devices.json', () => {
    const d = createScanner(ScannerSchema.parse({ type: 'serial', port: { path: '/dev/ttyUSB0' }, suffix: 'crlf' }));
    expect(d).toBeInstanceOf(SerialScanner);
    expect(d.id).toBe('scanner');
  });
});

describe('HID POS report assembler', () => {
  function assemble(stream: Uint8Array, cuts: number[] = [], now = () => 0) {
    const discards: string[] = [];
    const a = new HidPosAssembler({ now, onDiscard: (_h, why) => discards.push(why) });
    const out: HidPosCode[] = [];
    let from = 0;
    for (const c of [...cuts, stream.length]) {
      out.push(...a.push(stream.subarray(from, c)));
      from = c;
    }
    return { out: out.map((c) => ({ text: dec(c.data), symbology: c.symbology })), discards };
  }

  const long = 'https://zwfw.example.gov.cn/progress?ticket=A001&hall=beijing-dongcheng&sig=' + 'f'.repeat(64);

  it('reassembles a multi-packet code, whatever offset the reports are split at', () => {
    const reports = hidPosReports(enc(long), ']Q1');
    expect(reports).toHaveLength(3);
    expect(reports.map((r) => r[63])).toEqual([1, 1, 0]);
    const stream = cat(...reports, ...hidPosReports(enc('A001'), ']C0'));
    for (let i = 0; i <= stream.length; i++) {
      expect(assemble(stream, [i]).out, `cut at ${i}`).toEqual([
        { text: long, symbology: ']Q1' },
        { text: 'A001', symbology: ']C0' },
      ]);
    }
  });

  it('a report with another id is dropped whole and reported', () => {
    const other = new Uint8Array(64);
    other[0] = 0x01;
    other[1] = 0x33;
    const r = assemble(cat(other, ...hidPosReports(enc('A001'))));
    expect(r.out.map((c) => c.text)).toEqual(['A001']);
    expect(r.discards).toEqual(['report id 0x01 is not scanned data (0x02)']);
  });

  it('an impossible length drops the report and the partial code', () => {
    const [first, second] = hidPosReports(enc(long));
    const bad = second!.slice();
    bad[1] = 200;
    const r = assemble(cat(first!, bad, ...hidPosReports(enc('B002'))));
    expect(r.out.map((c) => c.text)).toEqual(['B002']);
    expect(r.discards).toEqual(['data length 200 does not fit a 64-byte report']);
  });

  it('a code whose next packet never comes is dropped after the packet gap', () => {
    let t = 0;
    const [first] = hidPosReports(enc(long));
    const discards: string[] = [];
    const a = new HidPosAssembler({ now: () => t, packetGapMs: 250, onDiscard: (_h, why) => discards.push(why) });
    expect(a.push(first!)).toEqual([]);
    t = 1000;
    const out = a.push(hidPosReports(enc('C003'))[0]!);
    expect(out.map((c) => dec(c.data))).toEqual(['C003']);
    expect(discards).toEqual(['the rest of a multi-packet code never came']);
  });

  it('zeros in the AIM field mean no symbology', () => {
    expect(assemble(hidPosReports(enc('A001'), '')[0]!).out).toEqual([{ text: 'A001', symbology: undefined }]);
  });
});
