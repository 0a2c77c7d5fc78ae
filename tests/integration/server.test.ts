import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { localDate } from '../../shared/schedule';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const service = { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } };
const window1 = { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] };
const window2 = { id: 'w2', label: '2', services: [{ serviceId: 'hukou' }] };

describe.each(DB_KINDS)('hall server on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let kiosk: TestTerminal;
  let kioskToken: string;
  let counterToken: string;
  let counter2Token: string;
  let evaluatorToken: string;
  let displayToken: string;
  const now = () => Date.now();

  const count = async () => (await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;
  const issued = (t: TestTerminal, n: number) =>
    t.emit('ticket.issued', { ticketId: t.nextId(), serviceId: 'hukou', number: `A${String(n).padStart(3, '0')}`, numberSource: 'server', day: localDate(Date.now(), 'Asia/Shanghai'), channel: 'kiosk' });

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db);
    for (const [k, v] of [['service', service], ['window', window1], ['window', window2]] as const) {
      const r = await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: k, id: v.id, value: v } });
      expect(r.status).toBe(200);
    }
    const k = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    kioskToken = k.token;
    kiosk = new TestTerminal('kiosk-1', now, k.epoch);
    counterToken = (await enrollTerminal(s, 'counter-1', 'counter', 'w1')).token;
    counter2Token = (await enrollTerminal(s, 'counter-2', 'counter', 'w2')).token;
    evaluatorToken = (await enrollTerminal(s, 'eval-1', 'evaluator', 'w1')).token;
    displayToken = (await enrollTerminal(s, 'display-1', 'display')).token;
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('health says which database it runs on', async () => {
    const r = await call(s.url, 'GET', '/health');
    expect(r.body).toMatchObject({ ok: true, db: kind });
  });

  it('an enrollment code works once', async () => {
    const created = await call(s.url, 'POST', '/api/admin/terminals', { token: s.adminToken, body: { id: 'kiosk-9', role: 'kiosk' } });
    expect(created.status).toBe(200);
    expect((await call(s.url, 'POST', '/api/enroll', { body: { code: created.body.code } })).status).toBe(200);
    const again = await call(s.url, 'POST', '/api/enroll', { body: { code: created.body.code } });
    expect(again).toMatchObject({ status: 401, body: { error: 'bad-code' } });
  });

  it('an expired enrollment code is refused', async () => {
    const created = await call(s.url, 'POST', '/api/admin/terminals', { token: s.adminToken, body: { id: 'kiosk-8', role: 'kiosk' } });
    await tdb.db.query(`UPDATE terminals SET code_expires_at = 0 WHERE id = 'kiosk-8'`);
    const r = await call(s.url, 'POST', '/api/enroll', { body: { code: created.body.code } });
    expect(r).toMatchObject({ status: 401, body: { error: 'code-expired' } });
    expect(r.body.messageZh).toMatch(/过期/);
  });

  it('a pushed event is held once and pulled by every terminal of the hall, after its checkpoint', async () => {
    const e = issued(kiosk, 1);
    const first = await call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [e] } });
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0, held: { [e.origin]: e.seq } });
    // The answer was lost; the terminal sends the same batch again: nothing changes.
    const before = await count();
    const retry = await call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [e] } });
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await count()).toBe(before);
    const page = await call(s.url, 'GET', '/api/sync/pull?after=0&limit=2', { token: displayToken });
    expect(page.body.more).toBe(true);
    const rest = await call(s.url, 'GET', `/api/sync/pull?after=${page.body.last}&limit=1000`, { token: displayToken });
    const all = [...page.body.events, ...rest.body.events];
    expect(all.map((x: { s: number }) => x.s)).toEqual([...all.map((x: { s: number }) => x.s)].sort((a, b) => a - b));
    expect(all.some((x: { e: { origin: string; seq: number } }) => x.e.origin === e.origin && x.e.seq === e.seq)).toBe(true);
  });

  it('numbers are sequential per prefix with no gaps and no repeats under concurrency', async () => {
    const got = await Promise.all(Array.from({ length: 40 }, () => call(s.url, 'POST', '/api/numbers', { token: kioskToken, body: { serviceId: 'hukou' } })));
    const seqs = got.map((r) => r.body.seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => seqs[0]! + i));
    expect(got[0]!.body.prefix).toBe('A');
  });

  it('two windows calling next at once get different tickets', async () => {
    await call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [issued(kiosk, 2), issued(kiosk, 3)] } });
    const [a, b] = await Promise.all([
      call(s.url, 'POST', '/api/claims', { token: counterToken, body: { windowId: 'w1' } }),
      call(s.url, 'POST', '/api/claims', { token: counter2Token, body: { windowId: 'w2' } }),
    ]);
    expect(a.body.ticket).not.toBeNull();
    expect(b.body.ticket).not.toBeNull();
    expect(a.body.ticket.id).not.toBe(b.body.ticket.id);
  });

  it('a display connected live receives new events as they are stored', async () => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/sync/live`, { headers: { authorization: `Bearer ${displayToken}` } });
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((r) => ws.on('open', r));
    await waitFor(() => messages.some((m) => m.t === 'hello'));
    const e = issued(kiosk, 4);
    await call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [e] } });
    await waitFor(() => messages.some((m) => m.t === 'events' && m.events.some((x: any) => x.e.seq === e.seq && x.e.origin === e.origin)));
    ws.close();
  });

  it('a re-enrolled terminal writes under an epoch past every one the hall has seen from it', async () => {
    const first = await enrollTerminal(s, 'kiosk-5', 'kiosk');
    // Events of a later epoch reached this server by replication (e.g. a hub rebuilt its database).
    await tdb.db.query(`INSERT INTO origins (origin, hall, held) VALUES ('kiosk-5~7', $1, 3)`, [s.hall]);
    const again = await enrollTerminal(s, 'kiosk-5', 'kiosk');
    expect(again.epoch).toBe(8);
    expect(first.epoch).toBeLessThan(again.epoch);
  });

  it("a refused event does not block the terminal's later events", async () => {
    const c = await enrollTerminal(s, 'counter-5', 'counter', 'w1');
    const t = new TestTerminal('counter-5', now, c.epoch);
    const bad = t.emit('window.opened', { windowId: 'w2' }); // not this counter's window
    const first = await call(s.url, 'POST', '/api/sync/push', { token: c.token, body: { events: [bad] } });
    expect(first).toMatchObject({ status: 403, body: { error: 'other-window' } });
    const next = t.emit('window.opened', { windowId: 'w1' });
    const ok = await call(s.url, 'POST', '/api/sync/push', { token: c.token, body: { events: [next] } });
    expect(ok.body).toMatchObject({ accepted: 1, held: { [next.origin]: next.seq } });
    // The refused event stays refused, with the same answer, and was never stored.
    const again = await call(s.url, 'POST', '/api/sync/push', { token: c.token, body: { events: [bad] } });
    expect(again).toMatchObject({ status: 403, body: { error: 'other-window' } });
    const stored = await tdb.db.query('SELECT 1 FROM events WHERE origin = $1 AND seq = $2', [bad.origin, bad.seq]);
    expect(stored.rows).toHaveLength(0);
  });

  describe('bad input gets a 4xx with a clear message, and nothing is stored', () => {
    const refused = async (r: Promise<{ status: number; body: any }>, status: number, error: string) => {
      const before = await count();
      const res = await r;
      expect(res.status).toBe(status);
      expect(res.body.error).toBe(error);
      expect(typeof res.body.message).toBe('string');
      expect(await count()).toBe(before);
      return res;
    };

    it('malformed JSON', () => refused(call(s.url, 'POST', '/api/sync/push', { token: kioskToken, raw: '{"events": [' }), 400, 'bad-json'));

    it('wrong types, naming the field', async () => {
      const e = { ...issued(kiosk, 5), seq: 'seven' };
      const r = await refused(call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [e] } }), 400, 'invalid-event');
      expect(r.body.message).toMatch(/seq/);
    });

    it('an oversized batch', () =>
      refused(call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: Array.from({ length: 501 }, () => ({})) } }), 413, 'too-many-events'));

    it('a batch replayed by another terminal', async () => {
      const e = issued(new TestTerminal('kiosk-1', now, 1), 6);
      await refused(call(s.url, 'POST', '/api/sync/push', { token: displayToken, body: { events: [e] } }), 403, 'not-your-origin');
    });

    it('a replay that changes an event already held', async () => {
      const page = await call(s.url, 'GET', '/api/sync/pull?after=0&limit=1000', { token: displayToken });
      const held = page.body.events.map((x: any) => x.e).find((e: any) => e.origin.startsWith('kiosk-1~') && e.type === 'ticket.issued');
      const forged = { ...held, payload: { ...held.payload, number: 'A999' } };
      await refused(call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [forged] } }), 409, 'event-conflict');
    });

    it('a gap in seq', async () => {
      const t = new TestTerminal('kiosk-1', now, 1);
      for (let i = 0; i < 50; i++) t.emit('window.opened', { windowId: 'w1' });
      const far = issued(t, 7);
      await refused(call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [far] } }), 409, 'seq-gap');
    });

    it("events for another hall", async () => {
      const e = { ...issued(new TestTerminal('kiosk-1', now, 1), 8), hall: 'hall-2' };
      await refused(call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [e] } }), 403, 'wrong-hall');
    });

    it('an event type the role may not author (a kiosk cannot call)', async () => {
      const t = new TestTerminal('kiosk-1', now, 1);
      const e = t.emit('ticket.called', { ticketId: 'x~1:1', windowId: 'w1' });
      await refused(call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [e] } }), 403, 'type-not-allowed');
    });

    it("an evaluator rating another window's service", async () => {
      const t = new TestTerminal('eval-1', now, 1);
      const e = t.emit('evaluation.recorded', { ticketId: 'x~1:1', windowId: 'w2', level: 5, source: 'pad' });
      await refused(call(s.url, 'POST', '/api/sync/push', { token: evaluatorToken, body: { events: [e] } }), 403, 'other-window');
    });

    it('a clock far in the future', async () => {
      const t = new TestTerminal('kiosk-1', () => Date.now() + 3_600_000, 1);
      await refused(call(s.url, 'POST', '/api/sync/push', { token: kioskToken, body: { events: [issued(t, 9)] } }), 422, 'clock-ahead');
    });

    it('no token, an unknown token, an expired token, a revoked token', async () => {
      const e = issued(new TestTerminal('kiosk-1', now, 1), 10);
      await refused(call(s.url, 'POST', '/api/sync/push', { body: { events: [e] } }), 401, 'no-token');
      await refused(call(s.url, 'POST', '/api/sync/push', { token: 'hq_nope', body: { events: [e] } }), 401, 'bad-token');
      const t = await enrollTerminal(s, 'kiosk-7', 'kiosk');
      await tdb.db.query(`UPDATE terminals SET token_expires_at = 1 WHERE id = 'kiosk-7'`);
      await refused(call(s.url, 'GET', '/api/sync/pull', { token: t.token }), 401, 'token-expired');
      const r = await enrollTerminal(s, 'kiosk-6', 'kiosk');
      expect((await call(s.url, 'DELETE', '/api/admin/terminals/kiosk-6', { token: s.adminToken })).status).toBe(200);
      await refused(call(s.url, 'GET', '/api/sync/pull', { token: r.token }), 401, 'token-revoked');
    });

    it('a configuration value that does not parse', async () => {
      const r = await refused(
        call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'service', id: 'bad', value: { id: 'bad', prefix: 'a1', name: { zh: 'x', en: 'x' } } } }),
        400,
        'bad-config',
      );
      expect(r.body.message).toMatch(/value\.prefix/);
    });

    it('a kiosk may not change configuration', () =>
      refused(call(s.url, 'PUT', '/api/admin/config', { token: kioskToken, body: { kind: 'service', id: 'x', value: null } }), 403, 'role-not-allowed'));
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

