import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '../../shared/schedule';
import { TestTerminal } from '../support/hall';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const service = { id: 'hukou', prefix: 'A', name: { zh: '户籍办理', en: 'Household registration' } };
const windows = [1, 2].map((n) => ({ id: `w${n}`, label: String(n), services: [{ serviceId: 'hukou' }] }));

/**
 * "Call next" online: the server holds the ticket it hands a window for 15 s, so no other window
 * gets it meanwhile; a window's new call releases its previous hold; a hold that expired is
 * free again. (Issue 17 made each of these one statement; the rules are the same.)
 */
describe.each(DB_KINDS)('call-next holds on %s', (kind) => {
  let tdb: TestDb;
  let s: RunningServer;
  let skew = 0;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    tdb = await freshDb(kind);
    s = await startServer(tdb.db, { now: () => Date.now() + skew });
    for (const [k, v] of [['service', service], ...windows.map((w) => ['window', w] as const)] as const) {
      expect((await call(s.url, 'PUT', '/api/admin/config', { token: s.adminToken, body: { kind: k, id: v.id, value: v } })).status).toBe(200);
    }
    const k = await enrollTerminal(s, 'kiosk-1', 'kiosk');
    const kiosk = new TestTerminal('kiosk-1', Date.now, k.epoch);
    const day = localDate(Date.now(), 'Asia/Shanghai');
    const events = [1, 2, 3].map((n) => kiosk.emit('ticket.issued', { ticketId: kiosk.nextId(), serviceId: 'hukou', number: `A00${n}`, numberSource: 'server', day, channel: 'kiosk' }));
    expect((await call(s.url, 'POST', '/api/sync/push', { token: k.token, body: { events } })).status).toBe(200);
    for (const w of windows) tokens[w.id] = (await enrollTerminal(s, `counter-${w.id}`, 'counter', w.id)).token;
  });
  afterAll(async () => {
    await s?.stop();
    await tdb?.drop();
  });

  const claim = async (windowId: string): Promise<string | null> => {
    const r = await call(s.url, 'POST', '/api/claims', { token: tokens[windowId], body: { windowId } });
    expect(r.status).toBe(200);
    return r.body.ticket?.number ?? null;
  };

  it('a held ticket is skipped by other windows, kept by its window, released by its next call and free once expired', async () => {
    expect(await claim('w1')).toBe('A001');
    // Held for window 1: window 2 gets the next one.
    expect(await claim('w2')).toBe('A002');
    // Window 1 asks again before its call arrived: the same ticket, still its own.
    expect(await claim('w1')).toBe('A001');
    const held = await tdb.db.query<{ ticket_id: string; window_id: string }>('SELECT ticket_id, window_id FROM claims ORDER BY window_id');
    expect(held.rows.map((r) => r.window_id)).toEqual(['w1', 'w2']);

    // 16 s later both holds have expired: window 2 now gets A001, and its hold on A002 is released...
    skew = 16_000;
    expect(await claim('w2')).toBe('A001');
    // ... so window 1 gets A002, and each window holds exactly one ticket.
    expect(await claim('w1')).toBe('A002');
    const after = await tdb.db.query<{ window_id: string }>('SELECT window_id FROM claims ORDER BY window_id');
    expect(after.rows.map((r) => r.window_id)).toEqual(['w1', 'w2']);
  });
});
