import { IDBDatabase, IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import Dexie from 'dexie';
import { describe, expect, it, vi } from 'vitest';
import { TerminalDatabase, requestPersistence, type TerminalIdentity } from '../../renderer/db/database';
import { LocalLog, NotAllowedError, type LogChange } from '../../renderer/sync/local';
import { HALL, MONDAY_10AM, TestTerminal, demoConfig } from '../support/hall';

const kiosk: TerminalIdentity = { terminalId: 'kiosk-1', hall: HALL, role: 'kiosk', token: 't', epoch: 1 };

async function openLog(idb: IDBFactory, now: () => number, identity = kiosk) {
  const db = new TerminalDatabase(identity.terminalId, { dexie: { indexedDB: idb, IDBKeyRange } });
  if (!(await db.getIdentity())) await db.setIdentity(identity);
  const local = await LocalLog.open({ db, now });
  return { db, local };
}

const fault = { device: 'printer', code: 'paper-out' } as const;

describe('the terminal database', () => {
  it('is named after the terminal and keeps one database per terminal', async () => {
    const idb = new IDBFactory();
    const { db } = await openLog(idb, () => MONDAY_10AM);
    expect(db.name).toBe('hallq-kiosk-1');
    const names = await idb.databases();
    expect(names.map((d) => d.name)).toEqual(['hallq-kiosk-1']);
    db.close();
  });

  it("an install from before the screens read the fold upgrades: the old view tables go, the log stays", async () => {
    const idb = new IDBFactory();
    const event = new TestTerminal('kiosk-1', () => MONDAY_10AM).emit('window.opened', { windowId: 'w1' });
    // Version 2 of the schema, as the previous release wrote it.
    const old = new Dexie('hallq-kiosk-1', { indexedDB: idb, IDBKeyRange });
    old.version(1).stores({ events: '[origin+seq], hlc', outbox: '[origin+seq]', meta: 'key', quarantine: '[origin+seq], at' });
    old.version(2).stores({ ticketsView: 'id, [day+status], serviceId', windowsView: 'id' });
    await old.table('events').add(event);
    await old.table('ticketsView').put({ id: 't1', day: '2026-11-23', status: 'waiting' });
    old.close();

    const db = new TerminalDatabase('kiosk-1', { dexie: { indexedDB: idb, IDBKeyRange } });
    expect(await db.loadEvents()).toEqual([event]);
    expect(db.tables.map((t) => t.name).sort()).toEqual(['events', 'materialBlobs', 'meta', 'outbox', 'quarantine']);
    db.close();
  });

  it('appends an own event and its outbox row in one strict-durability transaction', async () => {
    // Dexie binds IDBDatabase.transaction when it opens: watch it from before.
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
    const idb = new IDBFactory();
    const { db, local } = await openLog(idb, () => MONDAY_10AM);
    spy.mockClear();
    const e = await local.author('device.fault', fault);
    const writes = spy.mock.calls.filter((c) => c[1] === 'readwrite');
    spy.mockRestore();
    expect(writes).toHaveLength(1);
    expect([...(writes[0]![0] as string[])].sort()).toEqual(['events', 'meta', 'outbox']);
    expect(writes[0]![2]).toEqual({ durability: 'strict' });
    expect(await db.events.get([e.origin, e.seq])).toEqual(e);
    expect((await db.outbox.get([e.origin, e.seq]))?.event).toEqual(e);
    expect(await db.getMeta('nextSeq')).toBe(2);
    expect(await db.getMeta('lastHlc')).toBe(e.hlc);
    db.close();
  });

  it('writes nothing and uses no seq when the event cannot be built', async () => {
    const idb = new IDBFactory();
    const { db, local } = await openLog(idb, () => MONDAY_10AM);
    await expect(
      local.author('device.fault', () => {
        throw new Error('refused while deciding');
      }),
    ).rejects.toThrow('refused while deciding');
    await expect(local.author('device.fault', { device: 'printer', code: '' })).rejects.toThrow(/payload.code/);
    expect(await db.events.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    const e = await local.author('device.fault', fault);
    expect(e.seq).toBe(1);
    db.close();
  });

  it('asks the browser for persistent storage when it can', async () => {
    const persist = vi.fn(async () => true);
    expect(await requestPersistence({ persist, persisted: async () => false })).toBe(true);
    expect(persist).toHaveBeenCalledOnce();
    expect(await requestPersistence({ persist, persisted: async () => true })).toBe(true);
    expect(persist).toHaveBeenCalledOnce();
    expect(await requestPersistence(undefined)).toBe(false);
    expect(await requestPersistence({ persist: async () => Promise.reject(new Error('denied')) })).toBe(false);
  });
});

describe('the local log', () => {
  it('after a restart has the same events, continues the seq, and never runs its clock back', async () => {
    const idb = new IDBFactory();
    let now = MONDAY_10AM;
    const first = await openLog(idb, () => now);
    const a = await first.local.author('device.fault', fault);
    const b = await first.local.author('device.recovered', { device: 'printer' });
    first.db.close();

    now = MONDAY_10AM - 60_000; // the terminal's clock was set back a minute
    const again = await openLog(idb, () => now);
    expect(again.local.fold.log.map((e) => `${e.origin}:${e.seq}`)).toEqual(['kiosk-1~1:1', 'kiosk-1~1:2']);
    expect(await again.db.outbox.count()).toBe(2);
    const c = await again.local.author('device.fault', fault);
    expect(c.seq).toBe(3);
    expect(c.hlc > b.hlc && b.hlc > a.hlc).toBe(true);
    again.db.close();
  });

  it('receives events from a server once, folds them and moves its clock past them', async () => {
    const idb = new IDBFactory();
    const { db, local } = await openLog(idb, () => MONDAY_10AM);
    const admin = new TestTerminal('admin-1', () => MONDAY_10AM + 5_000); // ahead of the kiosk
    const config = demoConfig(admin);
    const changes: LogChange[] = [];
    local.subscribe((c) => changes.push(c));

    const fresh = await local.receive(config, { upstream: 'http://hub', serverSeq: 13 });
    expect(fresh).toHaveLength(config.length);
    expect(await local.receive(config.slice(0, 3))).toEqual([]);
    expect(local.state.config.services.get('hukou')?.prefix).toBe('A');
    expect(await db.checkpoint('http://hub')).toBe(13);
    expect(changes.map((c) => c.kind)).toEqual(['received']);

    const own = await local.author('device.fault', fault);
    expect(own.hlc > config[config.length - 1]!.hlc).toBe(true);
    expect(changes.map((c) => c.kind)).toEqual(['received', 'authored']);
    db.close();
  });

  it('never moves a checkpoint back, and keeps the stored event when another arrives under its id', async () => {
    const idb = new IDBFactory();
    const { db, local } = await openLog(idb, () => MONDAY_10AM);
    const admin = new TestTerminal('admin-1', () => MONDAY_10AM);
    const [e1] = demoConfig(admin);
    await local.receive([e1!], { upstream: 'http://hub', serverSeq: 20 });
    await local.receive([], { upstream: 'http://hub', serverSeq: 7 });
    expect(await db.checkpoint('http://hub')).toBe(20);
    const forged = { ...e1!, hlc: '0000000000000001-0000' };
    const r = await db.storeReceived([forged]);
    expect(r).toEqual({ fresh: [], conflicts: [forged] });
    expect(await db.events.get([e1!.origin, e1!.seq])).toEqual(e1);
    db.close();
  });

  it('refuses, before writing, what the terminal may not write', async () => {
    const idb = new IDBFactory();
    const { db, local } = await openLog(idb, () => MONDAY_10AM);
    await expect(local.author('ticket.called', { ticketId: 'x~1:1', windowId: 'w1' })).rejects.toBeInstanceOf(NotAllowedError);
    const counter = await openLog(idb, () => MONDAY_10AM, { terminalId: 'counter-1', hall: HALL, role: 'counter', windowId: 'w1', token: 't', epoch: 1 });
    await expect(counter.local.author('window.opened', { windowId: 'w2' })).rejects.toMatchObject({ code: 'other-window' });
    await expect(counter.local.author('window.opened', { windowId: 'w1' })).resolves.toMatchObject({ seq: 1 });
    expect(await db.events.count()).toBe(0);
    db.close();
    counter.db.close();
  });

  it('decides two quick actions one after the other, each on the state the other left', async () => {
    const idb = new IDBFactory();
    const { db, local } = await openLog(idb, () => MONDAY_10AM);
    const seen: number[] = [];
    const [x, y] = await Promise.all([
      local.author('device.fault', () => (seen.push(local.fold.size), fault)),
      local.author('device.fault', () => (seen.push(local.fold.size), fault)),
    ]);
    expect(seen).toEqual([0, 1]);
    expect([x.seq, y.seq]).toEqual([1, 2]);
    db.close();
  });
});
