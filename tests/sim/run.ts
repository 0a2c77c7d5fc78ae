/**
 * Convergence simulation: `npm run sim -- --seed S --runs N`.
 * fast-check draws each run's hall (terminals, faults, length); on a failure it shrinks to the
 * smallest hall that still fails and prints it. The last line is one JSON object.
 */
import fc from 'fast-check';
import { runWorld, type RunResult, type WorldOptions } from './world';
import { runConflictCase } from './conflictCase';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

const seed = arg('seed', 20261122);
const runs = arg('runs', 200);

const options: fc.Arbitrary<WorldOptions> = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  kiosks: fc.integer({ min: 1, max: 4 }),
  counters: fc.integer({ min: 1, max: 5 }),
  steps: fc.integer({ min: 20, max: 400 }),
  partition: fc.double({ min: 0, max: 0.3, noNaN: true }),
  duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  crash: fc.double({ min: 0, max: 0.05, noNaN: true }),
  skewMs: fc.constantFrom(0, 60_000, 600_000),
});

const totals = { runs: 0, converged: 0, lostTickets: 0, duplicateNumbers: 0, doubleServed: 0, doubleRated: 0, sentAway: 0 };
let events = 0;
let tickets = 0;
let conflicts = 0;
let failure: string | undefined;

const ok = (r: RunResult) => r.converged && r.lostTickets === 0 && r.duplicateNumbers === 0 && r.doubleServed === 0 && r.doubleRated === 0 && r.sentAway === 0;

try {
  fc.assert(
    fc.property(options, (o) => {
      const r = runWorld(o);
      totals.runs += 1;
      if (r.converged) totals.converged += 1;
      totals.lostTickets += r.lostTickets;
      totals.duplicateNumbers += r.duplicateNumbers;
      totals.doubleServed += r.doubleServed;
      totals.doubleRated += r.doubleRated;
      totals.sentAway += r.sentAway;
      events += r.events;
      tickets += r.tickets;
      conflicts += r.conflicts;
      if (!ok(r)) failure = `${JSON.stringify(o)} -> ${JSON.stringify(r)}`;
      return ok(r);
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
} catch (err) {
  console.error(String(err instanceof Error ? err.message : err).split('\n').slice(0, 12).join('\n'));
  console.error(`smallest failing hall: ${failure}`);
}
// Issue 17's case, every arrival order: the call follows the citizen to the window serving them.
const conflictCase = runConflictCase();
console.log(`issue 17 conflict case: ${conflictCase.followedCitizen} of ${conflictCase.orders} arrival orders send the citizen to the window serving them`);
console.log(`simulated ${totals.runs} halls: ${events} events, ${tickets} tickets, ${conflicts} call conflicts resolved`);
console.log(JSON.stringify({ ...totals, conflictCase }));
process.exitCode =
  totals.runs === totals.converged && totals.lostTickets + totals.duplicateNumbers + totals.doubleServed + totals.doubleRated + totals.sentAway === 0 && conflictCase.followedCitizen === conflictCase.orders ? 0 : 1;
