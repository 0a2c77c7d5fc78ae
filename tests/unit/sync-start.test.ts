/**
 * Issue 17, the first frame is true: a terminal starts from the hall's working set (one fold,
 * never a replay of past days), says it is syncing until it has caught up, loads only the
 * working set when it restarts, and lets older history go once a server holds it — never an
 * own event the server has not acknowledged, the configuration, or a rectification ticket.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HallEvent } from '../../shared/events/envelope';
import { foldEvents } from '../../shared/fold/fold';
import type { HallState } from '../../shared/fold/state';
import { sweepHistory } from '../../renderer/db/retention';
import { TestTerminal } from '../support/hall';
import { HUB, makeSyncWorld, type SyncWorld } from '../support/syncWorld';

const DAY = 24 * 60 * 60 * 1000;
let world: SyncWorld;
afterEach(async () => {
  await world.closeAll();
});

const numbers = (s: HallState) => [...s.tickets.values()].map((t) => t.number).sort();

/** A day at the hall: window w2 opened and never closed, P010 called there, E006 served and rated 1. */
function pastDay(w: SyncWorld, day: string): HallEvent[] {
  // Each terminal's clock a second on from the last event: one order, whoever wrote it.
  const tick = () => (w.clock.t += 1000);
  const kiosk = new TestTerminal('kiosk-7', tick);
  const counter = new TestTerminal('counter-7', tick);
  const evaluator = new TestTerminal('eval-7', tick);
  const p010 = kiosk.emit('ticket.issued', { ticketId: 'kiosk-7~1:1', serviceId: 'hukou', number: 'P010', numberSource: 'server', day, channel: 'kiosk' });
  const e006 = kiosk.emit('ticket.issued', { ticketId: 'kiosk-7~1:2', serviceId: 'hukou', number: 'E006', numberSource: 'server', day, channel: 'kiosk' });
  return [
    p010,
    e006,
    counter.emit('window.opened', { windowId: 'w2', staffId: 's1' }),
    counter.emit('staff.signedIn', { windowId: 'w2', staffId: 's1' }),
    counter.emit('ticket.called', { ticketId: 'kiosk-7~1:2', windowId: 'w2', staffId: 's1' }),
    counter.emit('ticket.started', { ticketId: 'kiosk-7~1:2', windowId: 'w2' }),
    counter.emit('ticket.finished', { ticketId: 'kiosk-7~1:2', windowId: 'w2', outcome: 'done' }),
    evaluator.emit('evaluation.recorded', { ticketId: 'kiosk-7~1:2', windowId: 'w2', level: 1, source: 'pad', reasons: [] }),
    counter.emit('ticket.called', { ticketId: 'kiosk-7~1:1', windowId: 'w2', staffId: 's1' }),
  ];
}

