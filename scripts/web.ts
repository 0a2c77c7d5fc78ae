/**
 * `npm run web`: the whole hall on one machine. Builds the screens, starts the hall server on
 * its embedded database with a demo hall open right now, simulated devices on real
 * pseudo-terminals (when socat is installed), and prints every terminal's address.
 *
 *   HALLQ_PORT (8080), HALLQ_HOST (127.0.0.1), HALLQ_DATA_DIR (default: in memory),
 *   HALLQ_DEMO_HISTORY_DAYS (35: weeks of past tickets for the reports; 0 for none),
 *   HALLQ_LOG_LEVEL (info: the server's JSON log on stdout, secrets redacted)
 */
import { execFileSync } from 'node:child_process';
import { build } from 'vite';
import { DEMO_PIN, DEMO_STAFF, DEMO_TERMINALS } from './web/demoHall';
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

async function main() {
  if (!process.argv.includes('--no-build')) await build({ logLevel: 'warn' });
  const devices = hasSocat();
  const hall = await startWebHall({
    port: Number(process.env.HALLQ_PORT ?? 8080),
    host: process.env.HALLQ_HOST ?? '127.0.0.1',
    ...(process.env.HALLQ_DATA_DIR ? { dataDir: process.env.HALLQ_DATA_DIR } : {}),
    devices,
    // The server's JSON log (secrets redacted: server/security/logging.ts) on stdout.
    logger: { level: process.env.HALLQ_LOG_LEVEL ?? 'info' },
    // Busy enough that the windows have queues at the morning and afternoon peaks.
    history: { days: Number(process.env.HALLQ_DEMO_HISTORY_DAYS ?? 35), perDay: 150 },
  });
  const line = (s = '') => process.stdout.write(`${s}\n`);
  line();
  line(`hallq web mode: the demo hall "${hall.hall}" at ${hall.url}`);
  if (hall.history) line(`history: ${hall.history.days.length} past days, ${hall.history.days.reduce((n, d) => n + d.issued, 0)} tickets, ${hall.history.badRatings.length} bad ratings to rectify`);
  line(devices ? 'simulated devices: card reader, printer, scanner, evaluator keypad, LED strip (on pseudo-terminals)' : 'no socat: running without simulated devices (kiosks hand out e-tickets)');
  const panel = hall.sims ? await startSimPanel(hall.sims, Number(process.env.HALLQ_SIM_PORT ?? 8081)) : undefined;
  if (panel) line(`simulated devices panel (place an ID card, scan a code, press evaluator keys, run out of paper): ${panel.url}`);
  line();
  for (const t of DEMO_TERMINALS) line(`  ${t.id.padEnd(12)} ${hall.pages.get(t.id)}`);
  line();
  line(`clerks: ${DEMO_STAFF.map((s) => `${s.id} ${s.name}`).join(', ')}; PIN ${DEMO_PIN}`);
  line(`admin API token: ${hall.adminToken}`);
  line('each address carries a one-time enrollment code: open each once per browser profile. Ctrl+C stops.');
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
