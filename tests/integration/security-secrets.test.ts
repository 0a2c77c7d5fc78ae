/**
 * Issue 15, finding 1: secrets never in URLs or logs. Written as an attacker who reads the
 * server's log (a log shipper, a support bundle, a proxy's access log) would: nothing there may
 * let them act as a terminal, enroll one, or find a citizen's ticket.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';
import { until } from '../support/until';

interface Live {
  ws: WebSocket;
  messages: Array<{ t: string; error?: string }>;
  closed: Promise<{ code: number; reason: string }>;
}

function openLive(url: string, opts: { headers?: Record<string, string> } = {}): Live {
  const ws = new WebSocket(url, opts);
  const messages: Live['messages'] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as Live['messages'][number]));
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return { ws, messages, closed };
}

const opened = (l: Live) => new Promise<void>((resolve, reject) => {
  l.ws.once('open', () => resolve());
  l.ws.once('close', () => reject(new Error('closed before opening')));
});

describe.each(DB_KINDS)('secrets never in URLs or logs, on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let kioskToken: string;
  let displayToken: string;
  const log: string[] = [];
  const ws = () => `${s.url.replace('http', 'ws')}/api/sync/live`;

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { logger: { level: 'debug', stream: { write: (line: string) => void log.push(line) } } });
    kioskToken = (await enrollTerminal(s, 'kiosk-1', 'kiosk')).token;
    displayToken = (await enrollTerminal(s, 'display-1', 'display')).token;
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('a stolen token put in a URL (?token=) is refused on every HTTP route, saying to use the header', async () => {
    for (const [method, path] of [
      ['GET', `/api/sync/pull?after=0&token=${kioskToken}`],
      ['GET', `/api/sync/held?token=${kioskToken}`],
      ['GET', `/api/admin/terminals?token=${s.adminToken}`],
      ['GET', `/api/admin/reports.csv?period=day&date=2026-12-07&token=${s.adminToken}`],
      ['POST', `/api/numbers?token=${kioskToken}`],
    ] as const) {
      const r = await call(s.url, method, path, method === 'POST' ? { body: { serviceId: 'x' } } : {});
      expect(r.status, path).toBe(401);
      expect(r.body).toMatchObject({ error: 'token-in-url', message: expect.stringContaining('Authorization: Bearer'), messageZh: expect.stringContaining('Authorization') });
    }
    // The same token in the header works.
    expect((await call(s.url, 'GET', '/api/sync/pull?after=0', { token: kioskToken })).status).toBe(200);
  });

  it('the live socket authenticates with its first message: no token in its URL', async () => {
    const l = openLive(ws());
    await opened(l);
    l.ws.send(JSON.stringify({ t: 'auth', token: displayToken }));
    await until('hello', () => l.messages.some((m) => m.t === 'hello'));
    l.ws.close();
    await l.closed;
  });

  it('a live socket that sends a wrong token first is told why and closed', async () => {
    const l = openLive(ws());
    await opened(l);
    l.ws.send(JSON.stringify({ t: 'auth', token: 'hq_' + 'x'.repeat(43) }));
    expect((await l.closed).code).toBe(4001);
    expect(l.messages).toEqual([expect.objectContaining({ t: 'error', error: 'bad-token' })]);
  });

  it('a live socket that never authenticates is closed after the deadline, having received nothing', async () => {
    const l = openLive(ws());
    await opened(l);
    const { code, reason } = await l.closed;
    expect(code).toBe(4001);
    expect(reason).toBe('auth-timeout');
    expect(l.messages.map((m) => m.t)).toEqual(['error']);
  }, 15_000);

  it("an old terminal's live socket with ?token= works during the upgrade and is flagged in terminal health", async () => {
    const l = openLive(`${ws()}?token=${encodeURIComponent(displayToken)}`);
    await until('hello', () => l.messages.some((m) => m.t === 'hello'));
    const health = await call(s.url, 'GET', '/api/admin/terminals', { token: s.adminToken });
    const rows = health.body.terminals as Array<{ id: string; liveTokenInUrlAt: number | null }>;
    expect(rows.find((t) => t.id === 'display-1')?.liveTokenInUrlAt).toEqual(expect.any(Number));
    expect(rows.find((t) => t.id === 'kiosk-1')?.liveTokenInUrlAt).toBeNull();
    l.ws.close();
    await l.closed;
  });

  it("once the hall switches the transition off (HALLQ_LIVE_TOKEN_IN_URL=refuse), an old terminal's ?token= socket is told why and closed", async () => {
    const strict = await startServer(tdb.db, { hall: 'hall-strict', liveTokenInUrl: 'refuse' });
    try {
      const l = openLive(`${strict.url.replace('http', 'ws')}/api/sync/live?token=${encodeURIComponent(displayToken)}`);
      expect((await l.closed).code).toBe(4001);
      expect(l.messages).toEqual([expect.objectContaining({ t: 'error', error: 'token-in-url' })]);
      // The same terminal, updated, authenticates with its first message.
      const fresh = openLive(`${strict.url.replace('http', 'ws')}/api/sync/live`);
      await opened(fresh);
      fresh.ws.send(JSON.stringify({ t: 'auth', token: displayToken }));
      await until('hello', () => fresh.messages.some((m) => m.t === 'hello'));
      fresh.ws.close();
      await fresh.closed;
    } finally {
      await strict.stop();
    }
  });

  it('no log line holds a token, a one-time code, a progress link or an ID number', async () => {
    const created = await call(s.url, 'POST', '/api/admin/terminals', { token: s.adminToken, body: { id: 'kiosk-9', role: 'kiosk' } });
    const code = created.body.code as string;
    // The page address web mode hands out carries the code; a browser asks for it.
    await call(s.url, 'GET', `/kiosk/?terminal=kiosk-9&code=${code}&dt=devicetoken123456`);
    const enrolled = await call(s.url, 'POST', '/api/enroll', { body: { code } });
    const token = enrolled.body.token as string;
    await call(s.url, 'GET', '/api/sync/pull?after=0', { token });
    await call(s.url, 'GET', `/api/sync/pull?after=0&token=${token}`);
    await call(s.url, 'GET', `/api/nothing-here?token=${token}&idNumber=110101199003077777`);
    const progress = 'Zq3mW8pL2xV9tK4nR7sB1c';
    await call(s.url, 'GET', `/p/${progress}`);
    await call(s.url, 'GET', `/api/progress/${progress}`);
    // A live socket the old way (token in its URL) and the new way.
    const old = openLive(`${ws()}?token=${encodeURIComponent(token)}`);
    await until('hello (old)', () => old.messages.some((m) => m.t === 'hello'));
    const fresh = openLive(ws());
    await opened(fresh);
    fresh.ws.send(JSON.stringify({ t: 'auth', token }));
    await until('hello (new)', () => fresh.messages.some((m) => m.t === 'hello'));
    old.ws.close();
    fresh.ws.close();
    await Promise.all([old.closed, fresh.closed]);
    await until('the log lines of those requests', () => log.some((l) => l.includes('/api/nothing-here')));

    const text = log.join('');
    expect(text).toContain('/api/sync/pull'); // the log is there, and has the requests
    expect(text).toContain('[redacted]');
    for (const secret of [token, kioskToken, displayToken, s.adminToken, code, 'devicetoken123456', progress, '110101199003077777']) {
      expect(text, `the log holds ${secret.slice(0, 6)}...`).not.toContain(secret);
    }
    expect(text).not.toMatch(/hq_[A-Za-z0-9_-]{16,}/);
  });
});

describe('the first admin token', () => {
  it('a generated admin token is shown once to the operator (a 0600 file here), never in the JSON log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallq-admin-'));
    const file = join(dir, 'admin-token');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const env: NodeJS.ProcessEnv = { ...process.env, HALLQ_DATA_DIR: 'memory', HALLQ_PORT: String(port), HALLQ_ADMIN_TOKEN_FILE: file };
    delete env.DATABASE_URL;
    delete env.HALLQ_ADMIN_TOKEN;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (out += String(d)));
    try {
      await until('the server listening', () => out.includes('Server listening'), 100_000);
      const token = readFileSync(file, 'utf8').trim();
      expect(token).toMatch(/^hq_/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect((await call(`http://127.0.0.1:${port}`, 'GET', '/api/admin/terminals', { token })).status).toBe(200);
      expect(out).toContain('not logged');
      expect(out).not.toContain(token);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 120_000);
});
