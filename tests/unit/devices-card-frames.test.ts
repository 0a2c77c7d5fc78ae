import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DeviceError, fromHex, toHex } from '../../electron/devices/common/errors';
import {
  CMD,
  MIN_COMMAND_LEN,
  SW,
  SamFramer,
  encodeCommand,
  encodeNamed,
  encodeResponse,
  isCardStatus,
  statusError,
  toResponse,
  type CommandName,
  type SamFrame,
} from '../../electron/devices/cardReader/frames';
import { SAMPLE_CARDS, buildReadAnswer } from '../../electron/devices/sim/cardReaderSim';

const hex = (b: Uint8Array) => toHex(b, 100_000);

function collect(o: { minLen?: number } = {}) {
  const discards: Array<{ hex: string; reason: string }> = [];
  const framer = new SamFramer({ ...o, onDiscard: (h, reason) => discards.push({ hex: h, reason }) });
  const frames: SamFrame[] = [];
  const push = (b: Uint8Array | number[]) => frames.push(...framer.push(b instanceof Uint8Array ? b : Uint8Array.from(b)));
  return { framer, frames, discards, push };
}

const READ_ANSWER = buildReadAnswer(SAMPLE_CARDS.resident);
const FP_ANSWER = buildReadAnswer(SAMPLE_CARDS.resident, { fingerprint: true });
const VALID_FRAMES: Array<[string, Uint8Array]> = [
  ['find card found (9F)', encodeResponse(SW.cardFound)],
  // As real readers send them (tests/fixtures/devices/cardReader/README.md, S1-S4).
  ['find card found (9F + 4 bytes), published', fromHex('aa aa aa 96 69 00 08 00 00 9f 00 00 00 00 97')],
  ['select OK (90 + 8 bytes), published', fromHex('aa aa aa 96 69 00 0c 00 00 90 00 00 00 00 00 00 00 00 9c')],
  ['no card (80)', encodeResponse(SW.noCard)],
  ['SAM id (16 bytes)', encodeResponse(SW.ok, Uint8Array.from({ length: 16 }, (_, i) => i * 7))],
  ['read answer (1295 bytes)', READ_ANSWER],
  ['read answer with fingerprint', FP_ANSWER],
];

describe('card reader frames: encoding (DEVICES.md table)', () => {
  it.each([
    ['resetSam', '00 03 10 ff ec'],
    ['samStatus', '00 03 11 ff ed'],
    ['readSamId', '00 03 12 ff ee'],
    ['findCard', '00 03 20 01 22'],
    ['selectCard', '00 03 20 02 21'],
    ['readText', '00 03 30 01 32'],
    ['readTextFingerprint', '00 03 30 10 23'],
    ['readAppendedAddress', '00 03 30 03 30'],
  ] as Array<[CommandName, string]>)('%s = AA AA AA 96 69 %s', (name, tail) => {
    expect(hex(encodeNamed(name))).toBe(`aa aa aa 96 69 ${tail}`);
    const [c, p] = CMD[name];
    expect(encodeCommand(c, p)).toEqual(encodeNamed(name));
  });

  it('LEN counts every byte after it incl. CHK; CHK is the XOR from LEN_HI; a read answer is 1295 bytes with LEN 0x0508', () => {
    expect(READ_ANSWER.length).toBe(1295);
    expect(hex(READ_ANSWER.subarray(0, 14))).toBe('aa aa aa 96 69 05 08 00 00 90 01 00 04 00');
    const withData = encodeCommand(0x30, 0x01, [1, 2, 3]);
    expect(withData.length).toBe(7 + 6);
    expect((withData[5]! << 8) | withData[6]!).toBe(6);
    let x = 0;
    for (let i = 5; i < withData.length - 1; i++) x ^= withData[i]!;
    expect(withData[withData.length - 1]).toBe(x);
    expect(hex(encodeResponse(0x9f))).toBe('aa aa aa 96 69 00 04 00 00 9f 9b');
  });

  it('status words become typed, bilingual errors with raw hex; card statuses are told apart from reader faults', () => {
    const f = collect();
    f.push(encodeResponse(SW.samSelfTestFailed));
    const err = statusError(toResponse(f.frames[0]!), 'SAM status');
    expect(err).toBeInstanceOf(DeviceError);
    expect(err).toMatchObject({ kind: 'status', code: 'sw-60', raw: 'aa aa aa 96 69 00 04 00 00 60 64' });
    expect(err.text.zh).toMatch(/安全模块自检失败/);
    expect(err.text.en).toMatch(/self-test failed/);
    expect(isCardStatus(err)).toBe(false);
    const card = statusError(toResponse(collect().framer.push(encodeResponse(SW.readFailed))[0]!), 'read');
    expect(isCardStatus(card)).toBe(true);
    const unknown = statusError(toResponse(collect().framer.push(encodeResponse(0x77))[0]!), 'x');
    expect(unknown.code).toBe('sw-77');
    expect(unknown.text.en).toMatch(/unknown status 0x77/);
  });
});

