/**
 * `npm run fuzz -- --iterations N --seed S [--start I] [--only card.,printer.driver]`
 *
 * Random and mutated bytes into every framer and parser in electron/devices and into each
 * driver through a fake link (tests/fuzz/targets). Findings are printed with the seed, the
 * iteration and the input hex; the last line is one JSON object; the exit code is 1 on any
 * crash, hang, unbounded buffer or wrong output.
 */
import { randomInt } from 'node:crypto';
import { failed, runFuzz, summaryLine } from './engine';
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

const seed = int('seed', randomInt(0, 2 ** 31));
const iterations = int('iterations', 10_000);
const start = int('start', 0);
const only = arg('only')?.split(',').filter(Boolean);

if (process.argv.includes('--list')) {
  for (const t of TARGETS) console.log(`${t.name}${t.virtualTime ? ' (driver, virtual time)' : ''}`);
  process.exit(0);
}

const summary = await runFuzz(TARGETS, {
  iterations,
  seed,
  start,
  ...(only ? { only } : {}),
  log: (line) => console.error(line),
  trace: process.argv.includes('--trace'),
});
console.log(summaryLine(summary));
process.exit(failed(summary) ? 1 : 0);
