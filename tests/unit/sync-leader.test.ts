import { afterEach, describe, expect, it } from 'vitest';
import { inProcessLocks, leaderLockName, webLocks } from '../../renderer/sync/leader';
import { HUB, channels, makeSyncWorld, type SyncWorld } from '../support/syncWorld';

let world: SyncWorld;
afterEach(async () => {
  await world.closeAll();
});

describe('one sync leader per terminal', () => {
  it('lets one window sync; the other reads the local log, follows its status, and takes over when it closes', async () => {
    world = makeSyncWorld();
    const locks = inProcessLocks();
    const [ca, cb] = channels(2);
    // The PC's clock is 8 minutes slow; only the leader talks to the server.
    const pc = { id: 'counter-1', role: 'counter', windowId: 'w1', upstreams: [HUB], locks, skewMs: -8 * 60_000 } as const;
    const a = await world.terminal({ ...pc, channel: ca });
    const b = await world.terminal({ ...pc, channel: cb, follower: true });
    expect(a.engine.isLeader).toBe(true);
    expect(b.engine.isLeader).toBe(false);
    expect(b.engine.status).toMatchObject({ leader: false, state: 'online', upstream: HUB });
    expect(b.engine.clockOffset).toBe(8 * 60_000);
    expect(b.local.now()).toBe(world.clock.t);
    expect(b.local.caughtUpAt).not.toBeNull();
    expect(world.hub.sockets.size).toBe(1);
    const requests = world.hub.calls.length;

    // The follower writes to the shared database; the leader pushes it.
    const e = await b.local.author('window.opened', { windowId: 'w1' });
    await world.settle();
    expect(a.local.fold.has(`${e.origin}:${e.seq}`)).toBe(true);
    expect(world.hub.fold('hall-1').has(`${e.origin}:${e.seq}`)).toBe(true);
    // Seqs are allocated in the database, so the two windows never reuse one.
    const f = await a.local.author('window.paused', { windowId: 'w1', reason: 'lunch' });
    expect(f.seq).toBe(e.seq + 1);
    await world.settle();
    expect(b.local.state.windows.get('w1')?.state).toBe('paused');
    expect(world.hub.calls.slice(requests).every((c) => c.startsWith('counter-1 '))).toBe(true);

    // The leader's window closes: the other takes over.
    await a.close();
    await b.engine.whenLeader();
    await world.settle();
    expect(b.engine.status).toMatchObject({ leader: true, state: 'online', live: true });
    await b.local.author('window.resumed', { windowId: 'w1' });
    await world.settle();
    expect(world.hub.fold('hall-1').state.windows.get('w1')?.state).toBe('open');
  });

  it('uses navigator.locks when there is one', async () => {
    const calls: string[] = [];
    const fake = {
      request: (name: string, cb: (lock: unknown) => Promise<unknown>) => {
        calls.push(name);
        return cb({ name });
      },
    } as unknown as LockManager;
    expect(await webLocks(fake).request(leaderLockName('kiosk-1'), async () => 42)).toBe(42);
    expect(calls).toEqual(['hallq-sync-kiosk-1']);
  });

  it('queues in-process lock requests in order', async () => {
    const locks = inProcessLocks();
    const order: string[] = [];
    let release!: () => void;
    const first = locks.request('x', () => new Promise<void>((r) => (release = r)).then(() => void order.push('first')));
    const second = locks.request('x', async () => void order.push('second'));
    const other = locks.request('y', async () => void order.push('other'));
    await other;
    expect(order).toEqual(['other']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['other', 'first', 'second']);
  });
});
