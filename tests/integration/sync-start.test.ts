/**
 * GET /api/sync/start (issue 17): a terminal starts from the hall's working set, never from a
 * replay of its history. Past days' tickets stay on the server (unless a rectification item
 * needs them), today's and the configuration of all time come whole, the serverSeq to pull
 * after covers everything, and staff PIN verifiers go only where pull sends them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { formatHlc } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import { StartResponseSchema } from '../../shared/sync/workingSet';
import { DB_KINDS, call, enrollTerminal, freshDb, startServer, type RunningServer, type TestDb } from '../support/server';

const DAY = 24 * 60 * 60 * 1000;

describe.each(DB_KINDS)('the start set on %s', (kind) => {
  let tdb: TestDb | undefined;
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    await tdb?.drop();
    server = undefined;
    tdb = undefined;
  });

  async function insert(events: HallEvent[]): Promise<void> {
    for (const e of events) {
      await tdb!.db.query('INSERT INTO events (hall, origin, seq, hlc, type, body) VALUES ($1, $2, $3, $4, $5, $6)', [e.hall, e.origin, e.seq, e.hlc, e.type, JSON.stringify(e)]);
    }
  }

  function maker(hall: string, origin: string) {
    let seq = 0;
    return (at: number, type: string, payload: unknown): HallEvent => ({ v: 1, origin, seq: ++seq, hlc: formatHlc({ wall: at, count: 0 }), hall, type, payload }) as unknown as HallEvent;
  }

  it('hands a new terminal the configuration of all time, today whole, and of past days only the tickets a rectification item needs', { timeout: 120_000 }, async () => {
    tdb = await freshDb(kind);
    server = await startServer(tdb.db);
    const hall = server.hall;
    const now = Date.now();
    const c = maker(hall, 'counter-9~1');
    const k = maker(hall, 'kiosk-9~1');
    const ev = maker(hall, 'eval-9~1');
    const old = now - 10 * DAY;
    const bad = now - 5 * DAY;
    const day = (t: number) => new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
    const log: HallEvent[] = [
      c(old - 1000, 'config.changed', { kind: 'staff', id: 's9', value: { id: 's9', name: '王芳', post: '综合受理', pinHash: 'pbkdf2$600000$c2FsdA$aGFzaA' } }),
      // Ten days ago: a window opened and never closed, a ticket served. History, not state.
      c(old, 'window.opened', { windowId: 'w9', staffId: 's9' }),
      k(old + 1000, 'ticket.issued', { ticketId: 'kiosk-9~1:1', serviceId: 'hukou', number: 'P010', numberSource: 'server', day: day(old), channel: 'kiosk' }),
      c(old + 2000, 'ticket.called', { ticketId: 'kiosk-9~1:1', windowId: 'w9' }),
      // Five days ago: a ticket rated 1 (R8): its item is worked on, so its ticket comes along.
      k(bad, 'ticket.issued', { ticketId: 'kiosk-9~1:2', serviceId: 'hukou', number: 'E006', numberSource: 'server', day: day(bad), channel: 'kiosk' }),
      c(bad + 1000, 'ticket.called', { ticketId: 'kiosk-9~1:2', windowId: 'w9' }),
      c(bad + 2000, 'ticket.started', { ticketId: 'kiosk-9~1:2', windowId: 'w9' }),
      c(bad + 3000, 'ticket.finished', { ticketId: 'kiosk-9~1:2', windowId: 'w9', outcome: 'done' }),
      ev(bad + 4000, 'evaluation.recorded', { ticketId: 'kiosk-9~1:2', windowId: 'w9', level: 1, source: 'pad', reasons: [] }),
      // Today.
      k(now - 60_000, 'ticket.issued', { ticketId: 'kiosk-9~1:3', serviceId: 'hukou', number: 'A001', numberSource: 'server', day: day(now), channel: 'kiosk' }),
    ];
    await insert(log);
    const top = Number((await tdb.db.query<{ s: string }>('SELECT max(server_seq) AS s FROM events WHERE hall = $1', [hall])).rows[0]!.s);

    const display = await enrollTerminal(server, 'display-9', 'display');
    const r = await call(server.url, 'GET', '/api/sync/start', { token: display.token });
    expect(r.status).toBe(200);
    const set = StartResponseSchema.parse(r.body);
    expect(set.last).toBeGreaterThanOrEqual(top);
    const got = set.events.map((x) => x.e as HallEvent);
    const numbers = got.filter((e) => e.type === 'ticket.issued').map((e) => (e.payload as { number: string }).number);
    expect(numbers.sort()).toEqual(['A001', 'E006']);
    expect(got.some((e) => e.type === 'window.opened')).toBe(false);
    expect(got.filter((e) => (e.payload as { ticketId?: string }).ticketId === 'kiosk-9~1:2').map((e) => e.type)).toEqual([
      'ticket.issued',
      'ticket.called',
      'ticket.started',
      'ticket.finished',
      'evaluation.recorded',
    ]);
    // In serverSeq order, like a pull.
    const seqs = set.events.map((x) => x.s);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    // A display never receives a PIN verifier; a counter does (it checks PINs offline).
    const staff = got.find((e) => e.type === 'config.changed' && (e.payload as { id: string }).id === 's9')!;
    expect(JSON.stringify(staff)).not.toContain('pinHash');
    expect(staff.payload).toMatchObject({ value: { pinSet: true } });
    const counter = await enrollTerminal(server, 'counter-9', 'counter', 'w9');
    const rc = await call(server.url, 'GET', '/api/sync/start', { token: counter.token });
    expect(JSON.stringify(rc.body)).toContain('pinHash');
  });

  it('answers a token-less request with 401 and an empty hall with nothing to pull after', { timeout: 60_000 }, async () => {
    tdb = await freshDb(kind);
    server = await startServer(tdb.db);
    const none = await call(server.url, 'GET', '/api/sync/start');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: expect.any(String), messageZh: expect.any(String) });
    const kiosk = await enrollTerminal(server, 'kiosk-9', 'kiosk');
    const r = await call(server.url, 'GET', '/api/sync/start', { token: kiosk.token });
    expect(r.status).toBe(200);
    const set = StartResponseSchema.parse(r.body);
    // Enrolling wrote the terminal's configuration: that much is there, and pull goes on from it.
    const pulled = await call(server.url, 'GET', `/api/sync/pull?after=${set.last}`, { token: kiosk.token });
    expect(pulled.body.events).toEqual([]);
  });
});
