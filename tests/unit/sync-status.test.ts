import { afterEach, describe, expect, it } from 'vitest';
import type { SyncState } from '../../renderer/sync/status';
import { HUB, makeSyncWorld, type SyncWorld } from '../support/syncWorld';

let world: SyncWorld;
afterEach(async () => {
  await world.closeAll();
});

describe('sync status', () => {
  it('goes offline, online and stale, and tells since when it last heard a server', async () => {
    world = makeSyncWorld();
    world.network.takeDown(world.hub);
    // Polling every minute, no socket: nothing is heard between two rounds.
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], engine: { WebSocket: undefined, pollMs: 60_000 } });
    const seen: SyncState[] = [];
    k.engine.subscribe((s) => {
      if (seen[seen.length - 1] !== s.state) seen.push(s.state);
    });
    expect(k.engine.status).toMatchObject({ state: 'offline', lastContact: null, upstream: null, leader: true, live: false });

    world.network.bringUp(world.hub);
    await world.timers.advance(1_000);
    const contact = k.engine.status.lastContact!;
    expect(contact).toBeGreaterThan(world.clock.t - 1_000);
    expect(k.engine.status).toMatchObject({ state: 'online', upstream: HUB });

    await world.timers.advance(31_000);
    expect(k.engine.status).toMatchObject({ state: 'stale', lastContact: contact, upstream: HUB });

    await world.timers.advance(30_000); // the next round
    expect(k.engine.status.state).toBe('online');
    const last = k.engine.status.lastContact!;

    world.network.takeDown(world.hub);
    await world.timers.advance(61_000);
    expect(k.engine.status).toMatchObject({ state: 'offline', lastContact: last, upstream: null });
    expect(k.engine.status.nextAttemptAt).toBeGreaterThan(world.clock.t);
    // Stale in between: nothing heard for 30 s, the next round (which fails) not due yet.
    expect(seen).toEqual(['offline', 'online', 'stale', 'online', 'stale', 'offline']);
  });

  it('remembers the last contact across a restart', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    const contact = k.engine.status.lastContact;
    expect(contact).not.toBeNull();
    await k.close();
    world.network.takeDown(world.hub);
    await world.timers.advance(3_600_000);
    const again = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    expect(again.engine.status).toMatchObject({ state: 'offline', lastContact: contact });
  });

  it('counts what waits in the outbox and in quarantine', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    world.network.takeDown(world.hub);
    await k.local.author('device.fault', { device: 'printer', code: 'jam' });
    await k.local.author('device.fault', { device: 'printer', code: 'jam' });
    await world.settle();
    expect(k.engine.status).toMatchObject({ state: 'offline', pending: 2, quarantined: 0 });
    world.hub.refuseEvent = (e) => (e.seq === 2 ? { status: 400, error: 'no', message: 'no' } : undefined);
    world.network.bringUp(world.hub);
    await world.timers.advance(30_000);
    expect(k.engine.status).toMatchObject({ state: 'online', pending: 0, quarantined: 1 });
  });
});
