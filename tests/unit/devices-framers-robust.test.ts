/**
 * Issue 16: more published traces exist than the ones in tests/fixtures/devices/, so the new
 * framers must survive any bytes: random and mutated input never throws, and after any garbage
 * the next well-formed frame still reads (the framer resynchronises instead of wedging).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ff68Framer, ff68Frame } from '../../electron/devices/evaluator/ff68';
import { StxEtxFramer } from '../../electron/devices/scanner/stxEtxFramer';

const bytes = fc.uint8Array({ maxLength: 200 });
const cutAnywhere = (b: Uint8Array, cuts: number[]) => {
  const at = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of [...at, b.length]) {
    out.push(b.subarray(from, c));
    from = c;
  }
  return out;
};

describe('FF 68 framer under random input', () => {
  it('never throws, and a good frame after any garbage is still read', () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 5 }), fc.integer({ min: 0, max: 3 }), (garbage, cuts, value) => {
        const f = new Ff68Framer();
        const good = ff68Frame(1, 0x11, [value]);
        const stream = Uint8Array.from([...garbage, ...good]);
        const frames = cutAnywhere(stream, cuts).flatMap((c) => f.push(c));
        expect(frames.at(-1)).toMatchObject({ address: 1, func: 0x11 });
        expect(Array.from(frames.at(-1)!.data)).toEqual([value]);
      }),
      { numRuns: 500 },
    );
  });

  it('mutating one byte of a good frame never yields a different rating (the sum catches it)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const good = ff68Frame(1, 0x11, [0x02]);
        const bad = Uint8Array.from(good);
        bad[i] = bad[i]! ^ x;
        const frames = new Ff68Framer().push(bad);
        for (const fr of frames) expect(fr.func === 0x11 && fr.address === 1 && fr.data[0] !== 0x02).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('STX … ETX framer under random input', () => {
  it('never throws, and a good frame after any garbage is still read', () => {
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 5 }), fc.boolean(), (garbage, cuts, codeId) => {
        const f = new StxEtxFramer({ codeId });
        const good = Uint8Array.from([0x02, ...(codeId ? [0x73] : []), ...new TextEncoder().encode('A023'), 0x03]);
        const stream = Uint8Array.from([...garbage, ...good]);
        const codes = cutAnywhere(stream, cuts).flatMap((c) => f.push(c));
        expect(new TextDecoder().decode(codes.at(-1)!.data)).toBe('A023');
      }),
      { numRuns: 500 },
    );
  });

  it('a code longer than its limit is dropped and the framer reads the next one', () => {
    const f = new StxEtxFramer({ maxBytes: 64 });
    const dropped: string[] = [];
    const g = new StxEtxFramer({ maxBytes: 64, onDiscard: (_h, why) => dropped.push(why) });
    const long = Uint8Array.from([0x02, ...new Uint8Array(10_000).fill(0x41), 0x03, 0x02, 0x42, 0x03]);
    expect(f.push(long).map((c) => new TextDecoder().decode(c.data))).toEqual(['B']);
    g.push(long);
    expect(dropped[0]).toMatch(/longer than 64/);
  });
});
