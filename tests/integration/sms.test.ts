import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventType, PayloadInput } from '../../shared/events';
import { openPostgres } from '../../server/db/postgres';
import type { Db } from '../../server/db/db';
import { HallCache } from '../../server/store/halls';
import { DEFAULT_DELIVER, deliverDue, enqueueNotices, purgePhones, type DeliverOptions } from '../../server/sms/outbox';
import { LogSmsProvider, WebhookSmsProvider } from '../../server/sms/provider';
import { SmsService, smsServiceOf } from '../../server/sms/service';
import { MINUTE, MONDAY_10AM, TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const MON = '2026-11-23';
const PHONE = '13812341234';

/** A stand-in SMS gateway: records what it is sent; can fail or stall on request. */
class Gateway {
  readonly received: Array<{ to: string; text: string; auth?: string }> = [];
  failNext = 0;
  delayMs = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const answer = () => {
          // The sender gave up (timeout): nothing was delivered.
          if (req.socket.destroyed) return;
          if (this.failNext > 0) {
            this.failNext -= 1;
            res.writeHead(502).end('upstream busy');
            return;
          }
          this.received.push({ ...JSON.parse(body), ...(req.headers.authorization ? { auth: req.headers.authorization } : {}) });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        };
        if (this.delayMs) setTimeout(answer, this.delayMs);
        else answer();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/sms`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

describe.each(DB_KINDS)('SMS notices on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let gw: Gateway;
  let kiosk: TestTerminal;
  let counter: TestTerminal;
  const terminalTokens = new Map<TestTerminal, string>();
  let clock = MONDAY_10AM;
  const now = () => clock;
  let n = 0;
  const fast: DeliverOptions = { ...DEFAULT_DELIVER, backoffMs: 10_000, maxAttempts: 3 };
  const opts = { nearAhead: 3, signature: '政务服务中心', intervalMs: 0, retentionMs: 48 * 60 * MINUTE, deliver: fast };
  let svc: SmsService;

  async function push<T extends EventType>(t: TestTerminal, type: T, payload: PayloadInput<T>) {
    clock += 1000;
    const r = await call(s.url, 'POST', '/api/sync/push', { token: terminalTokens.get(t)!, body: { events: [t.emit(type, payload)] } });
    expect(r.status).toBe(200);
  }
  async function issue() {
    n += 1;
    const number = `A${String(n).padStart(3, '0')}`;
    const token = randomBytes(16).toString('base64url');
    const ticketId = kiosk.nextId();
    await push(kiosk, 'ticket.issued', { ticketId, serviceId: 'hukou', number, numberSource: 'server', day: MON, channel: 'kiosk', token });
    return { number, token, ticketId };
  }
  const subscribe = async (token: string, phone = PHONE) => expect((await call(s.url, 'POST', `/api/progress/${token}/sms`, { body: { phone } })).status).toBe(200);
  const serve = async (ticketId: string) => {
    await push(counter, 'ticket.called', { ticketId, windowId: 'w1' });
    await push(counter, 'ticket.finished', { ticketId, windowId: 'w1', outcome: 'done' });
  };
  const outbox = async (ticketId: string) =>
    (await tdb.db.query<any>('SELECT kind, status, attempts, next_attempt_at, error, phone, body FROM sms_outbox WHERE ticket_id = $1 ORDER BY kind', [ticketId])).rows;

  beforeAll(async () => {
    // This server's own SMS loop is off: the tests drive an SmsService step by step.
    process.env.HALLQ_SMS = 'off';
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { now });
    delete process.env.HALLQ_SMS;
    expect(smsServiceOf(s.server.app)).toBeUndefined();
    const put = (k: string, id: string, value: unknown) => call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: k, id, value } });
    await put('service', 'hukou', { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } });
    await put('window', 'w1', { id: 'w1', label: '5', services: [{ serviceId: 'hukou' }] });
    const k = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    kiosk = new TestTerminal('kiosk-1', now, k.epoch);
    terminalTokens.set(kiosk, k.token);
    const c = await enrollTerminal(s, 'counter-1', 'counter', 'w1');
    counter = new TestTerminal('counter-1', now, c.epoch);
    terminalTokens.set(counter, c.token);
    await push(counter, 'window.opened', { windowId: 'w1' });
    gw = new Gateway();
    await gw.start();
    svc = new SmsService({ db: tdb.db, cache: new HallCache(), now }, new WebhookSmsProvider({ url: gw.url, timeoutMs: 2000, token: 'gw-secret' }), opts);
  });
  afterEach(() => {
    gw.failNext = 0;
    gw.delayMs = 0;
  });
  afterAll(async () => {
    await gw?.stop();
    await s?.stop();
    await tdb?.drop();
  });

  it('R2: a subscriber is told once when 3 or fewer are ahead, and once which window calls them', async () => {
    const tickets = [];
    for (let i = 0; i < 6; i++) tickets.push(await issue());
    const me = tickets[5]!;
    await subscribe(me.token);
    expect(await svc.tick()).toMatchObject({ near: 0, called: 0, sent: 0 }); // 5 ahead
    await serve(tickets[0]!.ticketId);
    expect((await svc.tick()).near).toBe(0); // 4 ahead
    await serve(tickets[1]!.ticketId);
    expect(await svc.tick()).toMatchObject({ near: 1, sent: 1 }); // 3 ahead
    expect(gw.received).toEqual([{ to: PHONE, text: '【政务服务中心】您的A006号前面还有3人，预计约24分钟后叫号，请回到等候区留意叫号屏。', auth: 'Bearer gw-secret' }]);
    for (const t of tickets.slice(2, 5)) {
      await serve(t.ticketId);
      expect(await svc.tick()).toMatchObject({ near: 0, called: 0, sent: 0 });
    }
    await push(counter, 'ticket.called', { ticketId: me.ticketId, windowId: 'w1' });
    expect(await svc.tick()).toMatchObject({ called: 1, sent: 1 });
    expect(gw.received[1]).toEqual({ to: PHONE, text: '【政务服务中心】请A006号到5号窗口办理业务。', auth: 'Bearer gw-secret' });
    // Recalled, checked again and again: nothing more is sent for this ticket.
    await push(counter, 'ticket.recalled', { ticketId: me.ticketId, windowId: 'w1' });
    await svc.tick();
    await svc.tick();
    expect(gw.received).toHaveLength(2);
    expect((await outbox(me.ticketId)).map((r: any) => [r.kind, r.status])).toEqual([
      ['called', 'sent'],
      ['near', 'sent'],
    ]);
    await push(counter, 'ticket.finished', { ticketId: me.ticketId, windowId: 'w1', outcome: 'done' });
  });

  it('at most one notice per ticket and kind, however many instances enqueue at once', async () => {
    const t = await issue();
    await subscribe(t.token, '13900000001');
    const others: Db[] = kind === 'postgres' ? [await openPostgres(tdb.url!), await openPostgres(tdb.url!)] : [tdb.db, tdb.db];
    try {
      const rounds = await Promise.all([tdb.db, ...others].map((db) => enqueueNotices(db, new HallCache(), s.hall, clock, opts)));
      expect(rounds.reduce((a, r) => a + r.near, 0)).toBe(1);
    } finally {
      if (kind === 'postgres') for (const db of others) await db.close();
    }
    expect((await outbox(t.ticketId)).map((r: any) => r.kind)).toEqual(['near']);
    await svc.tick();
    await push(counter, 'ticket.called', { ticketId: t.ticketId, windowId: 'w1' });
    await push(counter, 'ticket.finished', { ticketId: t.ticketId, windowId: 'w1', outcome: 'done' });
  });

  it('a failed delivery is retried after a backoff and then sent once', async () => {
    const t = await issue();
    await subscribe(t.token, '13900000002');
    gw.failNext = 1;
    const before = gw.received.length;
    expect(await svc.tick()).toMatchObject({ near: 1, sent: 0 });
    const [row] = await outbox(t.ticketId);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, error: expect.stringContaining('502') });
    expect(Number(row.next_attempt_at)).toBe(clock + fast.backoffMs);
    expect((await svc.tick()).sent).toBe(0); // not due yet
    clock += fast.backoffMs;
    expect((await svc.tick()).sent).toBe(1);
    expect(await outbox(t.ticketId)).toMatchObject([{ status: 'sent', attempts: 2, error: null }]);
    expect(gw.received.slice(before).filter((r) => r.to === '13900000002')).toHaveLength(1);
    await serve(t.ticketId);
  });

  it('after the last attempt a notice is marked failed with the gateway error; a stalled gateway is a failure too', async () => {
    const t = await issue();
    await subscribe(t.token, '13900000003');
    gw.failNext = 10;
    await svc.tick();
    clock += fast.backoffMs;
    await svc.tick();
    clock += 2 * fast.backoffMs;
    await svc.tick();
    expect(await outbox(t.ticketId)).toMatchObject([{ status: 'failed', attempts: 3, error: expect.stringContaining('502') }]);
    gw.failNext = 0;
    clock += 10 * fast.backoffMs;
    expect((await svc.tick()).sent).toBe(0);
    // A gateway that does not answer in time.
    await tdb.db.query(`INSERT INTO sms_outbox (hall, ticket_id, kind, phone, body, next_attempt_at, created_at) VALUES ($1, 'slow-1', 'called', '13900000009', 'x', $2, $2)`, [s.hall, clock]);
    gw.delayMs = 1000;
    const slow = new WebhookSmsProvider({ url: gw.url, timeoutMs: 100 });
    expect(await deliverDue(tdb.db, slow, now, fast)).toMatchObject({ sent: 0, retried: 1 });
    expect(await outbox('slow-1')).toMatchObject([{ status: 'pending', attempts: 1, error: expect.stringMatching(/abort|timeout/i) }]);
    await serve(t.ticketId);
  });

  it('two instances delivering at once never send the same notice twice (FOR UPDATE SKIP LOCKED)', async () => {
    const rows = 40;
    for (let i = 0; i < rows; i++) {
      await tdb.db.query(`INSERT INTO sms_outbox (hall, ticket_id, kind, phone, body, next_attempt_at, created_at) VALUES ($1, $2, 'near', $3, $4, $5, $5)`, [
        s.hall,
        `bulk-${i}`,
        `1370000${String(i).padStart(4, '0')}`,
        `bulk ${i}`,
        clock,
      ]);
    }
    gw.delayMs = 20;
    const dbs: Db[] = kind === 'postgres' ? [await openPostgres(tdb.url!), await openPostgres(tdb.url!)] : [tdb.db, tdb.db];
    const provider = new WebhookSmsProvider({ url: gw.url });
    try {
      const before = gw.received.length;
      const runs = await Promise.all(
        dbs.map(async (db) => {
          let sent = 0;
          for (;;) {
            const r = await deliverDue(db, provider, now, { ...fast, batch: 5 });
            sent += r.sent;
            if (r.claimed === 0) return sent;
          }
        }),
      );
      const got = gw.received.slice(before).map((r) => r.text);
      expect(got).toHaveLength(rows);
      expect(new Set(got).size).toBe(rows);
      expect(runs[0]! + runs[1]!).toBe(rows);
      if (kind === 'postgres') expect(runs.every((x) => x > 0)).toBe(true);
    } finally {
      if (kind === 'postgres') for (const db of dbs) await db.close();
    }
    const left = await tdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sms_outbox WHERE ticket_id LIKE 'bulk-%' AND status <> 'sent'`);
    expect(left.rows[0]!.n).toBe(0);
  });

  it('a near notice not yet sent when the ticket is called is dropped; a notice too old to help is not sent', async () => {
    const t = await issue();
    await subscribe(t.token, '13900000004');
    await enqueueNotices(tdb.db, new HallCache(), s.hall, clock, opts);
    await push(counter, 'ticket.called', { ticketId: t.ticketId, windowId: 'w1' });
    await enqueueNotices(tdb.db, new HallCache(), s.hall, clock, opts);
    expect((await outbox(t.ticketId)).map((r: any) => [r.kind, r.status, r.error])).toEqual([
      ['called', 'pending', null],
      ['near', 'failed', 'superseded: ticket called'],
    ]);
    clock += fast.maxAgeMs + 1;
    await svc.tick();
    expect((await outbox(t.ticketId))[0]).toMatchObject({ kind: 'called', status: 'failed', error: expect.stringContaining('expired') });
    await push(counter, 'ticket.finished', { ticketId: t.ticketId, windowId: 'w1', outcome: 'done' });
  });

  it('the log provider writes the notice to the server log with the phone masked as 138****1234', async () => {
    const lines: Array<{ obj: any; msg?: string }> = [];
    const log = new LogSmsProvider({ info: (obj, msg) => lines.push({ obj, ...(msg ? { msg } : {}) }) });
    await log.send({ to: '13812341234', text: '【政务服务中心】请A001号到5号窗口办理业务。' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.obj).toEqual({ sms: { to: '138****1234', text: '【政务服务中心】请A001号到5号窗口办理业务。' } });
    expect(JSON.stringify(lines)).not.toContain('13812341234');
  });

  it('R21: after the retention period phones are masked in the outbox and subscriptions deleted', async () => {
    const later = clock + 49 * 60 * MINUTE;
    await purgePhones(tdb.db, later, 48 * 60 * MINUTE);
    const phones = await tdb.db.query<{ phone: string }>(`SELECT phone FROM sms_outbox WHERE status <> 'pending'`);
    expect(phones.rows.length).toBeGreaterThan(0);
    for (const r of phones.rows) expect(r.phone).toMatch(/^1\d\d\*{4}\d{4}$/);
    expect(phones.rows.map((r) => r.phone)).toContain('138****1234');
    expect((await tdb.db.query('SELECT 1 FROM sms_subscriptions')).rows).toHaveLength(0);
  });

  it('R2: the server started by buildServer sends the called notice by itself, woken by the call', async () => {
    const db2 = await freshDb(kind);
    Object.assign(process.env, { HALLQ_SMS_WEBHOOK_URL: gw.url, HALLQ_SMS_INTERVAL_MS: '60000', HALLQ_SMS_SIGNATURE: '朝阳区政务服务中心' });
    let s2: RunningServer | undefined;
    try {
      s2 = await startServer(db2.db, { now });
      expect(smsServiceOf(s2.server.app)?.provider.name).toBe('webhook');
      const put = (k: string, id: string, value: unknown) => call(s2!.url, 'PUT', '/api/admin/config', { token: s2!.adminToken, body: { kind: k, id, value } });
      await put('service', 'hukou', { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } });
      await put('window', 'w1', { id: 'w1', label: '12', services: [{ serviceId: 'hukou' }] });
      const k = await enrollTerminal(s2, 'kiosk-1', 'kiosk');
      const c = await enrollTerminal(s2, 'counter-1', 'counter', 'w1');
      const k2 = new TestTerminal('kiosk-1', now, k.epoch);
      const c2 = new TestTerminal('counter-1', now, c.epoch);
      const token = randomBytes(16).toString('base64url');
      clock += 1000;
      const issued = k2.emit('ticket.issued', { ticketId: k2.nextId(), serviceId: 'hukou', number: 'A001', numberSource: 'server', day: MON, channel: 'kiosk', token });
      await call(s2.url, 'POST', '/api/sync/push', { token: k.token, body: { events: [issued] } });
      expect((await call(s2.url, 'POST', `/api/progress/${token}/sms`, { body: { phone: '13600000000' } })).status).toBe(200);
      const until = async (pred: () => boolean) => {
        for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 50));
        expect(pred()).toBe(true);
      };
      // Subscribing wakes the service: 0 ahead, the near notice goes out at once.
      await until(() => gw.received.some((r) => r.to === '13600000000'));
      clock += 1000;
      const called = c2.emit('ticket.called', { ticketId: issued.payload.ticketId, windowId: 'w1' });
      await call(s2.url, 'POST', '/api/sync/push', { token: c.token, body: { events: [called] } });
      await until(() => gw.received.some((r) => r.to === '13600000000' && r.text.includes('12号窗口')));
      expect(gw.received.filter((r) => r.to === '13600000000').map((r) => r.text)).toEqual([
        '【朝阳区政务服务中心】您的A001号即将叫号，请回到等候区留意叫号屏。',
        '【朝阳区政务服务中心】请A001号到12号窗口办理业务。',
      ]);
    } finally {
      for (const k of ['HALLQ_SMS_WEBHOOK_URL', 'HALLQ_SMS_INTERVAL_MS', 'HALLQ_SMS_SIGNATURE']) delete process.env[k];
      await s2?.stop();
      await db2.drop();
    }
  });
});
