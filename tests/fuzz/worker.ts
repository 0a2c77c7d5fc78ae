/**
 * The fuzz loop in a worker thread, so the main thread can watch it: a framer stuck in a loop
 * never returns to the event loop, and only another thread can notice, stop it and say which
 * iteration (and input) did it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runFuzz, type FuzzOptions } from './engine';
import { TARGETS } from './targets';

const o = workerData as Omit<FuzzOptions, 'log' | 'onIteration' | 'onFinding'>;
const port = parentPort!;
const summary = await runFuzz(TARGETS, {
  ...o,
  log: (line) => port.postMessage({ type: 'log', line }),
  onIteration: (iteration, target) => port.postMessage({ type: 'start', iteration, target }),
  onFinding: (f) => port.postMessage({ type: 'finding', kind: f.kind }),
});
port.postMessage({ type: 'done', summary });
