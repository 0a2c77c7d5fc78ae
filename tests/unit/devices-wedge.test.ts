import { describe, expect, it } from 'vitest';
import { isPrintable, WedgeDetector, type WedgeKey, type WedgeOptions, type WedgeStep } from '../../renderer/devices/wedge';

/** Keys of `text` starting at t0, `gap` ms apart, then Enter after `enterGap`. */
function typed(text: string, t0: number, gap: number, end: string | null = 'Enter', enterGap = gap): WedgeKey[] {
  const keys = [...text].map((key, i) => ({ key, time: t0 + i * gap }));
  if (end) keys.push({ key: end, time: t0 + (keys.length - 1) * gap + enterGap });
  return keys;
}

/**
 * Run keys through a detector the way a screen would: swallowed keys do not reach the field,
 * passed keys do, `retract` takes text back out, `release` puts swallowed text back.
 */
function run(keys: WedgeKey[], o: WedgeOptions = {}, tickAt: number[] = []) {
  const d = new WedgeDetector(o);
  let field = '';
  const scans: string[] = [];
  const steps: WedgeStep[] = [];
  const apply = (s: WedgeStep) => {
    if (s.retract) {
      expect(field.endsWith(s.retract)).toBe(true);
      field = field.slice(0, field.length - s.retract.length);
    }
    if (s.release) field += s.release;
    if (s.scan) scans.push(s.scan.text + (s.scan.symbology ? ` (${s.scan.symbology})` : ''));
  };
  const ticks = [...tickAt];
  for (const k of keys) {
    while (ticks.length && ticks[0]! <= k.time) {
      const s = d.tick(ticks.shift()!);
      if (s) apply(s);
    }
    const s = d.feed(k);
    steps.push(s);
    apply(s);
    if (!s.swallow && [...k.key].length === 1 && !k.isComposing) field += k.key;
    if (!s.swallow && k.key === 'Enter') field += '\n';
  }
  for (const t of ticks) {
    const s = d.tick(t);
    if (s) apply(s);
  }
  return { field, scans, steps, detector: d };
}

