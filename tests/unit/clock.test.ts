import { describe, expect, it } from 'vitest';
import { HybridClock, formatHlc, hlcWall, makeOrigin, parseHlc, parseOrigin } from '../../shared/clock';

describe('hybrid logical clock', () => {
  it('never runs backwards when the wall clock is set back', () => {
    let now = 1_000_000;
    const c = new HybridClock({ now: () => now });
    const a = c.tick();
    now -= 60_000;
    const b = c.tick();
    const d = c.tick();
    expect(a < b && b < d).toBe(true);
    expect(hlcWall(b)).toBe(1_000_000);
  });

  it('moves past a remote clock that is ahead, so an event written after another sorts after it', () => {
    const local = new HybridClock({ now: () => 1_000 });
    const remote = new HybridClock({ now: () => 600_000 });
    const seen = remote.tick();
    const merged = local.receive(seen);
    expect(merged > seen).toBe(true);
    expect(local.tick() > seen).toBe(true);
  });

  it('reports drift when a remote clock is further ahead than allowed, and still keeps causality', () => {
    const drifts: number[] = [];
    const local = new HybridClock({ now: () => 0, maxDriftMs: 60_000, onDrift: (d) => drifts.push(d) });
    const ahead = formatHlc({ wall: 10 * 60_000, count: 3 });
    expect(local.receive(ahead) > ahead).toBe(true);
    expect(drifts).toEqual([600_000]);
  });

  it('string form sorts in time order, counter included', () => {
    const values = [formatHlc({ wall: 5, count: 10 }), formatHlc({ wall: 5, count: 2 }), formatHlc({ wall: 40, count: 0 }), formatHlc({ wall: 1_763_800_000_000, count: 0 })];
    const byTime = [...values].sort((a, b) => parseHlc(a).wall - parseHlc(b).wall || parseHlc(a).count - parseHlc(b).count);
    expect([...values].sort()).toEqual(byTime);
  });

  it('borrows the next millisecond after 9999 events in one millisecond', () => {
    const c = new HybridClock({ now: () => 7 });
    let last = '';
    for (let i = 0; i < 10_001; i++) {
      const h = c.tick();
      expect(h > last).toBe(true);
      last = h;
    }
    expect(hlcWall(last)).toBe(8);
  });

  it('resumes after a restart from the newest stored value, even if the machine clock is behind', () => {
    const before = formatHlc({ wall: 5_000, count: 7 });
    const c = new HybridClock({ now: () => 1_000, last: before });
    expect(c.tick() > before).toBe(true);
  });

  it('refuses malformed values', () => {
    expect(() => parseHlc('12-3')).toThrow(/hybrid logical clock/);
  });
});

describe('origins and epochs', () => {
  it('an origin is terminal id plus epoch, so a terminal that lost its database never reuses origin:seq', () => {
    expect(makeOrigin('kiosk-1', 1)).not.toBe(makeOrigin('kiosk-1', 2));
    expect(parseOrigin('kiosk-1~12')).toEqual({ terminalId: 'kiosk-1', epoch: 12 });
  });

  it('refuses bad terminal ids and epochs', () => {
    expect(() => makeOrigin('Kiosk 1', 1)).toThrow();
    expect(() => makeOrigin('kiosk-1', 0)).toThrow();
    expect(() => parseOrigin('kiosk-1')).toThrow();
  });
});
