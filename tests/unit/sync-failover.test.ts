import { afterEach, describe, expect, it } from 'vitest';
import { CENTRAL, HUB, makeSyncWorld, type SyncWorld } from '../support/syncWorld';

const fault = { device: 'printer' as const, code: 'paper-out' };
let world: SyncWorld;
afterEach(async () => {
  await world.closeAll();
});

describe('upstream failover', () => {
  it('moves to central when the hub is down, sticks to it, and goes back to the hub once it answers', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk' });
    expect(k.engine.status).toMatchObject({ state: 'online', upstream: HUB, live: true });
    const hubOnly = await k.db.checkpoint(HUB);
    expect(hubOnly).toBe(world.hub.topSeq('hall-1'));

    world.network.takeDown(world.hub);
    await world.timers.advance(1_000);
    expect(k.engine.status).toMatchObject({ state: 'online', upstream: CENTRAL });
    await k.local.author('device.fault', fault);
    await world.settle();
    expect(world.central.events('hall-1').some((e) => e.origin === 'kiosk-1~1')).toBe(true);
    expect(await k.db.outbox.count()).toBe(0);
    // Each server has its own serverSeq: one checkpoint per upstream.
    expect(await k.db.checkpoint(CENTRAL)).toBe(world.central.topSeq('hall-1'));
    expect(await k.db.checkpoint(HUB)).toBe(hubOnly);

    // Rounds stay on central; the hub is only probed (one-event pulls), on a growing backoff.
    const tries: Array<{ at: number; url: string }> = [];
    world.network.beforeRequest = (server, _method, url) => {
      if (server === world.hub) tries.push({ at: world.clock.t, url });
    };
    await world.timers.advance(60_000);
    expect(k.engine.status.upstream).toBe(CENTRAL);
    expect(tries.length).toBeGreaterThanOrEqual(2);
    for (const t of tries) expect(t.url).toMatch(/\/api\/sync\/pull\?after=\d+&limit=1$/);
    expect(tries.length).toBeLessThan(20);

    world.network.bringUp(world.hub);
    await world.timers.advance(120_000);
    expect(k.engine.status).toMatchObject({ state: 'online', upstream: HUB, live: true });
    expect(world.hub.sockets.size).toBe(1);
    expect(world.central.sockets.size).toBe(0);

    // The hub never got what went to central while it was down: the kiosk resends its own.
    await k.local.author('device.recovered', { device: 'printer' });
    await world.settle();
    expect(world.hub.events('hall-1').filter((e) => e.origin === 'kiosk-1~1').map((e) => e.seq)).toEqual([1, 2]);
    expect(await k.db.outbox.count()).toBe(0);
    expect(k.engine.status.blocked).toBeNull();
  });

  it('goes offline only when every upstream fails, and keeps working locally', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk' });
    world.network.takeDown(world.hub);
    world.network.takeDown(world.central);
    await world.timers.advance(1_000);
    expect(k.engine.status).toMatchObject({ state: 'offline', upstream: null, live: false });
    await k.local.author('device.fault', fault);
    expect(k.local.fold.has('kiosk-1~1:1')).toBe(true);
    expect(k.engine.status.pending).toBe(1);

    world.network.bringUp(world.central);
    await world.timers.advance(60_000);
    expect(k.engine.status).toMatchObject({ state: 'online', upstream: CENTRAL, pending: 0 });
  });
});
