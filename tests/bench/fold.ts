/**
 * `npm run bench -- fold`: the fold over a busy day of 100,000 events.
 * - rebuild: a fresh fold of the whole log, shuffled (sort + fold), vs merely sorting it.
 * - append: folding one event at the tail, as a terminal does for each new event.
 */
import { compareEvents } from '../../shared/events';
import { HallFold } from '../../shared/fold';
import { HALL } from '../support/hall';
import { busyDay } from './busyDay';
import { Rng } from '../../scripts/sim/prng';

const N = Number(process.env.FOLD_EVENTS ?? 100_000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rng = new Rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function benchFold(): Record<string, number> {
  const t0 = performance.now();
  const log = busyDay(N);
  const generateMs = performance.now() - t0;

  const sortTimes: number[] = [];
  const rebuildTimes: number[] = [];
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  for (let round = 0; round < 7; round++) {
    // Same shuffled input for both, so neither gets an easier order; a collection before each.
    const input = shuffled(log, round + 1);
    const a = [...input];
    gc();
    let t = performance.now();
    a.sort(compareEvents);
    sortTimes.push(performance.now() - t);
    const f = new HallFold(HALL);
    gc();
    t = performance.now();
    f.addMany(input);
    rebuildTimes.push(performance.now() - t);
  }

  // Append at the tail: fold 90% of the day, then time each of the remaining events.
  const split = Math.floor(N * 0.9);
  const f = new HallFold(HALL);
  f.addMany(log.slice(0, split));
  const appendUs: number[] = [];
  for (let i = split; i < N; i++) {
    const t = performance.now();
    f.add(log[i]!);
    appendUs.push((performance.now() - t) * 1000);
  }
  appendUs.sort((a, b) => a - b);
  const p = (q: number) => appendUs[Math.min(appendUs.length - 1, Math.floor(q * appendUs.length))]!;
  const tickets = f.state.tickets.size;
  const rebuildMs = median(rebuildTimes);
  const sortMs = median(sortTimes);
  return {
    events: N,
    tickets,
    generate_ms: Math.round(generateMs),
    sort_ms: round2(sortMs),
    rebuild_ms: round2(rebuildMs),
    rebuild_vs_sort_ratio: round2(rebuildMs / sortMs),
    append_p50_us: round2(p(0.5)),
    append_p99_us: round2(p(0.99)),
    heap_mb: Math.round(process.memoryUsage().heapUsed / 1e6),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
