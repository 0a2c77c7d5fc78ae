/**
 * Issue 15, events at the door, as an attacker holding a terminal's token would try them against
 * the real server: back-dating, bad characters, unmasked personal data, impossible days and
 * unknown services, raw configuration values, window scope, and junk device faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHlc } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import { localDate } from '../../shared/schedule';
import { NOISY_LAST_WORD_CAP, NOISY_PER_MINUTE } from '../../server/admission/noisy';
import { migrate } from '../../server/db/migrations';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const MIN = 60_000;
const services = [
  { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } },
  { id: 'social', prefix: 'B', name: { zh: '社保医保', en: 'Social insurance' } },
];
const windows = [
  { id: 'w1', label: '1', services: [{ serviceId: 'hukou' }] },
  { id: 'w2', label: '2', services: [{ serviceId: 'hukou' }] },
  { id: 'w3', label: '3', services: [{ serviceId: 'social' }] },
];

/** JSON nested n objects deep (built as text: JSON.stringify itself would overflow). */
const deep = (n: number) => '{"d":'.repeat(n) + '"x"' + '}'.repeat(n);

/** A terminal whose clock the test sets (an attacker sets it as they like). */
interface Actor {
  t: TestTerminal;
  token: string;
  at: number;
}

describe.each(DB_KINDS)('events at the door on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  const actors: Record<string, Actor> = {};
  let ticketNo = 0;

  const actor = async (id: string, role: string, windowId?: string): Promise<Actor> => {
    const e = await enrollTerminal(s, id, role, windowId);
    const a: Actor = { t: undefined as unknown as TestTerminal, token: e.token, at: Date.now() };
    a.t = new TestTerminal(id, () => a.at, e.epoch);
    actors[id] = a;
    return a;
  };
  const push = (a: Actor, ...events: unknown[]) => call(s.url, 'POST', '/api/sync/push', { token: a.token, body: { events } });
  const today = () => localDate(Date.now(), 'Asia/Shanghai');
  const issue = (a: Actor, serviceId = 'hukou', extra: object = {}) =>
    a.t.emit('ticket.issued', {
      ticketId: a.t.nextId(),
      serviceId,
      number: `${serviceId === 'hukou' ? 'A' : 'B'}${String(++ticketNo).padStart(3, '0')}`,
      numberSource: 'server',
      day: today(),
      channel: 'kiosk',
      ...extra,
    });
  /** The same event, dated otherwise: what a terminal in an attacker's hands sends. */
  const dated = <E extends HallEvent>(e: E, wall: number): E => ({ ...e, hlc: formatHlc({ wall, count: 0 }) });
  /** The same event with a payload a terminal's own checks would not author. */
  const forged = (e: HallEvent, patch: Record<string, unknown>) => ({ ...e, payload: { ...e.payload, ...patch } }) as HallEvent;
  const stored = async (origin: string, seq: number) =>
    (await tdb.db.query('SELECT 1 FROM events WHERE origin = $1 AND seq = $2', [origin, seq])).rows.length === 1;
  const pulled = async (token: string) => {
    const out: any[] = [];
    let after = 0;
    for (;;) {
      const page = await call(s.url, 'GET', `/api/sync/pull?after=${after}&limit=1000`, { token });
      out.push(...page.body.events.map((x: any) => x.e));
      after = page.body.last;
      if (!page.body.more) return out;
    }
  };

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db);
    for (const v of services) expect((await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'service', id: v.id, value: v } })).status).toBe(200);
    for (const v of windows) expect((await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'window', id: v.id, value: v } })).status).toBe(200);
    await actor('kiosk-1', 'kiosk');
    await actor('counter-1', 'counter', 'w1');
    await actor('counter-2', 'counter', 'w2');
    await actor('counter-3', 'counter', 'w2');
    await actor('counter-9', 'counter', 'w1');
    await actor('eval-1', 'evaluator', 'w1');
    await actor('display-1', 'display');
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  describe('clocks only move forward per origin', () => {
    it('a counter cannot back-date a call to take a ticket window 1 already called', async () => {
      const [kiosk, c1, c2] = [actors['kiosk-1']!, actors['counter-1']!, actors['counter-2']!];
      const start = Date.now() - 20 * MIN;
      kiosk.at = start;
      const ticket = issue(kiosk);
      expect((await push(kiosk, ticket)).status).toBe(200);
      c1.at = start + 5 * MIN;
      const called = c1.t.emit('ticket.called', { ticketId: ticket.payload.ticketId, windowId: 'w1', staffId: 's1' });
      expect((await push(c1, called)).status).toBe(200);
      // Window 2 works normally: it has pulled window 1's call and signs in after it.
      c2.at = start + 6 * MIN;
      expect((await push(c2, c2.t.emit('window.opened', { windowId: 'w2' }))).status).toBe(200);
      // Then dates a call of the same ticket before window 1's, so the earliest call would win.
      const steal = dated(c2.t.emit('ticket.called', { ticketId: ticket.payload.ticketId, windowId: 'w2' }), start + 4 * MIN);
      const r = await push(c2, steal);
      expect(r).toMatchObject({ status: 422, body: { error: 'clock-backwards', messageZh: expect.stringMatching(/倒填/) } });
      expect(await stored(steal.origin, steal.seq)).toBe(false);
      // Refused for good: the terminal quarantines it and its next event goes through.
      c2.at = start + 7 * MIN;
      const next = c2.t.emit('window.paused', { windowId: 'w2', reason: 'break' });
      expect(await push(c2, next)).toMatchObject({ status: 200, body: { accepted: 1 } });
    });

    it("an evaluator cannot replace a citizen's 5 with a back-dated 1", async () => {
      const [kiosk, c1, ev] = [actors['kiosk-1']!, actors['counter-1']!, actors['eval-1']!];
      const start = Date.now() - 15 * MIN;
      kiosk.at = start;
      const ticket = issue(kiosk);
      expect((await push(kiosk, ticket)).status).toBe(200);
      c1.at = start + MIN;
      const id = ticket.payload.ticketId;
      expect((await push(c1, c1.t.emit('ticket.called', { ticketId: id, windowId: 'w1' }), c1.t.emit('ticket.finished', { ticketId: id, windowId: 'w1', outcome: 'done' }))).status).toBe(200);
      ev.at = start + 3 * MIN;
      expect((await push(ev, ev.t.emit('evaluation.recorded', { ticketId: id, windowId: 'w1', level: 5, source: 'pad' }))).status).toBe(200);
      const worse = dated(ev.t.emit('evaluation.recorded', { ticketId: id, windowId: 'w1', level: 1, source: 'pad' }), start + 2 * MIN);
      expect(await push(ev, worse)).toMatchObject({ status: 422, body: { error: 'clock-backwards' } });
      expect(await stored(worse.origin, worse.seq)).toBe(false);
    });

    it('an event dated 1970 (hlc 0) is refused', async () => {
      const c9 = actors['counter-9']!;
      const zero = { ...c9.t.emit('window.opened', { windowId: 'w1' }), hlc: '0000000000000000-0000' };
      expect(await push(c9, zero)).toMatchObject({ status: 422, body: { error: 'clock-before-floor' } });
      expect(await stored(zero.origin, zero.seq)).toBe(false);
    });

    it("an offline counter's call that won a conflict, and its back-dated twin, are listed for the admin", async () => {
      const [kiosk, c1, c3] = [actors['kiosk-1']!, actors['counter-1']!, actors['counter-3']!];
      const start = Date.now() - 10 * MIN;
      kiosk.at = start;
      const ticket = issue(kiosk);
      expect((await push(kiosk, ticket)).status).toBe(200);
      c1.at = Date.now() - 2 * MIN;
      expect((await push(c1, c1.t.emit('ticket.called', { ticketId: ticket.payload.ticketId, windowId: 'w1' }))).status).toBe(200);
      // Counter 3 was cut off and called the same ticket earlier: the earliest call wins.
      c3.at = start + 2 * MIN;
      const offline = c3.t.emit('ticket.called', { ticketId: ticket.payload.ticketId, windowId: 'w2' });
      expect((await push(c3, offline)).status).toBe(200);
      const list = await call(s.url, 'GET', '/api/admin/overrides', { token: s.adminToken });
      expect(list.status).toBe(200);
      expect(list.body.overrides).toContainEqual(
        expect.objectContaining({ kind: 'call-won', terminal: 'counter-3', number: ticket.payload.number, windowId: 'w2', replacedWindowId: 'w1', seq: offline.seq }),
      );
      // Only the admin reads it.
      expect((await call(s.url, 'GET', '/api/admin/overrides', { token: c3.token })).status).toBe(403);
    });
  });

  describe('input at the door', () => {
    it('a NUL, a lone surrogate or a control character is refused with the field named, never a 500, and does not block the terminal', async () => {
      const c9 = actors['counter-9']!;
      c9.at = Date.now();
      const cases: Array<[HallEvent, RegExp]> = [
        [forged(c9.t.emit('ticket.finished', { ticketId: 'kiosk-1~1:1', windowId: 'w1', outcome: 'done' }), { note: 'ok\u0000; DROP' }), /payload\.note/],
        [forged(c9.t.emit('window.paused', { windowId: 'w1', reason: 'lunch' }), { reason: 'lunch \ud800' }), /payload\.reason/],
        [forged(c9.t.emit('ticket.cancelled', { ticketId: 'kiosk-1~1:1' }), { reason: 'bell\u0007' }), /payload\.reason/],
      ];
      for (const [e, field] of cases) {
        const r = await push(c9, e);
        expect(r, JSON.stringify(e.payload)).toMatchObject({ status: 400, body: { error: 'bad-text', messageZh: expect.any(String) } });
        expect(r.body.message).toMatch(field);
        expect(await stored(e.origin, e.seq)).toBe(false);
      }
      // The admin sees what was set aside on which terminal.
      const list = await call(s.url, 'GET', '/api/admin/overrides', { token: s.adminToken });
      expect(list.body.refused).toContainEqual(expect.objectContaining({ terminal: 'counter-9', lastCode: 'bad-text' }));
      expect(list.body.refused.find((r: any) => r.terminal === 'counter-9').refused).toBeGreaterThanOrEqual(cases.length);
      // A note a clerk writes over several lines is fine; the terminal's outbox moved on.
      const lines = c9.t.emit('ticket.finished', { ticketId: 'kiosk-1~1:1', windowId: 'w1', outcome: 'not-done', note: '材料不全：\n\t1. 户口本' });
      expect(await push(c9, lines)).toMatchObject({ status: 200, body: { accepted: 1 } });
    });

    it('a control character in a configuration value is refused, naming the field', async () => {
      const r = await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'staff', id: 's7', value: { id: 's7', name: '王\u001b[2J芳' } } });
      expect(r).toMatchObject({ status: 400, body: { error: 'bad-text' } });
      expect(r.body.message).toMatch(/value\.name/);
    });

    it('a notice the admin API is asked to publish with a NUL is a 400 naming the field, not a 500; lines are fine', async () => {
      const bad = await call(s.url, 'POST', '/api/admin/notices', { token: s.adminToken, body: { noticeId: 'n1', text: { zh: '今日\u0000停电', en: 'Power cut' } } });
      expect(bad).toMatchObject({ status: 400, body: { error: 'bad-text', messageZh: expect.any(String) } });
      expect(bad.body.message).toMatch(/payload\.text\.zh/);
      const ok = await call(s.url, 'POST', '/api/admin/notices', { token: s.adminToken, body: { noticeId: 'n1', text: { zh: '今日下午\n暂停办理', en: 'No service\nthis afternoon' } } });
      expect(ok.status).toBe(200);
    });

    it('a full ID number or an unmasked name on a ticket is refused (R21)', async () => {
      const kiosk = actors['kiosk-1']!;
      kiosk.at = Date.now();
      const person = { idHash: 'a'.repeat(64), idMasked: '110***********1234', nameMasked: '王*' };
      const full = forged(issue(kiosk, 'hukou', { channel: 'idcard', person }), { person: { ...person, idMasked: '110101199003071234' } });
      expect(await push(kiosk, full)).toMatchObject({ status: 400, body: { error: 'not-masked' } });
      const name = forged(issue(kiosk, 'hukou', { channel: 'idcard', person }), { person: { ...person, nameMasked: '王芳' } });
      const r = await push(kiosk, name);
      expect(r).toMatchObject({ status: 400, body: { error: 'not-masked' } });
      expect(r.body.message).toMatch(/nameMasked/);
      const ok = issue(kiosk, 'hukou', { channel: 'idcard', person });
      expect((await push(kiosk, ok)).status).toBe(200);
    });

    it('a ticket for 9999-99-99, for a day far from today, or of an unknown service is refused', async () => {
      const kiosk = actors['kiosk-1']!;
      kiosk.at = Date.now();
      expect(await push(kiosk, forged(issue(kiosk), { day: '9999-99-99' }))).toMatchObject({ status: 422, body: { error: 'bad-date' } });
      const far = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
      expect(await push(kiosk, issue(kiosk, 'hukou', { day: far }))).toMatchObject({ status: 422, body: { error: 'implausible-day' } });
      expect(await push(kiosk, issue(kiosk, 'passports'))).toMatchObject({ status: 422, body: { error: 'unknown-service' } });
    });

    it('configuration is stored as parsed: unknown keys dropped, 20,000 levels deep is a 400 and not a 500, guide links are http(s) only', async () => {
      const value = { ...services[0], evil: { script: '<img onerror>' } };
      const put = await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'service', id: 'hukou', value } });
      expect(put.status).toBe(200);
      const r = await tdb.db.query<{ body: any }>(`SELECT body FROM events WHERE type = 'config.changed' ORDER BY server_seq DESC LIMIT 1`);
      expect(r.rows[0]!.body.payload.value).not.toHaveProperty('evil');
      expect(r.rows[0]!.body.payload.value).toMatchObject({ id: 'hukou', prefix: 'A', kind: 'normal' });

      const raw = `{"kind":"service","id":"deep","value":{"id":"deep","prefix":"D","name":{"zh":"x","en":"x"},"x":${deep(20_000)}}}`;
      const d = await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, raw });
      expect(d.status).toBeGreaterThanOrEqual(400);
      expect(d.status).toBeLessThan(500);
      expect(d.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });

      const js = { ...services[0], guide: { url: 'javascript:alert(document.cookie)' } };
      const g = await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'service', id: 'hukou', value: js } });
      expect(g).toMatchObject({ status: 400, body: { error: 'bad-config' } });
      expect(g.body.message).toMatch(/guide\.url/);
    });

    it('a deeply nested event pushed by a terminal is a 400, not a 500', async () => {
      const kiosk = await actor('kiosk-2', 'kiosk');
      const e = JSON.stringify(forged(issue(kiosk), { extra: 'DEEP' })).replace('"DEEP"', deep(20_000));
      const r = await call(s.url, 'POST', '/api/sync/push', { token: kiosk.token, raw: `{"events":[${e}]}` });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    });
  });

  describe('window scope', () => {
    it('a counter cannot cancel a ticket that was never at its window, of a service it does not serve', async () => {
      const [kiosk, c1] = [actors['kiosk-1']!, actors['counter-1']!];
      kiosk.at = Date.now();
      const social = issue(kiosk, 'social');
      expect((await push(kiosk, social)).status).toBe(200);
      c1.at = Date.now();
      const cancel = c1.t.emit('ticket.cancelled', { ticketId: social.payload.ticketId, reason: 'left' });
      expect(await push(c1, cancel)).toMatchObject({ status: 403, body: { error: 'out-of-scope', messageZh: expect.any(String) } });
      expect(await stored(cancel.origin, cancel.seq)).toBe(false);
      // Its own service's waiting citizen who says they are leaving: the clerk's real work.
      const hukou = issue(kiosk, 'hukou');
      expect((await push(kiosk, hukou)).status).toBe(200);
      expect((await push(c1, c1.t.emit('ticket.cancelled', { ticketId: hukou.payload.ticketId, reason: 'left' }))).status).toBe(200);
      // A ticket the clerk took on a citizen's behalf (R13) for another service, by mistake: their own to undo.
      const assisted = c1.t.emit('ticket.issued', { ticketId: c1.t.nextId(), serviceId: 'social', number: 'B777', numberSource: 'server', day: today(), channel: 'assisted' });
      expect((await push(c1, assisted)).status).toBe(200);
      expect((await push(c1, c1.t.emit('ticket.cancelled', { ticketId: assisted.payload.ticketId, reason: 'mistake' }))).status).toBe(200);
    });

    it('a kiosk cannot requeue a ticket', async () => {
      const kiosk = actors['kiosk-1']!;
      const t = issue(kiosk);
      expect((await push(kiosk, t)).status).toBe(200);
      const r = await push(kiosk, kiosk.t.emit('ticket.requeued', { ticketId: t.payload.ticketId }));
      expect(r).toMatchObject({ status: 403, body: { error: 'type-not-allowed' } });
    });

    it('a counter cannot transfer to a service or window the hall does not have, nor act on a ticket that does not exist', async () => {
      const [kiosk, c1] = [actors['kiosk-1']!, actors['counter-1']!];
      const t = issue(kiosk);
      expect((await push(kiosk, t)).status).toBe(200);
      c1.at = Date.now() + 1000;
      expect((await push(c1, c1.t.emit('ticket.called', { ticketId: t.payload.ticketId, windowId: 'w1' }))).status).toBe(200);
      const bad = c1.t.emit('ticket.transferred', { ticketId: t.payload.ticketId, windowId: 'w1', toServiceId: 'passports' });
      expect(await push(c1, bad)).toMatchObject({ status: 422, body: { error: 'unknown-service' } });
      const nowhere = c1.t.emit('ticket.transferred', { ticketId: t.payload.ticketId, windowId: 'w1', toWindowId: 'w99' });
      expect(await push(c1, nowhere)).toMatchObject({ status: 422, body: { error: 'unknown-window' } });
      // A ticket whose issue cannot arrive any more is refused for good; one still on its way is "later".
      expect(await push(c1, c1.t.emit('ticket.cancelled', { ticketId: 'made-up-ticket' }))).toMatchObject({ status: 422, body: { error: 'unknown-ticket' } });
      const ahead = c1.t.emit('ticket.cancelled', { ticketId: `${kiosk.t.origin}:999999` });
      expect(await push(c1, ahead)).toMatchObject({ status: 409, body: { error: 'ticket-not-yet-held' } });
    });
  });

  describe('noisy events', () => {
    it('thousands of junk device faults cannot fill the log every terminal pulls', async () => {
      const d = actors['display-1']!;
      d.at = Date.now();
      const same = Array.from({ length: 500 }, () => d.t.emit('device.fault', { device: 'printer', code: 'paper-out', message: 'no paper' }));
      const junk = Array.from({ length: 500 }, (_, i) => d.t.emit('device.fault', { device: 'led', code: `junk-${i}` }));
      for (const batch of [same, junk]) expect(await push(d, ...batch)).toMatchObject({ status: 200, body: { accepted: 500 } });
      // Every one is held (the terminal's outbox empties, hubs relay the origin densely) ...
      const held = await call(s.url, 'GET', '/api/sync/held', { token: d.token });
      expect(held.body[d.t.origin]).toBe(junk[junk.length - 1]!.seq);
      // ... but only a handful reach the other terminals.
      const seen = (await pulled(actors['kiosk-1']!.token)).filter((e) => e.origin === d.t.origin && e.type === 'device.fault');
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.length).toBeLessThanOrEqual(2 * NOISY_PER_MINUTE);
      expect(seen.filter((e) => e.payload.code === 'paper-out')).toHaveLength(1);
      // A hub gets them all: it holds every origin densely and relays it on.
      const hub = await enrollTerminal(s, 'hub-1', 'hub');
      const relayed = (await pulled(hub.token)).filter((e) => e.origin === d.t.origin);
      expect(relayed.map((e) => e.seq)).toEqual([...same, ...junk].map((e) => e.seq));
      // The rest is counted for the admin.
      const list = await call(s.url, 'GET', '/api/admin/overrides', { token: s.adminToken });
      const summary = list.body.quietFaults.find((x: any) => x.terminal === 'display-1');
      expect(summary.quiet + summary.visible).toBe(1000);
      expect(summary.quiet).toBeGreaterThanOrEqual(1000 - 2 * NOISY_PER_MINUTE);
    });

    it('over the minute\'s limit, a device\'s last word still reaches the other terminals: its fault, then its clearing (issue 17)', async () => {
      const k = await actor('kiosk-2', 'kiosk');
      const junk = Array.from({ length: NOISY_PER_MINUTE }, (_, i) => k.t.emit('device.fault', { device: 'led', code: `flap-${i}` }));
      expect(await push(k, ...junk)).toMatchObject({ status: 200 });
      const fault = k.t.emit('device.fault', { device: 'printer', code: 'paper-out', severity: 'fault', words: { zh: '打印纸用完了，请更换纸卷', en: 'Out of paper: load a new roll' } });
      expect(await push(k, fault)).toMatchObject({ status: 200 });
      const fixed = k.t.emit('device.recovered', { device: 'printer' });
      expect(await push(k, fixed)).toMatchObject({ status: 200 });
      const seen = (await pulled(actors['kiosk-1']!.token)).filter((e) => e.origin === k.t.origin && e.payload.device === 'printer');
      expect(seen.map((e) => [e.type, e.payload.code])).toEqual([
        ['device.fault', 'paper-out'],
        ['device.recovered', undefined],
      ]);
      expect(seen[0].payload.words.zh).toBe('打印纸用完了，请更换纸卷');
      const visible = (await pulled(actors['kiosk-1']!.token)).filter((e) => e.origin === k.t.origin);
      expect(visible.length).toBeLessThanOrEqual(NOISY_LAST_WORD_CAP);
    });
  });
});

