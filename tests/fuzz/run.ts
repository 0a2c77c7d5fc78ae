/**
 * `npm run fuzz -- --iterations N --seed S [--start I] [--only card.,printer.driver] [--watchdog-ms MS]`
 *
 * Random and mutated bytes into every framer and parser in electron/devices and into each
 * driver through a fake link (tests/fuzz/targets). Findings are printed with the seed, the
 * iteration and the input hex; the last line is one JSON object; the exit code is 1 on any
 * crash, hang, unbounded buffer or wrong output.
 *
 * The loop runs in a worker thread. Driver calls run in virtual time and are timed there; a
 * framer that loops forever blocks its thread, so this thread stops the worker when one
 * iteration takes longer than --watchdog-ms (real time, default 60 s), counts a hang, and
 * re-runs that iteration with tracing to print the input that did it.
 */
import { randomInt } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { failed, summaryLine, type FuzzOptions, type FuzzSummary } from './engine';
import { TARGETS } from './targets';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

function int(name: string, fallback: number): number {
  const v = arg(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, not ${v}`);
    process.exit(2);
  }
  return n;
}

if (process.argv.includes('--list')) {
  for (const t of TARGETS) console.log(`${t.name}${t.virtualTime ? ' (driver, virtual time)' : ''}`);
  process.exit(0);
}

const seed = int('seed', randomInt(0, 2 ** 31));
const iterations = int('iterations', 10_000);
const start = int('start', 0);
const watchdogMs = int('watchdog-ms', 60_000);
const only = arg('only')?.split(',').filter(Boolean);
const trace = process.argv.includes('--trace');
const options: Omit<FuzzOptions, 'log' | 'onIteration' | 'onFinding'> = { iterations, seed, start, trace, ...(only ? { only } : {}) };

type Message =
  | { type: 'log'; line: string }
  | { type: 'start'; iteration: number; target: string }
  | { type: 'finding'; kind: 'crash' | 'hang' | 'unbounded' | 'wrong' }
  | { type: 'done'; summary: FuzzSummary };

function spawn(o: typeof options, onMessage: (m: Message) => void): Worker {
  // The worker needs tsx's loader too: a worker does not inherit module hooks, so it registers them first.
  const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href);
  const w = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`, { eval: true, workerData: o });
  w.on('message', onMessage);
  return w;
}

/** Run the fuzz loop in a worker under the watchdog. */
function watched(): Promise<FuzzSummary> {
  return new Promise((resolve, reject) => {
    const began = Date.now();
    // The main thread's own tally, for when the worker has to be stopped.
    const tally: FuzzSummary = { iterations: 0, crashes: 0, hangs: 0, unbounded: 0, wrong: 0, maxBuffer: {}, targets: {}, seed, start, ms: 0, slowestIterationMs: 0, slowest: { target: '', iteration: 0 }, findings: [] };
    let current: { iteration: number; target: string; at: number } | undefined;
    const worker = spawn(options, (m) => {
      if (m.type === 'log') console.error(m.line);
      else if (m.type === 'start') {
        if (current) tally.iterations += 1;
        current = { iteration: m.iteration, target: m.target, at: Date.now() };
        tally.targets[m.target] = (tally.targets[m.target] ?? 0) + 1;
      } else if (m.type === 'finding') {
        const k = m.kind === 'unbounded' ? 'unbounded' : m.kind === 'wrong' ? 'wrong' : m.kind === 'hang' ? 'hangs' : 'crashes';
        tally[k] += 1;
      } else if (m.type === 'done') {
        clearInterval(timer);
        void worker.terminate();
        resolve(m.summary);
      }
    });
    worker.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    const timer = setInterval(() => {
      if (!current || Date.now() - current.at < watchdogMs) return;
      clearInterval(timer);
      const stuck = current;
      void worker.terminate().then(async () => {
        console.error(
          `HANG in ${stuck.target} at iteration ${stuck.iteration} (seed ${seed}): one iteration ran for more than ${watchdogMs} ms (real time) without returning: a loop that never ends, or work that grows with the square of the input\n` +
            `  reproduce: npm run fuzz -- --seed ${seed} --start ${stuck.iteration} --iterations 1`,
        );
        await traceInput(stuck.iteration);
        tally.hangs += 1;
        tally.iterations += 1;
        tally.ms = Date.now() - began;
        resolve(tally);
      });
    }, Math.min(1000, watchdogMs));
  });
}

/** Re-run one stuck iteration with tracing just long enough to print its inputs. */
function traceInput(iteration: number): Promise<void> {
  return new Promise((resolve) => {
    const w = spawn({ ...options, start: iteration, iterations: 1, trace: true }, (m) => {
      if (m.type === 'log') console.error(`  ${m.line}`);
    });
    const stop = setTimeout(() => void w.terminate().then(() => resolve()), 3000);
    w.on('exit', () => {
      clearTimeout(stop);
      resolve();
    });
  });
}

const summary = await watched();
console.log(summaryLine(summary));
process.exit(failed(summary) ? 1 : 0);
