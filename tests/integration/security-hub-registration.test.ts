/**
 * Issue 15, finding 2: a hub registers only terminals of its own hall and of terminal roles,
 * never overwrites a row of another role, and a clash is a 409. Written as an attacker holding a
 * hub's token (a stolen hub PC, or a hub with a bug) would, calling central directly.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin, newToken } from '../../server/store/terminals';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(DB_KINDS)('hubs and terminal registration on %s', (kind) => {
  let tdb: TestDb;
  let central: RunningServer;
  let hubToken: string;
  const register = (id: string, body: Record<string, unknown>, token = hubToken) => call(central.url, 'PUT', `/api/hub/terminals/${id}`, { token, body });
  const adminWorks = async (token = central.adminToken) => (await call(central.url, 'GET', '/api/admin/terminals', { token })).status;

  beforeAll(async () => {
    tdb = await freshDb(kind);
    central = await startServer(tdb.db);
    hubToken = (await enrollTerminal(central, 'hub-1', 'hub')).token;
  });
  afterAll(async () => {
    await central?.stop();
    await tdb?.drop();
  });

  it("a hub cannot take over central's admin by registering 'admin' as a kiosk with a token of its choosing", async () => {
    const mine = newToken();
    const r = await register('admin', { role: 'kiosk', epoch: 99, tokenHash: sha256(mine), revoked: false });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'role-mismatch', messageZh: expect.any(String) });
    expect(await adminWorks()).toBe(200);
    expect((await call(central.url, 'GET', '/api/sync/pull', { token: mine })).status).toBe(401);
  });

  it('a hub cannot register an admin, a hub or a booking platform, under any id', async () => {
    for (const role of ['admin', 'hub', 'booking']) {
      const r = await register(`x-${role}`, { role, epoch: 1, tokenHash: sha256(newToken()), revoked: false });
      expect(r.status, role).toBe(403);
      expect(r.body).toMatchObject({ error: 'role-not-relayable' });
    }
  });

  it("a hub cannot overwrite another hub's row, nor turn central's counter into a kiosk", async () => {
    const other = await enrollTerminal(central, 'hub-2', 'hub');
    expect((await register('hub-2', { role: 'kiosk', epoch: 50, tokenHash: sha256(newToken()), revoked: true })).status).toBe(409);
    expect((await call(central.url, 'GET', '/api/sync/held', { token: other.token })).status).toBe(200);

    const counter = await enrollTerminal(central, 'counter-1', 'counter', 'w1');
    const r = await register('counter-1', { role: 'kiosk', epoch: 50, tokenHash: sha256(newToken()), revoked: false });
    expect(r.status).toBe(409);
    expect((await call(central.url, 'GET', '/api/sync/held', { token: counter.token })).status).toBe(200);
  });

  it('a hub registers only in its own hall: a hall named in the body is ignored, the other hall is untouched', async () => {
    const otherAdmin = newToken();
    await ensureAdmin(tdb.db, 'hall-2', otherAdmin, Date.now());
    const created = await call(central.url, 'POST', '/api/admin/terminals', { token: otherAdmin, body: { id: 'kiosk-5', role: 'kiosk' } });
    const theirs = (await call(central.url, 'POST', '/api/enroll', { body: { code: created.body.code } })).body as { token: string; terminal: { hall: string } };
    expect(theirs.terminal.hall).toBe('hall-2');

    const mine = newToken();
    const r = await register('kiosk-5', { role: 'kiosk', epoch: 7, tokenHash: sha256(mine), revoked: false, hall: 'hall-2' });
    expect(r.status).toBe(200);
    const who = await tdb.db.query<{ hall: string; epoch: number }>('SELECT hall, epoch FROM terminals WHERE id = $1 ORDER BY hall', ['kiosk-5']);
    expect(who.rows.map((x) => [x.hall, Number(x.epoch)])).toEqual([
      [central.hall, 7],
      ['hall-2', 1],
    ]);
    // hall-2's kiosk still works with its own token, and the hub's kiosk signs in to the hub's hall only.
    expect((await call(central.url, 'GET', '/api/sync/held', { token: theirs.token })).status).toBe(200);
    const r2 = await call(central.url, 'POST', '/api/sync/push', { token: mine, body: { events: [{ v: 1, origin: 'kiosk-5~7', seq: 1, hlc: '0', hall: 'hall-2', type: 'x', payload: {} }] } });
    expect(r2.status).toBeGreaterThanOrEqual(400);
    expect(r2.status).toBeLessThan(500);
  });

  it('a token-hash clash answers 409, never 500 (a hub reusing a token another terminal holds)', async () => {
    const kiosk = await enrollTerminal(central, 'kiosk-1', 'kiosk');
    for (const [id, hash] of [
      ['kiosk-7', sha256(kiosk.token)],
      ['kiosk-8', sha256(hubToken)],
      ['kiosk-9', sha256(central.adminToken)],
    ] as const) {
      const r = await register(id, { role: 'kiosk', epoch: 1, tokenHash: hash, revoked: false });
      expect(r.status, id).toBe(409);
      expect(r.body).toMatchObject({ error: 'token-clash', messageZh: expect.any(String) });
    }
    // Nothing was taken from the holders.
    expect((await call(central.url, 'GET', '/api/sync/held', { token: kiosk.token })).status).toBe(200);
    expect(await adminWorks()).toBe(200);
  });

  it('restarting with HALLQ_ADMIN_TOKEN restores the admin whole: role, window and token', async () => {
    // As the old central left it after a hub's takeover: the admin row a kiosk with another token.
    await tdb.db.query(`UPDATE terminals SET role = 'kiosk', window_id = 'w1', token_hash = $3, revoked_at = 1 WHERE hall = $1 AND id = $2`, [
      central.hall,
      'admin',
      sha256(newToken()),
    ]);
    expect(await adminWorks()).toBe(401);
    await ensureAdmin(tdb.db, central.hall, central.adminToken, Date.now());
    expect(await adminWorks()).toBe(200);
    const row = await tdb.db.query<{ role: string; window_id: string | null }>('SELECT role, window_id FROM terminals WHERE hall = $1 AND id = $2', [central.hall, 'admin']);
    expect(row.rows[0]).toEqual({ role: 'admin', window_id: null });
  });

  it("the configured admin token wins over another row that holds its hash", async () => {
    const chosen = newToken();
    await tdb.db.query(`UPDATE terminals SET token_hash = $3 WHERE hall = $1 AND id = $2`, [central.hall, 'kiosk-1', sha256(chosen)]);
    await ensureAdmin(tdb.db, central.hall, chosen, Date.now());
    expect(await adminWorks(chosen)).toBe(200);
    const kiosk = await tdb.db.query<{ token_hash: string | null }>('SELECT token_hash FROM terminals WHERE hall = $1 AND id = $2', [central.hall, 'kiosk-1']);
    expect(kiosk.rows[0]!.token_hash).toBeNull();
    await ensureAdmin(tdb.db, central.hall, central.adminToken, Date.now());
  });
});
