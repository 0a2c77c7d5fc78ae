import { afterEach, describe, expect, it } from 'vitest';
import { canonicalState } from '../../shared/fold/canonical';
import { TestTerminal } from '../support/hall';
import { HUB, makeSyncWorld, type SyncWorld } from '../support/syncWorld';

let world: SyncWorld;
afterEach(async () => {
  await world.closeAll();
});

/** A day at the hall the terminal missed: a counter opening and closing its window many times. */
function busyCounter(w: SyncWorld, n: number) {
  const counter = new TestTerminal('counter-7', () => w.clock.t);
  const events = [];
  for (let i = 0; i < n; i++) events.push(counter.emit(i % 2 ? 'window.closed' : 'window.opened', { windowId: 'w2' }));
  return events;
}

describe('pulling', () => {
  it('pages after the checkpoint until the server says no more, and checkpoints on its serverSeq', async () => {
    // serverSeq steps by 3, as when other halls share the central sequence: counting events
    // would give a wrong checkpoint.
    world = makeSyncWorld({ server: { stride: 3, noStartRoute: true } });
    world.hub.seed(busyCounter(world, 23));
    const total = world.hub.events('hall-1').length;
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], engine: { pullLimit: 5 }, noStart: true });
    await k.engine.start();
    await k.engine.whenLeader();
    await world.settle();

    const pulls = world.hub.requests.filter((r) => r === 'GET /api/sync/pull');
    expect(pulls.length).toBeGreaterThanOrEqual(Math.ceil(total / 5));
    expect(k.local.fold.size).toBe(total);
    expect(await k.db.checkpoint(HUB)).toBe(world.hub.topSeq('hall-1'));
    expect(world.hub.topSeq('hall-1')).toBe(3 * total);
    expect(canonicalState(k.local.state)).toBe(canonicalState(world.hub.fold('hall-1').state));
    expect(k.local.caughtUpAt).not.toBeNull();

    // Next time it asks only for what came after.
    world.hub.seed(busyCounter(world, 2).map((e) => ({ ...e, origin: 'counter-8~1' })));
    const before = world.hub.requests.length;
    await k.engine.syncNow();
    expect(k.local.fold.size).toBe(total + 2);
    expect(world.hub.requests.slice(before).filter((r) => r === 'GET /api/sync/pull')).toHaveLength(1);
  });

  it('keeps the checkpoint across a restart and does not pull the same pages again', async () => {
    world = makeSyncWorld();
    world.hub.seed(busyCounter(world, 12));
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    const cp = await k.db.checkpoint(HUB);
    await k.close();
    const before = world.hub.urls.length;
    const again = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    expect(again.local.fold.size).toBe(world.hub.events('hall-1').length);
    expect(await again.db.checkpoint(HUB)).toBe(cp);
    // Every pull since asked only for what came after the checkpoint: nothing was fetched twice.
    const pulls = world.hub.urls.slice(before).filter((r) => r.startsWith('GET /api/sync/pull'));
    expect(pulls.length).toBeGreaterThan(0);
    for (const p of pulls) expect(p).toContain(`after=${cp}&`);
  });

  it('skips an event that does not parse, says so, and moves on past it', async () => {
    world = makeSyncWorld();
    const problems: string[] = [];
    world.hub.log.push({ s: 999, e: { v: 1, hall: 'hall-1', origin: 'bad', seq: 0 } as never });
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], engine: { onError: (e, where) => problems.push(`${where}: ${String(e)}`) } });
    expect(problems.some((p) => p.startsWith('pull') && p.includes('serverSeq 999'))).toBe(true);
    expect(await k.db.checkpoint(HUB)).toBe(999);
    expect(k.engine.status.state).toBe('online');
  });

  it('asks for the next page while storing one; a page lost on the way keeps the checkpoint at the last one stored', async () => {
    world = makeSyncWorld({ server: { noStartRoute: true } });
    world.hub.seed(busyCounter(world, 40));
    const total = world.hub.events('hall-1').length;
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], engine: { pullLimit: 10 }, noStart: true });
    // The network goes down right after the second page is answered (the third is already asked).
    const handle = world.hub.handle.bind(world.hub);
    let pulls = 0;
    const storedWhenAsked: number[] = [];
    world.hub.handle = (method, url, headers, body) => {
      if (url.includes('/api/sync/pull')) storedWhenAsked.push(k.local.fold.size);
      const reply = handle(method, url, headers, body);
      if (url.includes('/api/sync/pull') && ++pulls === 2) world.network.takeDown(world.hub);
      return reply;
    };
    await k.engine.start();
    await k.engine.whenLeader();
    await world.settle();
    // The second page was asked for before the first was stored.
    expect(storedWhenAsked[1]).toBe(storedWhenAsked[0]);
    const cp = await k.db.checkpoint(HUB);
    expect(cp).toBeGreaterThan(0);
    expect(k.local.fold.size).toBeLessThan(total);
    // What is stored is exactly what the checkpoint covers: nothing skipped, nothing ahead.
    expect(k.local.fold.size).toBe(world.hub.events('hall-1').filter((_, i) => i < cp).length);

    world.network.bringUp(world.hub);
    const before = world.hub.urls.length;
    await k.engine.syncNow();
    expect(k.local.fold.size).toBe(total);
    expect(world.hub.urls.slice(before).find((r) => r.startsWith('GET /api/sync/pull'))).toContain(`after=${cp}&`);
    expect(canonicalState(k.local.state)).toBe(canonicalState(world.hub.fold('hall-1').state));
  });
});
