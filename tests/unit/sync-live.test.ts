import { afterEach, describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffCeiling, backoffDelay } from '../../renderer/sync/backoff';
import type { SyncStatus } from '../../renderer/sync/status';
import { HUB, makeSyncWorld, type SyncWorld } from '../support/syncWorld';

let world: SyncWorld;
afterEach(async () => {
  await world.closeAll();
});

describe('the live socket', () => {
  it('applies events the server sends and moves the checkpoint without pulling them', async () => {
    world = makeSyncWorld({ server: { stride: 2 } });
    const kiosk = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    const counter = await world.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1', upstreams: [HUB] });
    expect(kiosk.engine.status.live).toBe(true);
    const kioskPulls = () => world.hub.calls.filter((c) => c === 'kiosk-1 GET /api/sync/pull').length;
    const pullsBefore = kioskPulls();

    const opened = await counter.local.author('window.opened', { windowId: 'w1', staffId: 's1' });
    await counter.engine.syncNow();
    await world.settle();

    expect(kiosk.local.fold.has(`${opened.origin}:${opened.seq}`)).toBe(true);
    expect(kiosk.local.state.windows.get('w1')?.state).toBe('open');
    expect(await kiosk.db.checkpoint(HUB)).toBe(world.hub.topSeq('hall-1'));
    // It came on the socket: the kiosk did not pull.
    expect(kioskPulls()).toBe(pullsBefore);
  });

  it('reconnects after the socket drops and catches up with a pull', async () => {
    world = makeSyncWorld();
    const kiosk = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    const counter = await world.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1', upstreams: [HUB] });
    world.hub.dropSockets();
    await world.settle();
    expect(kiosk.engine.status.live).toBe(false);
    await counter.local.author('window.opened', { windowId: 'w1' });
    await world.settle();
    expect(kiosk.local.state.windows.get('w1')?.state ?? 'closed').toBe('closed');

    await world.timers.advance(BACKOFF_CAP_MS);
    expect(kiosk.engine.status.live).toBe(true);
    expect(kiosk.local.state.windows.get('w1')?.state).toBe('open');
    expect(await kiosk.db.checkpoint(HUB)).toBe(world.hub.topSeq('hall-1'));
  });

  it('waits longer after each failure, with full jitter, up to the cap, and starts over once connected', async () => {
    const draws = [0.9, 0.2, 0.7, 0.999, 0.5, 0.05, 0.8, 0.6, 0.95, 0.3, 0.99];
    let i = 0;
    world = makeSyncWorld({ random: () => draws[i++ % draws.length]! });
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    i = 0;
    const delays: number[] = [];
    k.engine.subscribe((s: SyncStatus) => {
      if (s.nextAttemptAt !== null) delays.push(s.nextAttemptAt - world.clock.t);
    });
    world.network.takeDown(world.hub);
    for (let n = 0; n < draws.length; n++) await world.timers.advance(BACKOFF_CAP_MS);

    // The socket's close, then every failed round: attempt n waits draw[n] * min(cap, 0.5 s * 2^n).
    expect(delays.length).toBeGreaterThanOrEqual(draws.length);
    draws.forEach((r, n) => expect(delays[n]).toBe(Math.floor(r * backoffCeiling(n))));
    expect(Math.max(...delays)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    // From the 7th attempt on, the ceiling is the cap: 0.999 of it, not 0.999 * 32 s.
    expect(delays[9]).toBe(Math.floor(0.3 * BACKOFF_CAP_MS));
    expect(delays[10]).toBe(Math.floor(0.99 * BACKOFF_CAP_MS));

    world.network.bringUp(world.hub);
    await world.timers.advance(BACKOFF_CAP_MS);
    expect(k.engine.status).toMatchObject({ state: 'online', live: true, nextAttemptAt: null });
    delays.length = 0;
    i = 0;
    world.network.takeDown(world.hub);
    await world.timers.advance(1);
    expect(delays[0]).toBe(Math.floor(draws[0]! * 500));
  });
});

describe('backoff', () => {
  it('doubles from 0.5 s to a 30 s cap, each wait a uniform draw below it', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffCeiling(n))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(2000);
    expect(backoffDelay(100, { random: () => 0.999999 })).toBeLessThan(30_000);
  });
});