describe('starting from the working set', () => {
  it('a new display folds the start set in one go: no frame ever shows a past day, and it says it is syncing until caught up', async () => {
    world = makeSyncWorld();
    world.hub.seed(pastDay(world, '2026-11-23'));
    world.clock.t += 3 * DAY;
    const kiosk = new TestTerminal('kiosk-8', () => world.clock.t);
    world.hub.seed([kiosk.emit('ticket.issued', { ticketId: 'kiosk-8~1:1', serviceId: 'hukou', number: 'A001', numberSource: 'server', day: '2026-11-26', channel: 'kiosk' })]);

    const d = await world.terminal({ id: 'display-1', role: 'display', upstreams: [HUB], noStart: true });
    const frames: string[][] = [];
    d.local.subscribe(() => frames.push(numbers(d.local.state)));
    const syncing: boolean[] = [];
    d.engine.subscribe((s) => syncing.push(s.syncing));
    await d.engine.start();
    await d.engine.whenLeader();
    await world.settle();

    expect(world.hub.requests.filter((r) => r === 'GET /api/sync/start')).toHaveLength(1);
    expect(frames.flat()).not.toContain('P010');
    expect(numbers(d.local.state)).toEqual(['A001']);
    // A window opened three days ago and never closed is not open today.
    expect(d.local.state.windows.get('w2')?.state ?? 'closed').toBe('closed');
    expect(d.local.state.config.services.has('hukou')).toBe(true);
    expect(syncing[0]).toBe(true);
    expect(d.engine.status.syncing).toBe(false);
    expect(await d.db.checkpoint(HUB)).toBe(world.hub.topSeq('hall-1'));

    // What comes next arrives by pull from the start set's checkpoint, not from 0.
    world.hub.seed([kiosk.emit('ticket.issued', { ticketId: 'kiosk-8~1:2', serviceId: 'hukou', number: 'A002', numberSource: 'server', day: '2026-11-26', channel: 'kiosk' })]);
    await d.engine.syncNow();
    expect(numbers(d.local.state)).toEqual(['A001', 'A002']);
    expect(world.hub.urls.filter((u) => u.startsWith('GET /api/sync/pull?after=0&'))).toEqual([]);
  });

  it('a restart loads the working set from the store, not its history; an older install upgraded with its history does too', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    world.clock.t -= 3 * DAY;
    const old = pastDay(world, '2026-11-20');
    world.clock.t += 3 * DAY;
    await k.db.events.bulkAdd(old);
    const configs = k.local.fold.size;
    await k.close();

    const again = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], noStart: true });
    expect(numbers(again.local.state)).toEqual([]);
    expect(again.local.fold.size).toBe(configs);
    await again.close();

    const legacy = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], noStart: true });
    expect(legacy.local.fold.size).toBe(configs);
    await legacy.db.meta.delete('workingSetAt');
    await legacy.close();
    // An upgraded store (no working-set marker) folds its working set only, never its past days.
    const upgraded = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], noStart: true });
    expect(upgraded.local.fold.size).toBe(configs);
    expect(numbers(upgraded.local.state)).toEqual([]);
    expect(await upgraded.db.events.count()).toBe(configs + old.length);
  });
});

describe('history leaves the terminal', () => {
  it('after the working window, except unpushed own events, configuration and the tickets of rectification items', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], noStart: true });
    const config = world.hub.events('hall-1');
    world.clock.t += 60_000;
    const day = pastDay(world, '2026-11-23');
    const mine = new TestTerminal('kiosk-1', () => world.clock.t);
    const own = mine.emit('ticket.issued', { ticketId: 'kiosk-1~1:1', serviceId: 'hukou', number: 'AK001', numberSource: 'offline', day: '2026-11-23', channel: 'kiosk' });
    await k.db.events.bulkAdd([...day, own]);
    await k.db.outbox.add({ origin: own.origin, seq: own.seq, event: own, queuedAt: world.clock.t });
    await k.db.storeReceived(config);
    world.clock.t += 3 * DAY;
    const state = foldEvents('hall-1', [...config, ...day, own]);
    expect(state.rectifications.size).toBe(1);

    const r = await sweepHistory(k.db, state, world.clock.t);
    const left = (await k.db.events.toArray()).map((e) => `${e.type} ${(e.payload as { ticketId?: string }).ticketId ?? ''}`.trim());
    // P010's issue and call, the window's opening and the sign-in are history now.
    expect(r.deleted).toBe(4);
    expect(left).not.toContain('ticket.issued kiosk-7~1:1');
    expect(left).not.toContain('window.opened');
    // E006 carries a bad rating (R8): its whole ticket stays for the admin's list.
    expect(left.filter((x) => x.endsWith('kiosk-7~1:2'))).toHaveLength(5);
    expect(left).toContain('ticket.issued kiosk-1~1:1');
    expect(left.filter((x) => x === 'config.changed')).toHaveLength(config.length);

    // An hour later the sweep reads only the last day and a bit: what stayed below stays.
    await k.db.acknowledge({ [own.origin]: own.seq });
    world.clock.t += 60 * 60 * 1000;
    expect((await sweepHistory(k.db, state, world.clock.t)).deleted).toBe(0);
    // Once a day it reads the whole store: the own event the server holds now goes too.
    world.clock.t += DAY;
    expect((await sweepHistory(k.db, state, world.clock.t)).deleted).toBe(1);
  });
});
