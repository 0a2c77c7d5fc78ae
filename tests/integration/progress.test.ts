import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType, PayloadInput } from '../../shared/events';
import { FLOOR_MS } from '../../server/http/routes/progress';
import { MINUTE, MONDAY_10AM, TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const MON = '2026-11-23';
const person = { idHash: 'c'.repeat(64), idMasked: '110***********1234', nameMasked: '张*' };
const newToken = () => randomBytes(16).toString('base64url');

describe.each(DB_KINDS)('progress page on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let kiosk: TestTerminal;
  let counter: TestTerminal;
  const tokens: Record<string, string> = {};
  const tokenOf = new Map<string, string>();
  const ids: Record<string, string> = {};
  const terminalTokens = new Map<TestTerminal, string>();
  let clock = MONDAY_10AM;
  const now = () => clock;
  let n = 0;

  /** One event from a terminal, a second after the last (a hall's events come in order). */
  async function push<T extends EventType>(t: TestTerminal, type: T, payload: PayloadInput<T>) {
    clock += 1000;
    const e = t.emit(type, payload);
    const r = await call(s.url, 'POST', '/api/sync/push', { token: terminalTokens.get(t)!, body: { events: [e] } });
    expect(r.status).toBe(200);
    return e;
  }
  async function issue(extra: Partial<PayloadInput<'ticket.issued'>> = {}) {
    n += 1;
    const number = `A${String(n).padStart(3, '0')}`;
    const token = newToken();
    const ticketId = kiosk.nextId();
    await push(kiosk, 'ticket.issued', { ticketId, serviceId: 'hukou', number, numberSource: 'server', day: MON, channel: 'kiosk', token, ...extra });
    tokens[number] = token;
    tokenOf.set(token, number);
    ids[number] = ticketId;
    return { number, token, ticketId };
  }
  const progress = (token: string) => call(s.url, 'GET', `/api/progress/${token}`);
  const pageOf = async (token: string) => {
    const res = await fetch(`${s.url}/p/${token}`);
    return { res, html: await res.text() };
  };

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { now });
    const put = (k: string, id: string, value: unknown) => call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: k, id, value } });
    await put('service', 'hukou', { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } });
    await put('window', 'w1', { id: 'w1', label: '5', name: { zh: '综合窗口', en: 'General' }, services: [{ serviceId: 'hukou' }] });
    const k = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    kiosk = new TestTerminal('kiosk-1', now, k.epoch);
    terminalTokens.set(kiosk, k.token);
    const c = await enrollTerminal(s, 'counter-1', 'counter', 'w1');
    counter = new TestTerminal('counter-1', now, c.epoch);
    terminalTokens.set(counter, c.token);
    await issue({ person }); // A001, with a person (R21)
    await issue(); // A002
    await issue(); // A003
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('waiting with no window open: the number, the service and people ahead, and no minutes promised (issue 17)', async () => {
    const r = await progress(tokens.A003!);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ number: 'A003', service: { zh: '户籍办理', en: 'Household registration' }, status: 'waiting', ahead: 2, day: MON, waitKind: 'no-window' });
    expect(r.body.wait).toEqual({ zh: '暂无窗口开放，无法估计等候时间', en: 'No window is open now: no wait time can be given' });
    const { html } = await pageOf(tokens.A003!);
    expect(html).toContain('暂无窗口开放');
    expect(html).not.toContain('分钟');
  });

  it('R14: the page is zh-CN first with English alongside, mobile-sized, with big text', async () => {
    const { res, html } = await pageOf(tokens.A003!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html.indexOf('等候中')).toBeLessThan(html.indexOf('Waiting'));
    expect(html).toContain('前面还有 <strong>2</strong> 人');
    expect(html).toContain('2 people ahead of you');
    expect(html).toContain('A003');
    expect(html).toContain('户籍办理');
    expect(html).toContain('12345 政务服务便民热线');
  });

  it('refreshes itself every 15 s and says when the data was read', async () => {
    const { html } = await pageOf(tokens.A003!);
    expect(html).toContain('<meta http-equiv="refresh" content="15">');
    const hms = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(clock);
    expect(html).toContain(`更新于 ${hms}`);
    expect(html).toContain(`Updated at ${hms}`);
    const r = await progress(tokens.A003!);
    expect(r.body).toMatchObject({ updatedAt: clock, refreshSeconds: 15, timeZone: 'Asia/Shanghai' });
  });

  it('security: no-store, nosniff, no referrer, and a strict CSP with no script and no external asset', async () => {
    const { res, html } = await pageOf(tokens.A003!);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/script-src/);
    // The one inline style is allowed by its hash, so the page renders as designed.
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href|action)=["']?(https?:)?\/\//i);
    const json = await progress(tokens.A003!);
    expect(json.status).toBe(200);
    const jr = await fetch(`${s.url}/api/progress/${tokens.A003!}`);
    expect(jr.headers.get('cache-control')).toBe('no-store');
    expect(jr.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('R21: the page and the JSON carry no personal data, not even the masked name or ID number', async () => {
    const r = await progress(tokens.A001!);
    const { html } = await pageOf(tokens.A001!);
    for (const text of [JSON.stringify(r.body), html]) {
      expect(text).not.toContain(person.idHash);
      expect(text).not.toContain(person.idMasked);
      expect(text).not.toContain('张');
      expect(text).not.toMatch(/person|idMasked|nameMasked/);
    }
    // Nor the ticket id or the token itself in the JSON.
    expect(JSON.stringify(r.body)).not.toContain(ids.A001!);
    expect(JSON.stringify(r.body)).not.toContain(tokens.A001!);
  });

  it('an unknown token is a bilingual 404 that looks the same whatever the reason, and takes as long as a hit', async () => {
    const t0 = performance.now();
    const hit = await progress(tokens.A003!);
    const hitMs = performance.now() - t0;
    expect(hit.status).toBe(200);
    const answers = [];
    for (const token of [newToken(), 'short', 'has spaces and !!! more than sixteen', 'x'.repeat(65)]) {
      const t = performance.now();
      const r = await call(s.url, 'GET', `/api/progress/${encodeURIComponent(token)}`);
      answers.push({ status: r.status, body: r.body, ms: performance.now() - t });
    }
    for (const a of answers) {
      expect(a.status).toBe(404);
      expect(a.body).toEqual(answers[0]!.body);
      expect(a.ms).toBeGreaterThanOrEqual(FLOOR_MS - 1);
    }
    expect(hitMs).toBeGreaterThanOrEqual(FLOOR_MS - 1);
    expect(answers[0]!.body).toMatchObject({ error: 'unknown-ticket', message: expect.stringMatching(/QR/), messageZh: expect.stringMatching(/未找到/) });
    const page = await pageOf(newToken());
    expect(page.res.status).toBe(404);
    expect(page.html).toContain('未找到该号码');
    expect(page.html).toContain('Ticket not found');
    expect(page.res.headers.get('cache-control')).toBe('no-store');
  });

  it('R2 silent calling: a called ticket is told which window to go to', async () => {
    await push(counter, 'window.opened', { windowId: 'w1' });
    await push(counter, 'ticket.called', { ticketId: ids.A001!, windowId: 'w1' });
    const r = await progress(tokens.A001!);
    expect(r.body).toMatchObject({ status: 'called', window: { label: '5', name: { zh: '综合窗口' } }, calledAt: clock });
    const { html } = await pageOf(tokens.A001!);
    expect(html).toContain('请到 5 号窗口');
    expect(html).toContain('Please go to window 5');
    // The others moved up.
    expect((await progress(tokens.A003!)).body).toMatchObject({ status: 'waiting', ahead: 1, minutes: 8, waitKind: 'minutes', wait: { zh: '预计等候约 8 分钟' } });
  });

  it('serving, then finished', async () => {
    await push(counter, 'ticket.started', { ticketId: ids.A001!, windowId: 'w1' });
    expect((await progress(tokens.A001!)).body).toMatchObject({ status: 'serving', window: { label: '5' } });
    expect((await pageOf(tokens.A001!)).html).toContain('正在 5 号窗口办理');
    await push(counter, 'ticket.finished', { ticketId: ids.A001!, windowId: 'w1', outcome: 'done' });
    const r = await progress(tokens.A001!);
    expect(r.body.status).toBe('finished');
    expect(r.body.window).toBeUndefined();
    expect((await pageOf(tokens.A001!)).html).toContain('已办结');
  });

  it('skipped: the page gives the grace period within which a window can put the ticket back', async () => {
    await push(counter, 'ticket.called', { ticketId: ids.A002!, windowId: 'w1' });
    await push(counter, 'ticket.skipped', { ticketId: ids.A002!, windowId: 'w1' });
    const skippedAt = clock;
    const r = await progress(tokens.A002!);
    expect(r.body).toMatchObject({ status: 'skipped', graceUntil: skippedAt + 30 * MINUTE, canReturn: true });
    const until = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(skippedAt + 30 * MINUTE);
    expect((await pageOf(tokens.A002!)).html).toContain(`请在 ${until} 前到窗口说明`);
    clock += 31 * MINUTE;
    expect((await progress(tokens.A002!)).body).toMatchObject({ status: 'skipped', canReturn: false });
    expect((await pageOf(tokens.A002!)).html).toContain('请重新取号');
  });

  it('cancelled, and a ticket of an earlier day is no longer valid', async () => {
    const t = await issue();
    await push(counter, 'ticket.cancelled', { ticketId: t.ticketId, reason: 'left' });
    expect((await progress(t.token)).body.status).toBe('cancelled');
    expect((await pageOf(t.token)).html).toContain('已取消');
    const old = await issue({ day: '2026-11-22' });
    expect((await progress(old.token)).body.status).toBe('expired');
  });

  it('the token is found through an index (no scan of the tickets), also by an instance that never saw it', async () => {
    const plan = await tdb.db.tx(async (q) => {
      await q.query('SET LOCAL enable_seqscan = off');
      const r = await q.query<Record<string, string>>(
        `EXPLAIN SELECT hall, body->'payload' AS p FROM events WHERE type = 'ticket.issued' AND (body->'payload'->>'token') = $1 ORDER BY server_seq LIMIT 1`,
        [tokens.A003!],
      );
      return r.rows.map((x) => Object.values(x)[0]).join('\n');
    });
    expect(plan).toContain('events_ticket_token');
    const other = await startServer(tdb.db, { now });
    try {
      expect((await call(other.url, 'GET', `/api/progress/${tokens.A003!}`)).body).toMatchObject({ number: 'A003', status: 'waiting' });
    } finally {
      await other.stop();
    }
  });

  it('R2 SMS: a mainland mobile number subscribes a ticket, kept server-side only, one per ticket', async () => {
    const sms = (token: string, phone: unknown) => call(s.url, 'POST', `/api/progress/${token}/sms`, { body: { phone } });
    for (const bad of ['12345', '12812345678', '138123456789', 'abc', 13812345678]) {
      const r = await sms(tokens.A003!, bad);
      expect(r).toMatchObject({ status: 400, body: { error: 'bad-phone', messageZh: expect.stringContaining('手机号码') } });
    }
    const ok = await sms(tokens.A003!, '138 1234 5678');
    expect(ok).toMatchObject({ status: 200, body: { subscribed: true, phone: '138****5678' } });
    expect((await sms(tokens.A003!, '13900001111')).status).toBe(200);
    const rows = await tdb.db.query<{ phone: string }>('SELECT phone FROM sms_subscriptions WHERE ticket_id = $1', [ids.A003!]);
    expect(rows.rows).toEqual([{ phone: '13900001111' }]);
    const inEvents = await tdb.db.query(`SELECT 1 FROM events WHERE body::text LIKE '%13812345678%' OR body::text LIKE '%13900001111%'`);
    expect(inEvents.rows).toHaveLength(0);
    expect((await progress(tokens.A003!)).body.sms).toBe(true);
    expect(JSON.stringify((await progress(tokens.A003!)).body)).not.toContain('1111');
    expect((await pageOf(tokens.A003!)).html).toContain('已开启短信提醒');
    expect((await sms(tokens.A001!, '13812345678')).body.error).toBe('ticket-closed');
    expect((await sms(newToken(), '13812345678')).status).toBe(404);
  });

  it('R2 SMS: the page offers a plain form (the page runs no script) that subscribes and returns to the page', async () => {
    const t = await issue();
    const form = await fetch(`${s.url}/p/${t.token}/sms`);
    const html = await form.text();
    expect(form.status).toBe(200);
    expect(html).toContain(`<form method="post" action="/p/${t.token}/sms">`);
    expect(html).not.toContain('http-equiv="refresh"');
    const post = (phone: string) =>
      fetch(`${s.url}/p/${t.token}/sms`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `phone=${phone}` });
    const bad = await post('123');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('请输入 11 位手机号码');
    const ok = await post('13712345678');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/p/${t.token}`);
    expect((await pageOf(t.token)).html).toContain('已开启短信提醒');
  });
});