describe.each(DB_KINDS)('the upgrade to the door on %s', (kind) => {
  it("keeps every stored event and gives each origin the newest hlc it had stored (the floor for its next push)", async () => {
    const tdb = await freshDb(kind);
    try {
      await migrate(tdb.db);
      // The database as the release before left it: no last_hlc, no quiet flag.
      await tdb.db.exec(`
        ALTER TABLE origins DROP COLUMN last_hlc; ALTER TABLE events DROP COLUMN quiet;
        DROP TABLE noisy_counts; DROP TABLE overrides; DELETE FROM schema_migrations WHERE id = 11;`);
      const t = new TestTerminal('counter-1', () => Date.now() - 30 * MIN, 1);
      const old = [t.emit('window.opened', { windowId: 'w1' }), t.emit('window.paused', { windowId: 'w1', reason: 'lunch' }), t.emit('window.resumed', { windowId: 'w1' })];
      for (const e of old) {
        await tdb.db.query('INSERT INTO events (hall, origin, seq, hlc, type, body) VALUES ($1, $2, $3, $4, $5, $6)', [e.hall, e.origin, e.seq, e.hlc, e.type, JSON.stringify(e)]);
      }
      await tdb.db.query('INSERT INTO origins (origin, hall, held) VALUES ($1, $2, $3)', [t.origin, 'hall-1', 3]);
      await migrate(tdb.db);
      const o = await tdb.db.query<{ held: number; last_hlc: string }>('SELECT held, last_hlc FROM origins WHERE origin = $1', [t.origin]);
      expect(o.rows[0]).toMatchObject({ held: 3, last_hlc: old[2]!.hlc });
      const events = await tdb.db.query<{ seq: number; quiet: boolean }>('SELECT seq, quiet FROM events WHERE origin = $1 ORDER BY seq', [t.origin]);
      expect(events.rows.map((r) => [Number(r.seq), r.quiet])).toEqual([[1, false], [2, false], [3, false]]);
    } finally {
      await tdb.drop();
    }
  });
});
