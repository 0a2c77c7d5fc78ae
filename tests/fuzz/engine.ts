/**
 * The fuzz loop: each iteration picks a target and an input from its own seeded stream, runs
 * it, and records what went wrong:
 *  - crash: an exception escaped a framer, parser or driver (or a rejection nobody handled),
 *    where the contract says it returns an error, reports a fault or answers a result;
 *  - hang: a driver call that did not settle within its own timeout plus a margin (virtual
 *    time), or a driver that stopped doing its job (a poll loop that went quiet);
 *  - unbounded: a framer's buffer above the bound it declares;
 *  - wrong: valid frames, cut anywhere, not returned exactly (the framer lost or invented one),
 *    or an output that breaks the contract's schema.
 * Every finding carries the run seed, the iteration and the input (hex) that reproduces it.
 */
import { VirtualClock } from './clock';
import { hex } from './mutate';
import { Rng, iterationSeed } from './rng';

export type FindingKind = 'crash' | 'hang' | 'unbounded' | 'wrong';

export interface Finding {
  kind: FindingKind;
  target: string;
  iteration: number;
  detail: string;
  /** The inputs of the iteration (hex), labelled. */
  inputs: Array<{ label: string; hex: string }>;
}

export interface IterationContext {
  readonly rng: Rng;
  /** Virtual time (installed for driver targets only). */
  readonly clock: VirtualClock;
  /** Remember an input for the report (only printed if the iteration finds something). */
  note(label: string, bytes: Uint8Array | string): void;
  fail(kind: FindingKind, detail: string): void;
  /** A framer's buffer size right now, against its declared bound. */
  buffer(bytes: number, bound: number, what?: string): void;
  /** Run `fn`; an exception out of it is a crash (labelled `what`). */
  guard<T>(what: string, fn: () => T): T | undefined;
}

export interface FuzzTarget {
  name: string;
  /** How often it is picked, relative to the others. */
  weight: number;
  /** Needs the virtual clock (drivers). */
  virtualTime?: boolean;
  run(ctx: IterationContext): void | Promise<void>;
}

export interface FuzzOptions {
  iterations: number;
  seed: number;
  /** First iteration number (to re-run one iteration: start = its number, iterations = 1). */
  start?: number;
  /** Only these targets (names or name prefixes). */
  only?: string[];
  /** Findings printed with their input (default 10). */
  printFindings?: number;
  log?: (line: string) => void;
  /** Print every input as it is fed (to watch one iteration). */
  trace?: boolean;
  /** Told before each iteration starts (the watchdog thread watches these). */
  onIteration?: (iteration: number, target: string) => void;
  /** Told of every finding as it is counted. */
  onFinding?: (f: Finding) => void;
}

export interface FuzzSummary {
  iterations: number;
  crashes: number;
  hangs: number;
  unbounded: number;
  wrong: number;
  /** Largest buffer seen per target (bytes), with its declared bound. */
  maxBuffer: Record<string, { max: number; bound: number }>;
  /** Iterations run per target. */
  targets: Record<string, number>;
  seed: number;
  start: number;
  ms: number;
  slowestIterationMs: number;
  /** The slowest iteration (to look at a framer that is slow on some input). */
  slowest: { target: string; iteration: number };
  findings: Finding[];
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return String(err);
}

