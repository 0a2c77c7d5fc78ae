/**
 * `npm run bench -- <name>`: each benchmark prints what it measured and, as its last line, one
 * JSON object. Ratios compare our path with the raw operation beneath it in the same run.
 */
import { benchCapture } from './capture';
import { benchFold } from './fold';
import { benchIsolation } from './isolation';
import { benchKiosk } from './kiosk';
import { benchPin } from './pin';
import { benchStartup } from './startup';
import { benchStats } from './stats';
import { benchSync } from './sync';

type Result = Record<string, number | string>;
const benches: Record<string, () => Result | Promise<Result>> = {
  fold: benchFold,
  sync: benchSync,
  kiosk: benchKiosk,
  stats: benchStats,
  capture: benchCapture,
  pin: benchPin,
  isolation: benchIsolation,
  startup: benchStartup,
};

const names = process.argv.slice(2).filter((a) => !a.startsWith('-') && !/^[\d.]+$/.test(a)); // not a flag's value (--days 3)
const chosen = names.length ? names : Object.keys(benches);
for (const name of chosen) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  const result = await bench();
  // Each benchmark leaves nothing running; exit explicitly in case a driver keeps a handle.
  console.log(`${name}: ${Object.entries(result).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(JSON.stringify({ bench: name, ...result }));
}

process.exit(0);