describe('card reader frames: streaming framer', () => {
  it.each(VALID_FRAMES)('%s split at every offset into two chunks yields exactly the frame', (_n, frame) => {
    for (let cut = 0; cut <= frame.length; cut++) {
      const f = collect();
      f.push(frame.subarray(0, cut));
      f.push(frame.subarray(cut));
      expect(f.frames.length, `cut at ${cut}`).toBe(1);
      expect(same(f.frames[0]!.raw, frame), `cut at ${cut}`).toBe(true);
      expect(f.discards).toEqual([]);
      expect(f.framer.pending).toBe(0);
    }
  });

  it('every valid frame survives random multi-splits, several frames back to back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: VALID_FRAMES.length - 1 }), { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 40 }), (picks, sizes) => {
        const frames = picks.map((i) => VALID_FRAMES[i]![1]);
        const all = concat(...frames);
        const f = collect();
        let at = 0;
        for (let k = 0; at < all.length; k++) {
          const n = sizes[k % sizes.length]!;
          f.push(all.subarray(at, at + n));
          at += n;
        }
        expect(f.frames.map((x) => hex(x.raw))).toEqual(frames.map(hex));
        expect(f.discards).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('one byte at a time', () => {
    const f = collect();
    for (const b of concat(READ_ANSWER, encodeResponse(SW.noCard))) f.push([b]);
    expect(f.frames.map((x) => x.raw.length)).toEqual([1295, 11]);
  });

  it('garbage before and between frames is discarded and reported', () => {
    const f = collect();
    const a = encodeResponse(SW.cardFound);
    const b = encodeResponse(SW.ok);
    f.push(concat(fromHex('01 02 aa 03'), a, fromHex('ff aa aa 00 96'), b));
    expect(f.frames.map((x) => hex(x.raw))).toEqual([hex(a), hex(b)]);
    expect(f.discards).toEqual([
      { hex: '01 02 aa 03', reason: 'no preamble' },
      { hex: 'ff aa aa 00 96', reason: 'no preamble' },
    ]);
  });

  it('a preamble cut at the end of a chunk is kept, not discarded', () => {
    const f = collect();
    const a = encodeResponse(SW.cardFound);
    f.push(concat(fromHex('55'), a.subarray(0, 3)));
    expect(f.discards).toEqual([{ hex: '55', reason: 'no preamble' }]);
    f.push(a.subarray(3));
    expect(f.frames.map((x) => hex(x.raw))).toEqual([hex(a)]);
  });

  it('a bad checksum drops the frame and finds the next one', () => {
    const f = collect();
    const bad = encodeResponse(SW.cardFound);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const good = encodeResponse(SW.noCard);
    f.push(concat(bad, good));
    expect(f.frames.map((x) => hex(x.raw))).toEqual([hex(good)]);
    expect(f.discards).toEqual([{ hex: hex(bad), reason: 'bad checksum' }]);
  });

  it('a read answer with a bad checksum is dropped, its content not shown in the report', () => {
    const f = collect();
    const bad = READ_ANSWER.slice();
    bad[600] = bad[600]! ^ 0x01;
    f.push(concat(bad, encodeResponse(SW.noCard)));
    expect(f.frames).toHaveLength(1);
    expect(f.discards).toHaveLength(1);
    expect(f.discards[0]!.reason).toBe('bad checksum');
    expect(f.discards[0]!.hex).toBe('aa aa aa 96 69 05 08 00 00 90 … (1295 bytes, payload withheld)');
  });

  it('a truncated frame followed by a good one: the good one comes out (same chunk or later chunks)', () => {
    const good = encodeResponse(SW.cardFound);
    const cutRead = READ_ANSWER.subarray(0, 200);
    for (const split of [false, true]) {
      const f = collect();
      if (split) {
        f.push(cutRead);
        expect(f.frames).toEqual([]);
        for (const b of good) f.push([b]);
      } else f.push(concat(cutRead, good));
      expect(f.frames.map((x) => hex(x.raw))).toEqual([hex(good)]);
      expect(f.discards).toEqual([{ hex: 'aa aa aa 96 69 05 08 00 00 90 … (200 bytes, payload withheld)', reason: 'truncated frame' }]);
      expect(f.framer.pending).toBe(0);
    }
    // A short truncated frame followed by a good one: the good one completes the short one's
    // length, so it shows as a bad checksum; still only the 8 bytes are dropped.
    const f = collect();
    f.push(concat(good.subarray(0, 8), good));
    expect(f.frames.map((x) => hex(x.raw))).toEqual([hex(good)]);
    expect(f.discards).toEqual([{ hex: 'aa aa aa 96 69 00 04 00', reason: 'bad checksum' }]);
  });

  it('a truncated frame with nothing after it waits; reset() (on a command timeout) forgets it', () => {
    const f = collect();
    f.push(READ_ANSWER.subarray(0, 700));
    expect(f.frames).toEqual([]);
    expect(f.framer.pending).toBe(700);
    f.framer.discardPending('timeout');
    expect(f.discards).toEqual([{ hex: 'aa aa aa 96 69 05 08 00 00 90 … (700 bytes, payload withheld)', reason: 'timeout' }]);
    f.push(encodeResponse(SW.noCard));
    expect(f.frames).toHaveLength(1);
    f.push(READ_ANSWER.subarray(0, 20));
    f.framer.reset();
    f.push(encodeResponse(SW.noCard));
    expect(f.frames).toHaveLength(2);
  });

  it('impossible lengths (too short, absurdly long) are resynchronised', () => {
    const good = encodeResponse(SW.ok);
    const f = collect();
    f.push(concat(fromHex('aa aa aa 96 69 00 01 77'), fromHex('aa aa aa 96 69 ff f0 00'), good));
    expect(f.frames.map((x) => hex(x.raw))).toEqual([hex(good)]);
    expect(f.discards.map((d) => d.reason)).toEqual(['impossible length', 'impossible length']);
    expect(f.discards.map((d) => d.hex).join(' ')).toBe('aa aa aa 96 69 00 01 77 aa aa aa 96 69 ff f0 00');
  });

  it('commands are framed too (the simulator side, LEN >= 3)', () => {
    const f = collect({ minLen: MIN_COMMAND_LEN });
    f.push(concat(encodeNamed('findCard'), fromHex('00'), encodeNamed('readText')));
    expect(f.frames.map((x) => hex(x.body))).toEqual(['20 01', '30 01']);
  });

  it('random garbage around frames never loses a frame that arrives intact and apart from the garbage', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 30 }), fc.integer({ min: 0, max: VALID_FRAMES.length - 1 })), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 97 }),
        (parts, chunk) => {
          // Garbage that does not contain AA keeps the test about resync, not about lookalike preambles.
          const frames = parts.map(([, i]) => VALID_FRAMES[i]![1]);
          const all = concat(...parts.flatMap(([g, i]) => [g.map((b) => (b === 0xaa ? 0x55 : b)), VALID_FRAMES[i]![1]]));
          const f = collect();
          for (let at = 0; at < all.length; at += chunk) f.push(all.subarray(at, at + chunk));
          expect(f.frames.map((x) => hex(x.raw))).toEqual(frames.map(hex));
        },
      ),
      { numRuns: 200 },
    );
  });
});

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
