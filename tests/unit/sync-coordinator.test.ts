import { afterEach, describe, expect, it } from 'vitest';
import { TestTerminal } from '../support/hall';
import { CENTRAL, HUB, makeSyncWorld, relay, type SyncTerminal, type SyncWorld } from '../support/syncWorld';

let world: SyncWorld;
afterEach(async () => {
  await world.closeAll();
});

const allDown = (w: SyncWorld) => {
  w.network.takeDown(w.hub);
  w.network.takeDown(w.central);
};
const allUp = (w: SyncWorld) => {
  w.network.bringUp(w.hub);
  w.network.bringUp(w.central);
};
const numbers = (t: SyncTerminal) => [...t.local.state.tickets.values()].map((x) => x.number);

describe('issuing a ticket', () => {
  it('uses the server series online and the kiosk series offline; the offline ticket syncs later', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk' });

    const a = await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    const b = await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    expect(a).toMatchObject({ ok: true, offline: false, ticket: { number: 'A001', numberSource: 'server', status: 'waiting' } });
    expect(b).toMatchObject({ ok: true, offline: false, ticket: { number: 'A002' } });
    expect(world.hub.requests.filter((r) => r === 'POST /api/numbers')).toHaveLength(2);
    await world.settle();

    allDown(world);
    await world.timers.advance(1_000);
    const c = await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    const d = await k.coordinator.issueTicket({ serviceId: 'social', channel: 'kiosk' });
    expect(c).toMatchObject({ ok: true, offline: true, ticket: { number: 'AK001', numberSource: 'offline' } });
    expect(d).toMatchObject({ ok: true, offline: true, ticket: { number: 'BK001' } });
    expect(k.engine.status.pending).toBe(2);

    await world.settle();
    allUp(world);
    await world.timers.advance(60_000);
    expect(k.engine.status).toMatchObject({ state: 'online', pending: 0 });
    const onServer = [...world.hub.fold('hall-1').state.tickets.values()].map((t) => `${t.number}/${t.numberSource}`);
    expect(onServer).toEqual(['A001/server', 'A002/server', 'AK001/offline', 'BK001/offline']);
    // Back online: the server's series again, after what it gave before.
    expect(await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' })).toMatchObject({ ok: true, offline: false, ticket: { number: 'A003' } });
  });

  it('falls back to the offline series when the server does not answer in time', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB] });
    world.network.hang(world.hub);
    const pending = k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    await world.timers.advance(1_499);
    await world.timers.advance(1);
    expect(await pending).toMatchObject({ ok: true, offline: true, ticket: { number: 'AK001' } });
  });

  it('uses the offline rules when only central answers and the hall has a hub', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk' });
    world.network.takeDown(world.hub);
    await world.timers.advance(1_000);
    expect(k.engine.status).toMatchObject({ state: 'online', upstream: CENTRAL });
    expect(await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' })).toMatchObject({ ok: true, offline: true, ticket: { number: 'AK001' } });
    expect(world.central.requests).toContain('POST /api/numbers');
    await world.settle();
    // The ticket still reaches central at once.
    expect(world.central.fold('hall-1').state.tickets.size).toBe(1);
  });

  it('shows a local refusal without asking the server', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk' });
    const r = await k.coordinator.issueTicket({ serviceId: 'estate', channel: 'kiosk' });
    expect(r).toMatchObject({ ok: false, code: 'id-required' });
    if (!r.ok) expect(r.message.zh).toContain('身份证');
    expect(world.hub.requests).not.toContain('POST /api/numbers');
  });

  it('refuses offline, in both languages, on a kiosk without an offline series', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-9', role: 'kiosk' });
    allDown(world);
    await world.timers.advance(1_000);
    const r = await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    expect(r).toMatchObject({ ok: false, code: 'no-offline-series' });
    if (!r.ok) {
      expect(r.message.zh).toMatch(/离线号段/);
      expect(r.message.en).toMatch(/offline number series/);
    }
    expect(k.local.state.tickets.size).toBe(0);
    expect(await k.db.outbox.count()).toBe(0);
  });

  it('on a fresh install, issues offline numbers only once it has caught up with a server', async () => {
    world = makeSyncWorld();
    // The kiosk's earlier install gave AK001 and AK002 today, then lost its database.
    const old = new TestTerminal('kiosk-1', () => world.clock.t, 1);
    for (const [i, n] of ['AK001', 'AK002'].entries()) {
      world.hub.seed([
        old.emit('ticket.issued', { ticketId: `kiosk-1~1:${i + 1}x`, serviceId: 'hukou', number: n, numberSource: 'offline', day: '2026-11-23', channel: 'kiosk' }),
      ]);
    }
    // The new install (epoch 2) reads the configuration, then the network fails mid-pull.
    let pulls = 0;
    world.network.beforeRequest = (server, method) => {
      if (server === world.hub && method === 'GET' && ++pulls === 2) allDown(world);
    };
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', epoch: 2, upstreams: [HUB], engine: { pullLimit: 15 } });
    expect(k.local.state.config.services.has('hukou')).toBe(true);
    expect(k.local.caughtUpAt).toBeNull();
    const refused = await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    expect(refused).toMatchObject({ ok: false, code: 'not-caught-up' });
    if (!refused.ok) expect(refused.message.zh).toMatch(/同步/);

    world.network.beforeRequest = undefined;
    allUp(world);
    await world.timers.advance(60_000);
    expect(k.local.caughtUpAt).not.toBeNull();
    allDown(world);
    await world.timers.advance(1_000);
    expect(await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' })).toMatchObject({ ok: true, offline: true, ticket: { number: 'AK003' } });
  });
});

