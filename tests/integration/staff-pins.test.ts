/**
 * Issue 15, finding 3: staff PINs, attacked as a terminal's stolen token would attack them.
 * Only counters (and hubs) receive PIN hashes; the server checks PINs online with a lockout,
 * refuses sign-ins of clerks the hall does not have at that window, and upgrades old hashes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_TRIES } from '../../shared/identity/pinLockout';
import { PIN_ITERATIONS, hashPin, pinHashIsCurrent, verifyPin } from '../../shared/identity/pin';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';
import { until } from '../support/until';

const service = { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } };
const windows = ['w1', 'w2'].map((id, i) => ({ id, label: String(i + 1), services: [{ serviceId: 'hukou' }] }));
const salt = (n: number) => new Uint8Array(16).fill(n);

describe.each(DB_KINDS)('staff PINs on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  const tokens: Record<string, string> = {};
  const epochs: Record<string, number> = {};
  const now = () => Date.now();

  const putStaff = async (value: Record<string, unknown>) => {
    const r = await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: 'staff', id: value.id, value } });
    expect(r.status).toBe(200);
    return r;
  };
  const pullAll = async (token: string) => {
    const r = await call(s.url, 'GET', '/api/sync/pull?after=0&limit=1000', { token });
    expect(r.status).toBe(200);
    return r.body as { events: Array<{ s: number; e: { type: string; payload: any } }> };
  };
  /** The clerk's card as the last staff event a terminal pulled says it. */
  const lastCard = (page: Awaited<ReturnType<typeof pullAll>>, id: string) =>
    page.events.filter((x) => x.e.type === 'config.changed' && x.e.payload.kind === 'staff' && x.e.payload.id === id).at(-1)?.e.payload.value;
  const signIn = (terminal: string, staffId: string, pin: string) => call(s.url, 'POST', '/api/staff/sign-in', { token: tokens[terminal], body: { staffId, pin } });

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db);
    for (const [k, v] of [['service', service], ['window', windows[0]!], ['window', windows[1]!]] as const) {
      expect((await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: k, id: v.id, value: v } })).status).toBe(200);
    }
    for (const [id, role, w] of [
      ['counter-1', 'counter', 'w1'],
      ['counter-2', 'counter', 'w2'],
      ['kiosk-1', 'kiosk'],
      ['eval-1', 'evaluator', 'w1'],
      ['display-1', 'display'],
      ['admin-2', 'admin'],
      ['hub-1', 'hub'],
    ] as const) {
      const t = await enrollTerminal(s, id, role, w);
      tokens[id] = t.token;
      epochs[id] = t.epoch;
    }
    await putStaff({ id: 's1', name: '王芳', pinHash: await hashPin('246810', salt(1)) });
    await putStaff({ id: 's2', name: '李娜', windows: ['w2'], pinHash: await hashPin('135791', salt(2)) });
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  it('a display, kiosk, evaluator or admin pulling the log receives no PIN hash', async () => {
    for (const t of ['display-1', 'kiosk-1', 'eval-1', 'admin-2']) {
      const page = await pullAll(tokens[t]!);
      expect(JSON.stringify(page)).not.toContain('pbkdf2');
      expect(JSON.stringify(page)).not.toContain('pinHash');
      // The public card stays, and an admin still sees that a PIN is set.
      expect(lastCard(page, 's1')).toMatchObject({ id: 's1', name: '王芳', pinSet: true });
    }
  });

  it('a counter pulling the log receives the hash it checks PINs against offline', async () => {
    const card = lastCard(await pullAll(tokens['counter-1']!), 's1');
    expect(await verifyPin('246810', card.pinHash)).toBe(true);
  });

  it('a hub receives the staff events whole, and re-sending one to central is a duplicate, not a conflict', async () => {
    const page = await pullAll(tokens['hub-1']!);
    const staffEvent = page.events.find((x) => x.e.type === 'config.changed' && x.e.payload.kind === 'staff' && x.e.payload.id === 's1')!.e;
    expect(await verifyPin('246810', staffEvent.payload.value.pinHash)).toBe(true);
    const again = await call(s.url, 'POST', '/api/sync/push', { token: tokens['hub-1'], body: { events: [staffEvent] } });
    expect(again).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 1 } });
  });

  it("a display's live socket receives no PIN hash, a counter's does", async () => {
    const listen = (token: string) => {
      const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/sync/live`, { headers: { authorization: `Bearer ${token}` } });
      const got: string[] = [];
      ws.on('message', (d) => got.push(String(d)));
      return { ws, got };
    };
    const display = listen(tokens['display-1']!);
    const counter = listen(tokens['counter-1']!);
    await until('both hellos', () => display.got.some((m) => m.includes('"hello"')) && counter.got.some((m) => m.includes('"hello"')));
    await putStaff({ id: 's3', name: '赵敏', pinHash: await hashPin('112358', salt(3), 1000) });
    await until('the new card on both sockets', () => display.got.some((m) => m.includes('赵敏')) && counter.got.some((m) => m.includes('赵敏')));
    expect(display.got.join('\n')).not.toContain('pinHash');
    expect(display.got.find((m) => m.includes('赵敏'))).toContain('"pinSet":true');
    expect(counter.got.find((m) => m.includes('赵敏'))).toContain('pbkdf2-sha256$1000$');
    display.ws.close();
    counter.ws.close();
  });

  it("the admin's own config answer does not echo a PIN hash", async () => {
    const r = await putStaff({ id: 's4', name: '钱进', pinHash: await hashPin('999000', salt(4), 1000) });
    expect(JSON.stringify(r.body)).not.toContain('pinHash');
  });

  it('a counter cannot sign in a staff id the hall does not have', async () => {
    const t = new TestTerminal('counter-1', now, epochs['counter-1']);
    const e = t.emit('staff.signedIn', { windowId: 'w1', staffId: 'ghost' });
    const r = await call(s.url, 'POST', '/api/sync/push', { token: tokens['counter-1'], body: { events: [e] } });
    expect(r).toMatchObject({ status: 403, body: { error: 'unknown-staff' } });
    expect(r.body.messageZh).toContain('ghost');
  });

  it('a counter cannot sign in a clerk assigned to other windows', async () => {
    const t = new TestTerminal('counter-1', now, epochs['counter-1']);
    const e = t.emit('staff.signedIn', { windowId: 'w1', staffId: 's2' });
    const r = await call(s.url, 'POST', '/api/sync/push', { token: tokens['counter-1'], body: { events: [e] } });
    expect(r).toMatchObject({ status: 403, body: { error: 'staff-not-at-window' } });
    // At the clerk's own window the same sign-in is accepted; a clerk with no window list signs in anywhere.
    const own = new TestTerminal('counter-2', now, epochs['counter-2']);
    const ok = await call(s.url, 'POST', '/api/sync/push', { token: tokens['counter-2'], body: { events: [own.emit('staff.signedIn', { windowId: 'w2', staffId: 's2' }), own.emit('staff.signedOut', { windowId: 'w2', staffId: 's2' }), own.emit('staff.signedIn', { windowId: 'w2', staffId: 's1' })] } });
    expect(ok.status).toBe(200);
  });

  it('online sign-in takes the right PIN and refuses a wrong one, in both languages', async () => {
    expect(await signIn('counter-1', 's1', '246810')).toMatchObject({ status: 200, body: { ok: true, staffId: 's1', mustChangePin: false } });
    const wrong = await signIn('counter-1', 's1', '000000');
    expect(wrong).toMatchObject({ status: 401, body: { error: 'wrong-pin' } });
    expect(wrong.body.messageZh).toContain('PIN 错误');
    expect(await signIn('counter-1', 's1', '246810')).toMatchObject({ status: 200 });
    // Not at a window the clerk is not assigned to, not for an unknown clerk, not from a display.
    expect(await signIn('counter-1', 's2', '135791')).toMatchObject({ status: 403, body: { error: 'staff-not-at-window' } });
    expect(await signIn('counter-1', 'ghost', '135791')).toMatchObject({ status: 404, body: { error: 'unknown-staff' } });
    expect(await signIn('display-1', 's1', '246810')).toMatchObject({ status: 403 });
  });

  it(`guessing a clerk's PIN online locks sign-in after ${MAX_TRIES} wrong PINs, from any counter, even in parallel`, async () => {
    await putStaff({ id: 's5', name: '孙丽', pinHash: await hashPin('314159', salt(5), 1000) });
    // Parallel guesses from two counters: the count is taken before the slow hash runs.
    const guesses = await Promise.all(Array.from({ length: MAX_TRIES + 3 }, (_, i) => signIn(i % 2 ? 'counter-1' : 'counter-2', 's5', String(100000 + i))));
    // At most MAX_TRIES PINs are checked at all; the one that locks, and all after it, say so.
    expect(guesses.every((g) => g.status === 401 || g.status === 429)).toBe(true);
    expect(guesses.filter((g) => g.status === 401).length).toBeLessThanOrEqual(MAX_TRIES - 1);
    expect(guesses.filter((g) => g.status === 429).length).toBeGreaterThanOrEqual(guesses.length - (MAX_TRIES - 1));
    // Locked now: even the right PIN waits, and the answer says how long.
    const locked = await signIn('counter-1', 's5', '314159');
    expect(locked).toMatchObject({ status: 429, body: { error: 'pin-locked' } });
    expect(locked.body.messageZh).toContain('锁定');
    const retry = await fetch(`${s.url}/api/staff/sign-in`, { method: 'POST', headers: { authorization: `Bearer ${tokens['counter-1']}`, 'content-type': 'application/json' }, body: JSON.stringify({ staffId: 's5', pin: '314159' }) });
    expect(Number(retry.headers.get('retry-after'))).toBeGreaterThan(50);
  });

  it('an old 20,000-iteration hash is re-hashed at the current cost at the next online sign-in', async () => {
    await putStaff({ id: 's6', name: '周强', pinHash: await hashPin('271828', salt(6), 20_000) });
    const r = await signIn('counter-1', 's6', '271828');
    expect(r).toMatchObject({ status: 200, body: { ok: true, upgraded: true, mustChangePin: false } });
    const card = lastCard(await pullAll(tokens['counter-1']!), 's6');
    expect(card.pinHash).toMatch(new RegExp(`^pbkdf2-sha256\\$${PIN_ITERATIONS}\\$`));
    expect(pinHashIsCurrent(card.pinHash)).toBe(true);
    expect(await verifyPin('271828', card.pinHash)).toBe(true);
    expect(card).toMatchObject({ name: '周强' });
    expect(await signIn('counter-1', 's6', '271828')).toMatchObject({ status: 200, body: { upgraded: false } });
  });

  it('a 4-digit PIN from before signs in once and must be changed to 6 digits or more', async () => {
    await putStaff({ id: 's7', name: '吴刚', pinHash: await hashPin('1234', salt(7), 20_000) });
    expect(await signIn('counter-1', 's7', '1234')).toMatchObject({ status: 200, body: { ok: true, mustChangePin: true, upgraded: false } });
    const change = (pin: string, newPin: string) => call(s.url, 'POST', '/api/staff/pin', { token: tokens['counter-1'], body: { staffId: 's7', pin, newPin } });
    const short = await change('1234', '5678');
    expect(short).toMatchObject({ status: 400, body: { error: 'bad-new-pin' } });
    expect(short.body.messageZh).toContain('6');
    expect(await change('0000', '567890')).toMatchObject({ status: 401, body: { error: 'wrong-pin' } });
    expect(await change('1234', '567890')).toMatchObject({ status: 200 });
    expect(await signIn('counter-1', 's7', '1234')).toMatchObject({ status: 401 });
    expect(await signIn('counter-1', 's7', '567890')).toMatchObject({ status: 200, body: { mustChangePin: false } });
  });

  it("an admin editing a clerk's card without a PIN leaves the clerk's PIN as it was", async () => {
    await putStaff({ id: 's1', name: '王芳', post: '综合受理' });
    const card = lastCard(await pullAll(tokens['counter-1']!), 's1');
    expect(card.pinHash).toBeUndefined();
    expect(await signIn('counter-1', 's1', '246810')).toMatchObject({ status: 200 });
  });
});
