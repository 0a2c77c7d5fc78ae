#!/usr/bin/env node
// Typecheck each runtime separately: shared/ without DOM or Node types, server/electron with
// Node, renderer with the DOM, tests with both. A project with no files yet is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const projects = [
  ['tsconfig.shared.json', ['shared']],
  ['tsconfig.node.json', ['server', 'electron', 'scripts']],
  ['tsconfig.web.json', ['renderer']],
  ['tsconfig.test.json', ['tests']],
];
const hasTs = (dir) =>
  existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => /\.tsx?$/.test(String(f)) && !String(f).includes('node_modules'));

let failed = false;
for (const [project, dirs] of projects) {
  if (!dirs.some(hasTs)) continue;
  const r = spawnSync('npx', ['tsc', '-p', project], { stdio: 'inherit' });
  console.log(`typecheck ${project}: ${r.status === 0 ? 'ok' : 'FAILED'}`);
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