describe('calling the next ticket', () => {
  it('online, calls the ticket the server claimed for the window', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk' });
    const c = await world.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1' });
    await c.local.author('staff.signedIn', { windowId: 'w1', staffId: 's1' });
    await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    await k.coordinator.issueTicket({ serviceId: 'social', channel: 'kiosk' });
    await world.settle();

    const r = await c.coordinator.callNext('w1');
    expect(r).toMatchObject({ ok: true, claim: 'server', number: 'A001', ticket: { status: 'called', windowId: 'w1' } });
    if (r.ok) expect(r.event.payload).toMatchObject({ claim: 'server', staffId: 's1', windowId: 'w1' });
    expect(world.hub.requests).toContain('POST /api/claims');
    await world.settle();
    expect(world.hub.fold('hall-1').state.tickets.get(r.ok ? r.ticketId : '')?.status).toBe('called');

    await c.local.author('ticket.finished', { ticketId: r.ok ? r.ticketId : '', windowId: 'w1', outcome: 'done' });
    expect(await c.coordinator.callNext('w1')).toMatchObject({ ok: true, claim: 'server', number: 'B001' });
    expect(await c.coordinator.callNext('w1')).toMatchObject({ ok: false, code: 'nobody-waiting', claim: 'server' });
  });

  it('online, catches up before calling a ticket it has not heard of yet', async () => {
    world = makeSyncWorld();
    const c = await world.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1', upstreams: [HUB], engine: { WebSocket: undefined, pollMs: 600_000 } });
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk', upstreams: [HUB], skewMs: 4 * 60_000 });
    const issued = await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    await world.settle();
    expect(c.local.state.tickets.size).toBe(0);
    const r = await c.coordinator.callNext('w1');
    expect(r).toMatchObject({ ok: true, claim: 'server', ticket: { status: 'called' } });
    if (r.ok && issued.ok) expect(r.event.hlc > issued.event.hlc).toBe(true);
  });

  it('offline, calls from the local view', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk' });
    const c = await world.terminal({ id: 'counter-1', role: 'counter', windowId: 'w2' });
    await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    await k.coordinator.issueTicket({ serviceId: 'social', channel: 'kiosk' });
    await world.settle();
    allDown(world);
    await world.timers.advance(1_000);
    const r = await c.coordinator.callNext('w2');
    expect(r).toMatchObject({ ok: true, claim: 'local', number: 'B001', ticket: { status: 'called' } });
    if (r.ok) expect(r.event.payload.claim).toBe('local');
    expect(await c.coordinator.callNext('w2')).toMatchObject({ ok: false, code: 'nobody-waiting', claim: 'local' });
  });

  it('shows the window whose offline call lost that it must call again, on every replica', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk' });
    const c1 = await world.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1' });
    const c4 = await world.terminal({ id: 'counter-4', role: 'counter', windowId: 'w4' });
    await k.coordinator.issueTicket({ serviceId: 'hukou', channel: 'kiosk' });
    await world.settle();
    allDown(world);
    await world.timers.advance(1_000);
    const first = await c1.coordinator.callNext('w1');
    world.clock.t += 1_000;
    const second = await c4.coordinator.callNext('w4');
    expect(first).toMatchObject({ ok: true, claim: 'local', number: 'A001' });
    expect(second).toMatchObject({ ok: true, claim: 'local', number: 'A001' });
    expect(c4.coordinator.conflict('w4')).toBeUndefined();

    allUp(world);
    await world.timers.advance(60_000);
    relay(world.hub, world.central);
    await world.timers.advance(60_000);
    expect(c4.coordinator.conflict('w4')).toMatchObject({ number: 'A001', wonBy: 'w1' });
    expect(c1.coordinator.conflict('w4')).toMatchObject({ number: 'A001', wonBy: 'w1' });
    expect(c1.coordinator.conflict('w1')).toBeUndefined();
    expect(numbers(c1)).toEqual(numbers(c4));
  });

  it('refuses a window this counter does not serve: the server online, the terminal itself offline', async () => {
    world = makeSyncWorld();
    const k = await world.terminal({ id: 'kiosk-1', role: 'kiosk' });
    const c = await world.terminal({ id: 'counter-1', role: 'counter', windowId: 'w1' });
    await k.coordinator.issueTicket({ serviceId: 'social', channel: 'kiosk' });
    await world.settle();
    const online = await c.coordinator.callNext('w2');
    expect(online).toMatchObject({ ok: false, code: 'server-refused', message: { zh: '不能操作其他窗口' } });
    allDown(world);
    await world.timers.advance(1_000);
    expect(await c.coordinator.callNext('w2')).toMatchObject({ ok: false, code: 'not-allowed', message: { zh: '不能操作其他窗口' } });
    expect(await c.db.events.where('[origin+seq]').between(['counter-1~1', 0], ['counter-1~1', 1e9]).count()).toBe(0);
  });
});
