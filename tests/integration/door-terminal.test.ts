/**
 * Terminals enrolled before the door's rules keep working: events in their outbox that the
 * server now refuses for good (a lone surrogate, a full ID number, a kiosk's requeue) are moved
 * to quarantine, shown on the terminal's status, and the events behind them still arrive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HybridClock } from '../../shared/clock/hlc';
import type { HallEvent } from '../../shared/events/envelope';
import { localDate } from '../../shared/schedule';
import { RealHall, waitUntil } from '../support/realHall';
import { DB_KINDS } from '../support/server';

describe.each(DB_KINDS)('a terminal with events the door now refuses, on %s', (kind) => {
  let hall: RealHall | undefined;
  afterEach(async () => {
    await hall?.close();
    hall = undefined;
  });

  it("an old kiosk's outbox holding refused events quarantines them and the rest goes through", { timeout: 60_000 }, async () => {
    hall = await RealHall.start(kind);
    const k = await hall.terminal({ id: 'kiosk-1', role: 'kiosk', offlineSeries: 'K' });
    k.proxy.down();
    const clock = new HybridClock({ now: Date.now });
    const day = localDate(Date.now(), 'Asia/Shanghai');
    // What an older build wrote to its outbox, bypassing today's author checks.
    const append = (type: string, payload: object) =>
      k.db.appendOwn((seq) => ({ v: 1, origin: k.origin, seq, hlc: clock.tick(), hall: hall!.hallId, type, payload }) as HallEvent, Date.now());
    const ticket = (n: number, extra: object = {}) => ({
      ticketId: `${k.origin}:${n}`,
      serviceId: 'hukou',
      number: `AK${String(n).padStart(3, '0')}`,
      numberSource: 'offline',
      day,
      channel: 'kiosk',
      priority: 'normal',
      medium: 'paper',
      ...extra,
    });
    await append('ticket.issued', ticket(1));
    await append('ticket.issued', ticket(2, { channel: 'idcard', person: { idHash: 'b'.repeat(64), idMasked: '110101199003071234', nameMasked: '王*' } }));
    await append('device.fault', { device: 'printer', code: 'jam', message: 'paper \ud800 jam' });
    await append('ticket.requeued', { ticketId: `${k.origin}:1` });
    await append('ticket.issued', ticket(5));
    k.proxy.restore();
    // (The status is refreshed by the engine's rounds: wait for the whole outcome, not a stale 0.)
    await waitUntil('the outbox to empty with three events aside', () => k.engine.status.pending === 0 && k.engine.status.quarantined === 3, 15_000, () => k.engine.status);
    expect(k.engine.status).toMatchObject({ pending: 0, quarantined: 3, blocked: null });
    const quarantined = await k.db.quarantine.toArray();
    expect(quarantined.map((q) => (q as { error: { code: string } }).error.code).sort()).toEqual(['bad-text', 'not-masked', 'type-not-allowed']);
    const held = await hall.tdb.db.query<{ seq: number }>('SELECT seq FROM events WHERE origin = $1 ORDER BY seq', [k.origin]);
    expect(held.rows.map((r) => Number(r.seq))).toEqual([1, 5]);
  });
});
