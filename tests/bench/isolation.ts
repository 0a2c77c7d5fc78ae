/**
 * `npm run bench -- isolation` (issue 15, finding 7): does upload work delay tickets?
 * A kiosk asks for numbers (`POST /api/numbers`, one after the other, as citizens tap) and
 * `/health` is polled, first with nothing else going on, then while 8 counters each upload
 * material files of 4 MiB in 1 MiB chunks as fast as the server takes them (announce, PUT each
 * chunk, next file; a 429 waits its Retry-After like the counter's uploader), from a process of
 * their own as real counters are other machines. p99 of both phases and their ratio; the aim is
 * uploading p99 <= 2x idle p99.
 * Runs on PostgreSQL when HALLQ_TEST_DATABASE_URL is set, else on PGlite (ISOLATION_DB=pglite
 * forces PGlite).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer } from '../support/server';

const REQUESTS = Number(process.env.ISOLATION_REQUESTS ?? 300);
const UPLOADERS = Number(process.env.ISOLATION_UPLOADERS ?? 8);

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const r2 = (x: number) => Math.round(x * 100) / 100;

async function timed(fn: () => Promise<{ status: number; body: unknown }>): Promise<number> {
  const t0 = performance.now();
  const r = await fn();
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`request failed: ${r.status} ${JSON.stringify(r.body)}`);
  return ms;
}

/** Numbers and health, one after the other, REQUESTS of each (interleaved). */
async function measure(s: RunningServer, kioskToken: string): Promise<{ numbers: number[]; health: number[] }> {
  const numbers: number[] = [];
  const health: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    numbers.push(await timed(() => call(s.url, 'POST', '/api/numbers', { token: kioskToken, body: { serviceId: 'hukou' } })));
    if (i % 3 === 0) health.push(await timed(() => call(s.url, 'GET', '/health')));
    // Citizens are not a tight loop: a short pause, so an upload has room to run in between.
    await new Promise((r) => setTimeout(r, 5));
  }
  return { numbers, health };
}

interface UploadStats {
  chunks: number;
  files: number;
  throttled: number;
  refused: number;
}

/** The uploading counters, in a process of their own (tests/bench/isolationUploaders.ts). */
function startUploaders(url: string, tokens: string[]): { stop: () => Promise<UploadStats> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./isolationUploaders.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.write(`${url} ${tokens.join(' ')}\n`);
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  return {
    async stop() {
      child.stdin.end();
      const code = await exited;
      if (code !== 0) throw new Error(`the uploaders failed (exit ${code})`);
      return JSON.parse(out.trim().split('\n').pop()!) as UploadStats;
    },
  };
}

export async function benchIsolation(): Promise<Record<string, number | string>> {
  const kind = process.env.ISOLATION_DB === 'pglite' || !DB_KINDS.includes('postgres') ? 'pglite' : 'postgres';
  const tdb = await freshDb(kind);
  const s = await startServer(tdb.db);
  try {
    await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'service', id: 'hukou', value: { id: 'hukou', prefix: 'A', name: { zh: '户籍', en: 'Hukou' } } } });
    await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'window', id: 'w1', value: { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] } } });
    const kiosk = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    const counters: string[] = [];
    for (let i = 0; i < UPLOADERS; i++) counters.push((await enrollTerminal(s, `counter-${i + 1}`, 'counter', 'w1')).token);

    // Warm up (JIT, caches, the day's series).
    for (let i = 0; i < 30; i++) await call(s.url, 'POST', '/api/numbers', { token: kiosk.token, body: { serviceId: 'hukou' } });

    const idle = await measure(s, kiosk.token);
    console.error(`idle: numbers p99 ${r2(pct(idle.numbers, 0.99))} ms`);

    const t0 = performance.now();
    const uploaders = startUploaders(s.url, counters);
    // Let the uploads get going (every counter has a chunk in flight) before measuring.
    await new Promise((r) => setTimeout(r, 1500));
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const busy = await measure(s, kiosk.token);
    loop.disable();
    const stats = await uploaders.stop();
    console.error(`uploading: numbers p99 ${r2(pct(busy.numbers, 0.99))} ms, max ${r2(Math.max(...busy.numbers))} ms, ${stats.chunks} chunks`);
    const seconds = (performance.now() - t0) / 1000;

    const idleP99 = pct(idle.numbers, 0.99);
    const busyP99 = pct(busy.numbers, 0.99);
    return {
      db: kind,
      requests: REQUESTS,
      uploaders: UPLOADERS,
      numbers_p50_ms_idle: r2(pct(idle.numbers, 0.5)),
      numbers_p50_ms_uploading: r2(pct(busy.numbers, 0.5)),
      numbers_max_ms_uploading: r2(Math.max(...busy.numbers)),
      event_loop_max_delay_ms_uploading: r2(loop.max / 1e6),
      health_p99_ms_idle: r2(pct(idle.health, 0.99)),
      health_p99_ms_uploading: r2(pct(busy.health, 0.99)),
      upload_chunks: stats.chunks,
      upload_mib_per_s: r2(stats.chunks / seconds),
      upload_throttled: stats.throttled,
      numbers_p99_ms_idle: r2(idleP99),
      numbers_p99_ms_uploading: r2(busyP99),
      uploading_vs_idle_ratio: r2(busyP99 / idleP99),
    };
  } finally {
    await s.stop();
    await tdb.drop().catch((e: Error) => console.error(`could not drop the bench database: ${e.message}`));
  }
}
