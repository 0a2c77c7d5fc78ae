/**
 * Issue 15, findings 9 and 10: the doors that answer strangers are rate limited (429,
 * Retry-After, a bilingual body), and every error body is bilingual, unknown routes included.
 * Written as an attacker on the hall's LAN (or on the Internet in front of the progress page)
 * would: guess enrollment codes, terminal tokens and ticket links as fast as the server answers.
 * The test's client is on loopback, whose X-Forwarded-For the server believes (the default
 * trusted proxy), so the tests can speak for several client addresses.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../server/security/limits';
import { MONDAY_10AM, TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const MON = '2026-11-23';
const from = (address: string) => ({ 'x-forwarded-for': address });
const wrongToken = () => 'hq_' + randomBytes(32).toString('base64url');

describe.each(DB_KINDS)('rate limits and error bodies on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let clock = MONDAY_10AM;
  /** The limits' own clock: moving it lets budgets refill without waiting. */
  let limitClock = Date.now();
  let kioskToken: string;
  let kiosk: TestTerminal;
  let ticketToken: string;

  const expect429 = (r: { status: number; body: any; headers?: Headers }, what: string) => {
    expect(r.status, what).toBe(429);
    expect(r.body).toMatchObject({ error: 'rate-limited', message: expect.stringContaining('try again in'), messageZh: expect.stringContaining('秒后再试') });
  };
  const raw = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(s.url + path, { method, headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // a page
    }
    return { status: res.status, body: json as any, headers: res.headers, text };
  };

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { now: () => clock, rateLimits: { clock: () => limitClock } });
    const put = (k: string, id: string, value: unknown) => call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: k, id, value } });
    await put('service', 'hukou', { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } });
    await put('window', 'w1', { id: 'w1', label: '5', name: { zh: '综合窗口', en: 'General' }, services: [{ serviceId: 'hukou' }] });
    const k = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    kioskToken = k.token;
    kiosk = new TestTerminal('kiosk-1', () => clock, k.epoch);
    ticketToken = randomBytes(16).toString('base64url');
    clock += 1000;
    const e = kiosk.emit('ticket.issued', { ticketId: kiosk.nextId(), serviceId: 'hukou', number: 'A001', numberSource: 'server', day: MON, channel: 'kiosk', token: ticketToken });
    expect((await call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [e] } })).status).toBe(200);
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('hundreds of wrong enrollment codes from one address: 429 with Retry-After, and a right code waits too', async () => {
    const attacker = from('10.0.0.66');
    const budget = DEFAULT_BUDGETS.enrollFailures.burst;
    for (let i = 0; i < budget; i++) {
      const r = await raw('POST', '/api/enroll', attacker, { code: `WRONG${String(i).padStart(5, 'A')}` });
      expect(r.status).toBe(401);
    }
    const r = await raw('POST', '/api/enroll', attacker, { code: 'WRONGWRONG' });
    expect429(r, 'past the budget');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // Guessing stops here: a right code from that address is not even tried until the wait is over.
    const created = await call(s.url, 'POST', '/api/admin/terminals', { token: s.adminToken, body: { id: 'display-1', role: 'display' } });
    expect((await raw('POST', '/api/enroll', attacker, { code: created.body.code })).status).toBe(429);
    // Another address (another terminal PC of the hall) enrolls as usual.
    expect((await raw('POST', '/api/enroll', from('10.0.0.7'), { code: created.body.code })).status).toBe(200);
    // The budget comes back with time.
    limitClock += Number(r.headers.get('retry-after')) * 1000;
    expect((await raw('POST', '/api/enroll', attacker, { code: 'WRONGAGAIN' })).status).toBe(401);
  });

  it("guessing terminal tokens from one address: 429 before the database is asked, while the hall's own terminals behind that address keep working", async () => {
    const nat = from('10.0.1.1');
    // The hall's kiosk works from this address (and is remembered as good).
    expect((await raw('GET', '/api/sync/held', { ...nat, authorization: `Bearer ${kioskToken}` })).status).toBe(200);
    let refused = 0;
    for (let i = 0; i < DEFAULT_BUDGETS.authFailuresPerAddress.burst + 20; i++) {
      const r = await raw('GET', '/api/sync/held', { ...nat, authorization: `Bearer ${wrongToken()}` });
      if (r.status === 429) refused++;
      else expect(r.status).toBe(401);
    }
    expect(refused).toBe(20);
    const r = await raw('GET', '/api/sync/pull?after=0', { ...nat, authorization: `Bearer ${wrongToken()}` });
    expect429(r, 'another guess');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // The kiosk behind the same NAT address is not locked out by the attacker.
    expect((await raw('GET', '/api/sync/held', { ...nat, authorization: `Bearer ${kioskToken}` })).status).toBe(200);
  });

  it('one stolen-then-revoked token retried from many addresses is slowed per token', async () => {
    const revoked = await enrollTerminal(s, 'kiosk-gone', 'kiosk');
    expect((await call(s.url, 'DELETE', '/api/admin/terminals/kiosk-gone', { token: s.adminToken })).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULT_BUDGETS.authFailuresPerToken.burst + 3; i++) {
      statuses.push((await raw('GET', '/api/sync/held', { ...from(`10.2.0.${i + 1}`), authorization: `Bearer ${revoked.token}` })).status);
    }
    expect(statuses.slice(0, DEFAULT_BUDGETS.authFailuresPerToken.burst).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
  });

  it("scanning the progress page's ticket links from one address: 429 (page and JSON); a citizen elsewhere still sees their ticket", async () => {
    const scanner = from('203.0.113.9');
    for (let i = 0; i < DEFAULT_BUDGETS.progressMisses.burst; i++) {
      expect((await raw('GET', `/api/progress/${randomBytes(16).toString('base64url')}`, scanner)).status).toBe(404);
    }
    const json = await raw('GET', `/api/progress/${randomBytes(16).toString('base64url')}`, scanner);
    expect429(json, 'JSON lookup');
    expect(Number(json.headers.get('retry-after'))).toBeGreaterThan(0);
    const page = await raw('GET', `/p/${randomBytes(16).toString('base64url')}`, scanner);
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(page.text).toContain('查询过于频繁');
    expect(page.text).toContain('Too many requests');
    // A real link from the scanner's address is refused too while it waits: a scan cannot test hits.
    expect((await raw('GET', `/api/progress/${ticketToken}`, scanner)).status).toBe(429);
    // The citizen on another address follows their QR code as usual.
    const mine = await raw('GET', `/api/progress/${ticketToken}`, from('198.51.100.20'));
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ number: 'A001' });
  });

  it('a citizen reloading their own progress page over and over is never refused', async () => {
    const phone = from('198.51.100.77');
    for (let i = 0; i < 120; i++) expect((await raw('GET', `/api/progress/${ticketToken}`, phone)).status).toBe(200);
  });

  it('SMS subscriptions from one address are limited: an SMS bomber gets 429', async () => {
    const bomber = from('198.51.100.99');
    const statuses: number[] = [];
    for (let i = 0; i < DEFAULT_BUDGETS.smsSubscriptions.burst + 2; i++) {
      statuses.push((await raw('POST', `/api/progress/${ticketToken}/sms`, bomber, { phone: `1380000${String(1000 + i)}` })).status);
    }
    expect(statuses.slice(0, DEFAULT_BUDGETS.smsSubscriptions.burst).every((x) => x === 200)).toBe(true);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    const r = await raw('POST', `/api/progress/${ticketToken}/sms`, bomber, { phone: '13800009999' });
    expect429(r, 'one more');
  });

  it('an unknown route answers a bilingual 404 body, not the framework default', async () => {
    for (const [method, path] of [
      ['GET', '/api/nothing-here'],
      ['POST', '/api/sync/pul'],
      ['DELETE', '/health'],
    ] as const) {
      const r = await call(s.url, method, path);
      expect(r.status, path).toBe(404);
      expect(r.body).toEqual({ error: 'not-found', message: expect.stringContaining(path), messageZh: expect.any(String) });
    }
  });

  it('the framework refusals (bad JSON, wrong content type, no token) are bilingual too', async () => {
    const badJson = await call(s.url, 'POST', '/api/enroll', { raw: '{"code":', headers: { 'content-type': 'application/json' } });
    expect(badJson.status).toBe(400);
    expect(badJson.body).toMatchObject({ error: 'bad-json', messageZh: expect.any(String) });
    const badType = await call(s.url, 'POST', '/api/enroll', { raw: 'code=1', headers: { 'content-type': 'text/csv' } });
    expect(badType.status).toBe(415);
    expect(badType.body).toMatchObject({ error: expect.any(String), message: expect.any(String), messageZh: expect.any(String) });
    const noToken = await call(s.url, 'GET', '/api/sync/held', { headers: from('10.9.9.9') });
    expect(noToken.body).toMatchObject({ error: 'no-token', messageZh: expect.any(String) });
  });
});