describe('keyboard-wedge scanner detection', () => {
  it('a fast burst ending in Enter is a scan; from the 3rd key on keys are swallowed, the first two are retracted', () => {
    const r = run(typed('A0012345', 1000, 8));
    expect(r.scans).toEqual(['A0012345']);
    expect(r.field).toBe('');
    expect(r.steps.map((s) => s.swallow)).toEqual([false, false, true, true, true, true, true, true, true]);
    expect(r.steps[8]).toMatchObject({ swallow: true, retract: 'A0', scan: { text: 'A0012345', source: 'keyboard' } });
  });

  it('an AIM prefix becomes the symbology', () => {
    const r = run(typed(']Q1https://zwfw.example.gov.cn/p?t=A001', 0, 5));
    expect(r.scans).toEqual(['https://zwfw.example.gov.cn/p?t=A001 (]Q1)']);
  });

  it('a person typing (keys 60–200 ms apart) passes through untouched, Enter included', () => {
    const keys = [...'110101199003077777'].map((key, i) => ({ key, time: 500 + i * (60 + ((i * 37) % 140)) }));
    keys.push({ key: 'Enter', time: keys[keys.length - 1]!.time + 120 });
    const r = run(keys);
    expect(r.scans).toEqual([]);
    expect(r.field).toBe('110101199003077777\n');
    expect(r.steps.every((s) => !s.swallow && !s.retract && !s.release)).toBe(true);
  });

  it('a fast typist rolling two keys (< 30 ms) is still a person', () => {
    const keys = [
      { key: 't', time: 0 },
      { key: 'h', time: 12 },
      { key: 'e', time: 140 },
      { key: 'n', time: 152 },
      { key: 'Enter', time: 170 },
    ];
    const r = run(keys);
    expect(r.scans).toEqual([]);
    expect(r.field).toBe('then\n');
  });

  it('mixed: typing, a scan in the middle, typing again — the field keeps only what the person typed', () => {
    const keys = [
      ...typed('Zhang', 0, 150, null),
      ...typed('A0012345', 2000, 10),
      ...typed(' San', 3000, 130, null),
      { key: 'Shift', time: 5000 }, // a modifier on its own changes nothing
      ...typed('Q2', 5001, 110, 'Enter', 200),
    ];
    const r = run(keys);
    expect(r.scans).toEqual(['A0012345']);
    expect(r.field).toBe('Zhang SanQ2\n');
  });

  it('Shift between keys (a scanner typing capitals) does not break the burst', () => {
    const keys: WedgeKey[] = [];
    let t = 0;
    for (const ch of 'AB12cd') {
      if (ch >= 'A' && ch <= 'Z') keys.push({ key: 'Shift', time: (t += 2) });
      keys.push({ key: ch, time: (t += 6) });
    }
    keys.push({ key: 'Enter', time: (t += 6) });
    expect(run(keys).scans).toEqual(['AB12cd']);
  });

  it('a burst without Enter times out: not a scan, and the swallowed keys are given back', () => {
    const r = run(typed('A0012345', 0, 8, null), {}, [70, 200]);
    expect(r.scans).toEqual([]);
    expect(r.field).toBe('A0012345');
    expect(r.detector.collecting).toBe(false);
  });

  it('a burst broken by a slow key is not a scan; everything ends up in the field in order', () => {
    const r = run([...typed('ABCDE', 0, 8, null), { key: 'F', time: 300 }, { key: 'Enter', time: 310 }]);
    expect(r.scans).toEqual([]);
    expect(r.field).toBe('ABCDEF\n');
  });

  it('Enter that comes too late, or too short a burst, is not a scan', () => {
    expect(run(typed('A001', 0, 8, 'Enter', 200)).field).toBe('A001\n');
    expect(run(typed('A001', 0, 8, 'Enter', 200)).scans).toEqual([]);
    const short = run(typed('12', 0, 5));
    expect(short.scans).toEqual([]);
    expect(short.field).toBe('12\n');
  });

  it('IME composition is ignored: fast keys while composing never make a scan and pass through', () => {
    const composing = [...'zhongguo'].map((key, i) => ({ key, time: i * 5, isComposing: true }));
    const r = run([...composing, { key: 'Enter', time: 45, isComposing: true }]);
    expect(r.scans).toEqual([]);
    expect(r.steps.every((s) => !s.swallow)).toBe(true);
    const process = [...'abcdef'].map((_, i) => ({ key: 'Process', time: i * 5 }));
    expect(run([...process, { key: 'Enter', time: 35 }]).scans).toEqual([]);
  });

  it('IME input in the middle of a burst abandons it and gives its keys back', () => {
    const r = run([...typed('A00123', 0, 8, null), { key: 'Process', time: 50, isComposing: true }, { key: 'Enter', time: 55 }]);
    expect(r.scans).toEqual([]);
    expect(r.field).toBe('A00123\n');
  });

  it('thresholds are configurable: a slow scanner (45 ms), a Tab suffix, swallowing from the first key', () => {
    expect(run(typed('A0012345', 0, 45)).scans).toEqual([]);
    expect(run(typed('A0012345', 0, 45), { maxGapMs: 50 }).scans).toEqual(['A0012345']);
    expect(run(typed('A001', 0, 8, 'Tab'), { endKeys: ['Tab'] }).scans).toEqual(['A001']);
    const r = run(typed('A001', 0, 8), { swallowAfter: 1 }, [200]);
    expect(r.steps.every((s) => s.swallow)).toBe(true);
    expect(r.steps[4]!.retract).toBeUndefined();
    expect(r.field).toBe('');
  });

  it('printable means one character (CJK too), not a named key', () => {
    expect(isPrintable('a')).toBe(true);
    expect(isPrintable('中')).toBe(true);
    expect(isPrintable(' ')).toBe(true);
    expect(isPrintable('Enter')).toBe(false);
    expect(isPrintable('ArrowLeft')).toBe(false);
    expect(isPrintable('\u0007')).toBe(false);
  });
});
