import { afterEach, describe, expect, it } from 'vitest';
import type { HallEvent } from '../../shared/events/envelope';
import { CENTRAL, HUB, makeSyncWorld, type SyncWorld } from '../support/syncWorld';

const fault = (code = 'paper-out') => ({ device: 'printer' as const, code });
const kioskEvents = (w: SyncWorld, server = w.hub) => server.events('hall-1').filter((e) => e.origin.startsWith('kiosk-1~'));

let world: SyncWorld;
afterEach(async () => {
  await world.closeAll();
});

describe('pushing the outbox', () => {
  it('deletes outbox rows only once the answer says the server holds them', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });

    // The server stores the events but the answer never arrives: the rows stay.
    world.network.loseAnswersOf(world.hub);
    for (let i = 0; i < 3; i++) await k.local.author('device.fault', fault());
    await k.engine.syncNow();
    expect(kioskEvents(world)).toHaveLength(3);
    expect(await k.db.outbox.count()).toBe(3);
    expect(k.engine.status.pending).toBe(3);

    // A server that never answers: the request times out, the rows stay.
    world.network.loseAnswersOf(world.hub, false);
    world.network.hang(world.hub);
    await k.local.author('device.fault', fault());
    await world.timers.advance(9_000);
    expect(await k.db.outbox.count()).toBe(4);
    await world.timers.advance(2_000);
    expect(k.engine.status.state).toBe('offline');
    expect(await k.db.outbox.count()).toBe(4);

    // Back: the retry is counted as duplicates, and the rows go.
    world.network.bringUp(world.hub);
    await world.timers.advance(30_000);
    expect(await k.db.outbox.count()).toBe(0);
    expect(kioskEvents(world).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(k.engine.status).toMatchObject({ pending: 0, quarantined: 0, state: 'online' });
  });

  it('pushes in batches no larger than the batch size', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], engine: { batchSize: 4 } });
    world.network.takeDown(world.hub);
    for (let i = 0; i < 10; i++) await k.local.author('device.fault', fault());
    await world.settle();
    world.network.bringUp(world.hub);
    const before = world.hub.requests.length;
    await k.engine.syncNow();
    expect(world.hub.requests.slice(before).filter((r) => r === 'POST /api/sync/push')).toHaveLength(3);
    expect(kioskEvents(world)).toHaveLength(10);
    expect(await k.db.outbox.count()).toBe(0);
  });

  it('moves a refused event to quarantine with the error, and the rest still syncs', async () => {
    world = makeSyncWorld();
    const refusedSeen: HallEvent[] = [];
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], engine: { onQuarantine: (e) => refusedSeen.push(e) } });
    world.hub.refuseEvent = (e) =>
      e.type === 'device.fault' && e.payload.code === 'bad' ? { status: 422, error: 'bad-code', message: 'code "bad" is not allowed', messageZh: '故障代码无效' } : undefined;
    world.network.takeDown(world.hub);
    for (const code of ['a', 'b', 'bad', 'c', 'd']) await k.local.author('device.fault', fault(code));
    world.network.bringUp(world.hub);
    await k.engine.syncNow();

    expect(kioskEvents(world).map((e) => (e.payload as { code: string }).code)).toEqual(['a', 'b', 'c', 'd']);
    expect(await k.db.outbox.count()).toBe(0);
    const q = await k.db.quarantine.toArray();
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ origin: 'kiosk-1~1', seq: 3, upstream: HUB, error: { status: 422, code: 'bad-code', messageZh: '故障代码无效' } });
    expect(refusedSeen.map((e) => e.seq)).toEqual([3]);
    expect(k.engine.status).toMatchObject({ pending: 0, quarantined: 1 });
    // Still in the terminal's own log: nothing is deleted silently.
    expect(k.local.fold.has('kiosk-1~1:3')).toBe(true);

    // Later events go on.
    await k.local.author('device.fault', fault('e'));
    await k.engine.syncNow();
    expect(kioskEvents(world)).toHaveLength(5);
  });

  it('keeps the events after a refused one in the outbox when the server does not skip the refused seq', async () => {
    world = makeSyncWorld({ server: { recordRefusals: false } });
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    world.hub.refuseEvent = (e) => (e.type === 'device.fault' && e.payload.code === 'bad' ? { status: 422, error: 'bad-code', message: 'no' } : undefined);
    world.network.takeDown(world.hub);
    for (const code of ['a', 'bad', 'c', 'd']) await k.local.author('device.fault', fault(code));
    world.network.bringUp(world.hub);
    await k.engine.syncNow();

    expect(kioskEvents(world)).toHaveLength(1);
    expect(await k.db.quarantine.count()).toBe(1);
    // Not refused themselves: kept, and the status says why they wait.
    expect(await k.db.outbox.count()).toBe(2);
    expect(k.engine.status.blocked).toMatchObject({ code: 'seq-gap', origin: 'kiosk-1~1', seq: 3 });
    expect(k.engine.status.pending).toBe(2);
  });

  it('never quarantines events dated ahead of the server: they wait until its clock gets there', async () => {
    world = makeSyncWorld();
    world.network.takeDown(world.hub);
    world.network.takeDown(world.central);
    // Ten minutes fast, and no server seen yet: its first event is dated ten minutes ahead.
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', skewMs: 10 * 60_000 });
    const early = await k.local.author('device.fault', fault());
    expect(Number(early.hlc.slice(0, 16)) - world.clock.t).toBe(10 * 60_000);

    world.network.bringUp(world.hub);
    world.network.bringUp(world.central);
    await k.engine.syncNow();
    expect(k.engine.clockOffset).toBe(-10 * 60_000);
    expect(k.local.now()).toBe(world.clock.t);
    expect(await k.db.quarantine.count()).toBe(0);
    expect(await k.db.outbox.count()).toBe(1);
    expect(k.engine.status.blocked).toMatchObject({ code: 'clock-ahead', seq: 1 });

    await world.timers.advance(6 * 60_000);
    expect(await k.db.outbox.count()).toBe(0);
    expect(kioskEvents(world)).toHaveLength(1);
    expect(k.engine.status.blocked).toBeNull();
  });

  it('stamps events with server time from the first contact on, however wrong the terminal clock', async () => {
    world = makeSyncWorld();
    const fast = await world.terminal({ id: 'kiosk-1', role: 'kiosk', skewMs: 10 * 60_000 });
    const slow = await world.terminal({ id: 'kiosk-2', role: 'kiosk', skewMs: -10 * 60_000 });
    expect(fast.engine.clockOffset).toBe(-10 * 60_000);
    expect(slow.engine.clockOffset).toBe(10 * 60_000);
    const a = await fast.local.author('device.fault', fault());
    const b = await slow.local.author('device.fault', fault());
    for (const e of [a, b]) expect(Math.abs(Number(e.hlc.slice(0, 16)) - world.clock.t)).toBeLessThan(1_000);
    await fast.engine.syncNow();
    await slow.engine.syncNow();
    expect(await fast.db.outbox.count()).toBe(0);
    expect(await slow.db.outbox.count()).toBe(0);
    // The offset is kept for the next start, before any contact.
    expect(await fast.db.getMeta('clockOffset')).toBe(-10 * 60_000);
  });

  it('puts quarantined events back in the outbox on request', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [CENTRAL] });
    let refusing = true;
    world.central.refuseEvent = () => (refusing ? { status: 403, error: 'nope', message: 'not now' } : undefined);
    await k.local.author('device.fault', fault());
    await k.engine.syncNow();
    expect(await k.db.quarantine.count()).toBe(1);
    refusing = false;
    world.central.refused.clear();
    world.central.held.delete('kiosk-1~1');
    expect(await k.engine.retryQuarantined()).toBe(1);
    await k.engine.syncNow();
    expect(await k.db.quarantine.count()).toBe(0);
    expect(kioskEvents(world, world.central)).toHaveLength(1);
  });
});
