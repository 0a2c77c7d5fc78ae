/**
 * `npm run web`: the whole hall on one machine. Builds the screens, starts the hall server on
 * its embedded database with a demo hall open right now, simulated devices on real
 * pseudo-terminals (when socat is installed), and prints every terminal's address.
 *
 * The hall is kept in a data dir (default data/web) so a restart changes nothing for the
 * screens already open: their enrollment, the device host's port and token, the tickets.
 *
 *   --fresh          start a new demo hall (the kept one is removed)
 *   --no-build       serve the screens already built in dist/web
 *   HALLQ_PORT (8080), HALLQ_HOST (127.0.0.1),
 *   HALLQ_DATA_DIR (data/web; `memory`: keep nothing, a fresh demo hall each start),
 *   HALLQ_DEMO_HISTORY_DAYS (35: weeks of past tickets for the reports; 0 for none),
 *   HALLQ_SIM_PORT (8081: the simulated devices' panel),
 *   HALLQ_LOG_LEVEL (info: the server's JSON log on stdout, secrets redacted),
 *   HALLQ_SCREENS_DIR (dist/web: another build of the screens)
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { build } from 'vite';
import { DEMO_PIN, DEMO_STAFF, DEMO_TERMINALS } from './web/demoHall';
import { webDataDir, wipeDataDir } from './web/keptState';
import { startSimPanel } from './web/simPanel';
import { startWebHall } from './web/webHall';

function hasSocat(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const FLAGS = ['--fresh', '--no-build'];

async function main() {
  const unknown = process.argv.slice(2).filter((a) => !FLAGS.includes(a));
  if (unknown.length) throw new Error(`npm run web: unknown ${unknown.join(' ')} (flags: ${FLAGS.join(', ')})`);
  const dataDir = webDataDir(process.env, resolve(import.meta.dirname, '..'));
  if (dataDir && process.argv.includes('--fresh')) wipeDataDir(dataDir);
  if (!process.argv.includes('--no-build')) await build({ logLevel: 'warn' });
  const devices = hasSocat();
  const hall = await startWebHall({
    port: Number(process.env.HALLQ_PORT ?? 8080),
    host: process.env.HALLQ_HOST ?? '127.0.0.1',
    ...(dataDir ? { dataDir } : {}),
    devices,
    // The server's JSON log (secrets redacted: server/security/logging.ts) on stdout.
    logger: { level: process.env.HALLQ_LOG_LEVEL ?? 'info' },
    // Busy enough that the windows have queues at the morning and afternoon peaks.
    history: { days: Number(process.env.HALLQ_DEMO_HISTORY_DAYS ?? 35), perDay: 150 },
  });
  const line = (s = '') => process.stdout.write(`${s}\n`);
  line();
  line(`hallq web mode: the demo hall "${hall.hall}" at ${hall.url}`);
  line(
    dataDir
      ? hall.kept
        ? `kept in ${dataDir}: the hall as it was left; open screens keep working (npm run web -- --fresh starts a new demo hall)`
        : `kept in ${dataDir}: a new demo hall, kept across restarts (npm run web -- --fresh starts over)`
      : 'in memory (HALLQ_DATA_DIR=memory): nothing is kept; after a restart every screen needs its new address',
  );
  if (hall.history) line(`history: ${hall.history.days.length} past days, ${hall.history.days.reduce((n, d) => n + d.issued, 0)} tickets, ${hall.history.badRatings.length} bad ratings to rectify`);
  line(devices ? 'simulated devices: card reader, printer, scanner, evaluator keypad, LED strip (on pseudo-terminals)' : 'no socat: running without simulated devices (kiosks hand out e-tickets)');
  const panel = hall.sims ? await startSimPanel(hall.sims, Number(process.env.HALLQ_SIM_PORT ?? 8081)) : undefined;
  if (panel) line(`simulated devices panel (place an ID card, scan a code, press evaluator keys, run out of paper): ${panel.url}`);
  line();
  for (const t of DEMO_TERMINALS) line(`  ${t.id.padEnd(12)} ${hall.pages.get(t.id)}`);
  line();
  line(`clerks: ${DEMO_STAFF.map((s) => `${s.id} ${s.name}`).join(', ')}; PIN ${DEMO_PIN}`);
  line(`admin API token: ${hall.adminToken}`);
  line('each address carries a one-time enrollment code: open each once per browser profile (a screen already open keeps working across restarts). Ctrl+C stops.');
  const stop = async () => {
    await panel?.close();
    await hall.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