export async function runFuzz(targets: readonly FuzzTarget[], o: FuzzOptions): Promise<FuzzSummary> {
  const start = o.start ?? 0;
  const chosen = o.only?.length ? targets.filter((t) => o.only!.some((n) => t.name === n || t.name.startsWith(n))) : targets;
  if (chosen.length === 0) throw new Error(`no fuzz target matches ${o.only?.join(', ')}`);
  const weights = chosen.map((t) => [t, t.weight] as const);
  const summary: FuzzSummary = {
    iterations: 0,
    crashes: 0,
    hangs: 0,
    unbounded: 0,
    wrong: 0,
    maxBuffer: {},
    targets: Object.fromEntries(chosen.map((t) => [t.name, 0])),
    seed: o.seed,
    start,
    ms: 0,
    slowestIterationMs: 0,
    slowest: { target: '', iteration: 0 },
    findings: [],
  };
  const printLimit = o.printFindings ?? 10;
  let current: ((err: unknown) => void) | undefined;
  const onUnhandled = (err: unknown) => current?.(err);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const began = performance.now();
  try {
    for (let i = start; i < start + o.iterations; i++) {
      const rng = new Rng(iterationSeed(o.seed, i));
      const target = rng.weighted(weights);
      const inputs: Finding['inputs'] = [];
      const found: Finding[] = [];
      const fail = (kind: FindingKind, detail: string) => {
        if (found.length < 5) found.push({ kind, target: target.name, iteration: i, detail, inputs });
      };
      const clock = new VirtualClock((err) => fail('crash', `a timer callback threw: ${describeError(err)}`));
      const ctx: IterationContext = {
        rng,
        clock,
        note: (label, bytes) => {
          if (o.trace) o.log?.(`[${i} ${target.name}] ${label}: ${(typeof bytes === 'string' ? bytes : hex(bytes, 64)).slice(0, 200)}`);
          if (inputs.length < 20) inputs.push({ label, hex: typeof bytes === 'string' ? bytes : hex(bytes) });
        },
        fail,
        buffer: (bytes, bound, what) => {
          const key = what ? `${target.name}:${what}` : target.name;
          const m = (summary.maxBuffer[key] ??= { max: 0, bound });
          if (bytes > m.max) {
            m.max = bytes;
            m.bound = bound;
          }
          if (bytes > bound) fail('unbounded', `${key} holds ${bytes} bytes, above its bound of ${bound}`);
        },
        guard: (what, fn) => {
          try {
            return fn();
          } catch (err) {
            fail('crash', `${what} threw: ${describeError(err)}`);
            return undefined;
          }
        },
      };
      current = (err) => fail('crash', `unhandled: ${describeError(err)}`);
      o.onIteration?.(i, target.name);
      const t0 = performance.now();
      if (target.virtualTime) clock.install();
      try {
        await target.run(ctx);
      } catch (err) {
        fail('crash', describeError(err));
      } finally {
        if (target.virtualTime) clock.uninstall();
      }
      // Late rejections of this iteration surface within a turn.
      await new Promise((r) => setImmediate(r));
      current = undefined;
      const took = performance.now() - t0;
      if (took > summary.slowestIterationMs) {
        summary.slowestIterationMs = took;
        summary.slowest = { target: target.name, iteration: i };
      }
      summary.iterations += 1;
      summary.targets[target.name] = (summary.targets[target.name] ?? 0) + 1;
      for (const f of found) {
        if (f.kind === 'crash') summary.crashes += 1;
        else if (f.kind === 'hang') summary.hangs += 1;
        else if (f.kind === 'unbounded') summary.unbounded += 1;
        else summary.wrong += 1;
        o.onFinding?.(f);
        if (summary.findings.length < printLimit) {
          summary.findings.push(f);
          o.log?.(formatFinding(f, o.seed));
        }
      }
    }
  } finally {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
  }
  summary.ms = Math.round(performance.now() - began);
  summary.slowestIterationMs = Math.round(summary.slowestIterationMs);
  return summary;
}

export function formatFinding(f: Finding, seed: number): string {
  const lines = [
    `${f.kind.toUpperCase()} in ${f.target} at iteration ${f.iteration} (seed ${seed}): ${f.detail}`,
    `  reproduce: npm run fuzz -- --seed ${seed} --start ${f.iteration} --iterations 1`,
    ...f.inputs.map((x) => `  ${x.label}: ${x.hex}`),
  ];
  return lines.join('\n');
}

/** The one-line JSON the command ends with (findings are printed above it, not in it). */
export function summaryLine(s: FuzzSummary): string {
  const { findings: _findings, ...rest } = s;
  return JSON.stringify(rest);
}

export function failed(s: FuzzSummary): boolean {
  return s.crashes + s.hangs + s.unbounded + s.wrong > 0;
}
