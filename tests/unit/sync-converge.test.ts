import { IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { TerminalDatabase } from '../../renderer/db/database';
import { openTerminal } from '../../renderer/sync/terminal';
import { canonicalState } from '../../shared/fold/canonical';
import { CENTRAL, HUB, makeSyncWorld, relay, type SyncWorld } from '../support/syncWorld';

let world: SyncWorld;
afterEach(async () => {
  await world.closeAll();
});

describe('terminals converging through the server', () => {
  it('a kiosk and a counter, online and offline, with clocks minutes apart, end in the same state as the server', async () => {
    world = makeSyncWorld();
    const kiosk = await world.terminal({ id: 'kiosk-1', role: 'kiosk', skewMs: 7 * 60_000 });
    const counter = await world.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1', skewMs: -9 * 60_000 });
    const evaluator = await world.terminal({ id: 'evaluator-1', role: 'evaluator', windowId: 'w1', upstreams: [HUB] });
    await counter.local.author('staff.signedIn', { windowId: 'w1', staffId: 's1' });

    const serve = async () => {
      const r = await counter.coordinator.callNext('w1');
      if (!r.ok) return undefined;
      await counter.local.author('ticket.started', { ticketId: r.ticketId, windowId: 'w1' });
      world.clock.t += 4 * 60_000;
      await counter.local.author('ticket.finished', { ticketId: r.ticketId, windowId: 'w1', outcome: 'done' });
      return r;
    };

    for (let i = 0; i < 3; i++) {
      expect(await kiosk.coordinator.issueTicket({ serviceId: i % 2 ? 'social' : 'hukou', channel: 'kiosk' })).toMatchObject({ ok: true, offline: false });
      world.clock.t += 30_000;
    }
    await world.settle();
    const first = await serve();
    expect(first).toMatchObject({ claim: 'server', number: 'A001' });
    await world.settle();
    await evaluator.local.author('evaluation.recorded', { ticketId: first!.ticketId, windowId: 'w1', level: 5, source: 'pad' });

    // The hub goes (central had everything it had, as they sync): everyone moves to central.
    await world.settle();
    relay(world.hub, world.central);
    world.network.takeDown(world.hub);
    await world.timers.advance(2_000);
    // Central leaves numbers and calls to the hall's hub: offline rules, though online.
    expect(kiosk.engine.status).toMatchObject({ state: 'online', upstream: CENTRAL });
    expect(await kiosk.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' })).toMatchObject({ ok: true, offline: true, ticket: { number: 'AK001' } });
    await world.settle();
    expect(await serve()).toMatchObject({ claim: 'local', number: 'B001' });

    // Central goes too: offline numbers, local calls.
    world.network.takeDown(world.central);
    await world.timers.advance(2_000);
    expect(await kiosk.coordinator.issueTicket({ serviceId: 'social', channel: 'kiosk' })).toMatchObject({ ok: true, offline: true, ticket: { number: 'BK001' } });
    expect(await serve()).toMatchObject({ claim: 'local' });
    expect(await serve()).toMatchObject({ claim: 'local' });

    // Everything comes back; hub and central exchange what each missed.
    world.network.bringUp(world.hub);
    world.network.bringUp(world.central);
    await world.timers.advance(120_000);
    relay(world.hub, world.central);
    for (const t of [kiosk, counter, evaluator]) await t.engine.syncNow();
    await world.settle();

    const server = canonicalState(world.hub.fold('hall-1').state);
    expect(canonicalState(world.central.fold('hall-1').state)).toBe(server);
    for (const t of [kiosk, counter, evaluator]) {
      expect(t.engine.status).toMatchObject({ state: 'online', pending: 0, quarantined: 0, upstream: HUB });
      expect(canonicalState(t.local.state)).toBe(server);
    }
    const state = kiosk.local.state;
    expect([...state.tickets.values()].map((t) => `${t.number}:${t.status}`).sort()).toEqual(['A001:finished', 'A002:finished', 'AK001:finished', 'B001:finished', 'BK001:waiting']);
    expect(state.tickets.get(first!.ticketId)?.rating?.level).toBe(5);
    expect(state.notes).toEqual([]);
  });
});

describe('openTerminal', () => {
  it('opens an enrolled terminal, asks for persistent storage and syncs it', async () => {
    world = makeSyncWorld();
    const dexie = { indexedDB: world.idb, IDBKeyRange };
    const db = new TerminalDatabase('kiosk-2', { dexie });
    await db.setIdentity({ terminalId: 'kiosk-2', hall: 'hall-1', role: 'kiosk', token: 'token-kiosk-2', epoch: 1 });
    db.close();
    for (const s of world.network.servers) s.enroll({ terminalId: 'kiosk-2', hall: 'hall-1', role: 'kiosk', token: 'token-kiosk-2', epoch: 1 });
    const t = await openTerminal({
      terminalId: 'kiosk-2',
      dexie,
      storage: { persist: async () => true },
      upstreams: [HUB],
      fetch: world.network.fetch,
      WebSocket: world.network.WebSocket,
      timers: world.timers,
      now: () => world.clock.t,
      random: () => 0.5,
    });
    await t.engine.whenLeader();
    await world.timers.advance(1_000);
    expect(t.persisted).toBe(true);
    expect(t.engine.status).toMatchObject({ state: 'online', live: true, upstream: HUB });
    expect(await t.coordinator.issueTicket({ serviceId: 'social', channel: 'kiosk' })).toMatchObject({ ok: true, ticket: { number: 'B001' } });
    await t.close();
    expect(world.hub.sockets.size).toBe(0);
  });
});
