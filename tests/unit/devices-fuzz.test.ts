/**
 * The device fuzzer (tests/fuzz, `npm run fuzz`) in the unit tier: a short seeded run over every
 * target, so a framer or driver that starts crashing, hanging or hoarding bytes on damaged
 * input fails here too; and the fuzzer's own detectors, shown a framer that throws, a buffer
 * that grows and a call that never settles.
 */
import { describe, expect, it } from 'vitest';
import { formatFinding, runFuzz, summaryLine, type FuzzTarget } from '../fuzz/engine';
import { TARGETS } from '../fuzz/targets';

describe('device fuzzing', () => {
  it('every framer, parser and driver takes 500 seeded iterations of damaged bytes without a crash, a hang, a buffer past its bound or a lost frame', async () => {
    const s = await runFuzz(TARGETS, { iterations: 500, seed: 20261207 });
    expect(s.findings.map((f) => formatFinding(f, s.seed))).toEqual([]);
    expect({ crashes: s.crashes, hangs: s.hangs, unbounded: s.unbounded, wrong: s.wrong }).toEqual({ crashes: 0, hangs: 0, unbounded: 0, wrong: 0 });
    expect(s.iterations).toBe(500);
    // Every target ran, and the buffered framers were measured.
    for (const t of TARGETS) expect(s.targets[t.name], t.name).toBeGreaterThan(0);
    for (const name of ['card.framer', 'scanner.serialFramer', 'scanner.hidPosFramer', 'evaluator.rs485Framer', 'led.frameParser', 'card.driver']) {
      expect(s.maxBuffer[name]?.max, name).toBeGreaterThan(0);
    }
    const last = JSON.parse(summaryLine(s));
    expect(last).toMatchObject({ iterations: 500, crashes: 0, hangs: 0, seed: 20261207 });
  }, 300_000);

  it('the same seed replays the same run, and one iteration can be re-run on its own', async () => {
    const a = await runFuzz(TARGETS, { iterations: 60, seed: 7, only: ['card.', 'printer.', 'scanner.serialFramer'] });
    const b = await runFuzz(TARGETS, { iterations: 60, seed: 7, only: ['card.', 'printer.', 'scanner.serialFramer'] });
    expect(b.targets).toEqual(a.targets);
    expect(b.maxBuffer).toEqual(a.maxBuffer);
    const one = await runFuzz(TARGETS, { iterations: 1, seed: 7, start: 41, only: ['card.', 'printer.', 'scanner.serialFramer'] });
    expect(one.iterations).toBe(1);
  }, 120_000);

  it('reports an exception out of a framer as a crash, with the seed, the iteration and the input hex', async () => {
    const throwing: FuzzTarget = {
      name: 'broken.framer',
      weight: 1,
      run(ctx) {
        const input = ctx.rng.bytes(8);
        ctx.note('input', input);
        ctx.guard('push()', () => {
          if (input[0]! < 0x80) throw new TypeError('cannot read properties of undefined');
        });
      },
    };
    const s = await runFuzz([throwing], { iterations: 20, seed: 3 });
    expect(s.crashes).toBeGreaterThan(0);
    const text = formatFinding(s.findings[0]!, s.seed);
    expect(text).toMatch(/^CRASH in broken\.framer at iteration \d+ \(seed 3\): push\(\) threw: TypeError/);
    expect(text).toMatch(/reproduce: npm run fuzz -- --seed 3 --start \d+ --iterations 1/);
    expect(text).toMatch(/input: [0-9a-f]{16}/);
  });

  it('reports a buffer above its declared bound as unbounded, and a driver call that never settles as a hang (in virtual time)', async () => {
    const hoarding: FuzzTarget = {
      name: 'broken.hoarder',
      weight: 1,
      run(ctx) {
        ctx.buffer(ctx.rng.range(0, 10_000), 4096);
      },
    };
    const stuck: FuzzTarget = {
      name: 'broken.driver',
      weight: 1,
      virtualTime: true,
      async run(ctx) {
        const never = new Promise<void>(() => {});
        const settled = await ctx.clock.until(() => false, 60_000);
        if (!settled) ctx.fail('hang', 'print() did not settle within 60000 ms (virtual)');
        void never;
      },
    };
    const t0 = Date.now();
    const s = await runFuzz([hoarding, stuck], { iterations: 40, seed: 9 });
    expect(s.unbounded).toBeGreaterThan(0);
    expect(s.hangs).toBe(s.targets['broken.driver']);
    expect(s.maxBuffer['broken.hoarder']!.max).toBeGreaterThan(4096);
    // A minute of virtual time per hang costs no real minute.
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
