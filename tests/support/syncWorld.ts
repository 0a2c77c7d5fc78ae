/**
 * A hall for sync tests: a virtual clock and timers, a fake network with a hub and a central
 * server (both seeded with the demo configuration), and terminals that each run the real
 * renderer sync (Dexie on fake-indexeddb, LocalLog, SyncEngine, Coordinator).
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { TerminalDatabase, type TerminalIdentity } from '../../renderer/db/database';
import { Coordinator } from '../../renderer/sync/coordinator';
import { SyncEngine, type SyncEngineOptions } from '../../renderer/sync/engine';
import type { ChannelLike, LockProvider } from '../../renderer/sync/env';
import { inProcessLocks } from '../../renderer/sync/leader';
import { LocalLog } from '../../renderer/sync/local';
import type { Role } from '../../shared/sync/protocol';
import { FakeNetwork, FakeServer, ManualTimers, flush, type FakeServerOptions } from './fakeServer';
import { HALL, MONDAY_10AM, TestTerminal, demoConfig } from './hall';

export const HUB = 'http://hub.hall-1.local:8080';
export const CENTRAL = 'https://central.example.gov.cn';

export interface TerminalSpec {
  id: string;
  role: Role;
  windowId?: string;
  epoch?: number;
  /** Terminal clock minus true time. */
  skewMs?: number;
  upstreams?: readonly string[];
  engine?: Partial<Omit<SyncEngineOptions, 'db' | 'local'>>;
  /** Do not start the engine (tests that drive it by hand). */
  noStart?: boolean;
  /** Share a lock provider between engines of one terminal (windows of one app). */
  locks?: LockProvider;
  channel?: ChannelLike;
  /** Another window of a terminal already open: do not wait to lead. */
  follower?: boolean;
}

export interface SyncTerminal {
  spec: TerminalSpec;
  identity: TerminalIdentity;
  db: TerminalDatabase;
  local: LocalLog;
  engine: SyncEngine;
  coordinator: Coordinator;
  now: () => number;
  /** Stop and close, as a crash or shutdown would. */
  close(): Promise<void>;
}

export interface SyncWorld {
  clock: { t: number };
  timers: ManualTimers;
  network: FakeNetwork;
  hub: FakeServer;
  central: FakeServer;
  admin: TestTerminal;
  idb: IDBFactory;
  random: () => number;
  terminal(spec: TerminalSpec): Promise<SyncTerminal>;
  settle(): Promise<void>;
  closeAll(): Promise<void>;
}

export function makeSyncWorld(opts: { start?: number; server?: Partial<FakeServerOptions>; random?: () => number } = {}): SyncWorld {
  const clock = { t: opts.start ?? MONDAY_10AM };
  const engines = new Set<SyncEngine>();
  // Let promises and IndexedDB work run until every engine is idle (or, if a request hangs
  // waiting for a timer, a while): never waits on a timer itself.
  const settle = async () => {
    let quiet = 0;
    for (let i = 0; i < 40 && quiet < 3; i++) {
      await flush(10);
      quiet = [...engines].every((e) => e.isIdle) ? quiet + 1 : 0;
    }
  };
  const timers = new ManualTimers(clock, settle);
  const network = new FakeNetwork();
  const serverNow = () => clock.t;
  const hub = network.add(new FakeServer(HUB, { now: serverNow, ...opts.server }));
  // The hall has a hub: central leaves numbers and calls to it (server/store/coordinator.ts).
  const central = network.add(new FakeServer(CENTRAL, { now: serverNow, hubCoordinates: true, ...opts.server }));
  const admin = new TestTerminal('admin-1', serverNow);
  const config = demoConfig(admin);
  config.push(admin.emit('config.changed', { kind: 'terminal', id: 'kiosk-9', value: { id: 'kiosk-9', role: 'kiosk' } }));
  hub.seed(config);
  central.seed(config);
  const idb = new IDBFactory();
  const random = opts.random ?? (() => 0.5);
  const open: SyncTerminal[] = [];

  const world: SyncWorld = {
    clock,
    timers,
    network,
    hub,
    central,
    admin,
    idb,
    random,
    settle,
    async terminal(spec) {
      const identity: TerminalIdentity = {
        terminalId: spec.id,
        hall: HALL,
        role: spec.role,
        ...(spec.windowId ? { windowId: spec.windowId } : {}),
        token: `token-${spec.id}-${spec.epoch ?? 1}`,
        epoch: spec.epoch ?? 1,
      };
      for (const s of network.servers) s.enroll({ ...identity });
      const now = () => clock.t + (spec.skewMs ?? 0);
      const openDb = () => new TerminalDatabase(spec.id, { dexie: { indexedDB: idb, IDBKeyRange } });
      let db = openDb();
      const existing = await db.getIdentity();
      if (existing && existing.epoch !== identity.epoch) {
        // A new epoch is a new install: the old database is gone.
        await db.delete();
        db = openDb();
      }
      if (!existing || existing.epoch !== identity.epoch) await db.setIdentity(identity);
      else if (existing.token !== identity.token) throw new Error('one token per install');
      const local = await LocalLog.open({ db, now });
      const engine = new SyncEngine({
        db,
        local,
        upstreams: spec.upstreams ?? [HUB, CENTRAL],
        fetch: network.fetch,
        WebSocket: network.WebSocket,
        timers,
        now,
        random,
        locks: spec.locks ?? inProcessLocks(),
        ...(spec.channel ? { channel: spec.channel } : {}),
        ...spec.engine,
      });
      engines.add(engine);
      const coordinator = new Coordinator({ local, engine });
      const t: SyncTerminal = {
        spec,
        identity,
        db,
        local,
        engine,
        coordinator,
        now,
        async close() {
          await engine.stop();
          engines.delete(engine);
          db.close();
        },
      };
      open.push(t);
      if (!spec.noStart) {
        await engine.start();
        if (!spec.follower) await engine.whenLeader();
        await settle();
      }
      return t;
    },
    async closeAll() {
      for (const t of open.splice(0)) await t.close();
    },
  };
  return world;
}

/** BroadcastChannel between the windows of one terminal: a message reaches every other end. */
export function channels(n: number): ChannelLike[] {
  const ends: ChannelLike[] = [];
  for (let i = 0; i < n; i++) {
    const end: ChannelLike = {
      onmessage: null,
      postMessage(message: unknown) {
        const data = structuredClone(message);
        for (const other of ends) if (other !== end) void Promise.resolve().then(() => other.onmessage?.({ data }));
      },
    };
    ends.push(end);
  }
  return ends;
}

/** What a hub and central exchange when they sync: each ends with the other's events. */
export function relay(a: FakeServer, b: FakeServer): void {
  const missingInB = a.log.map((x) => x.e).filter((e) => !b.fold(e.hall).has(`${e.origin}:${e.seq}`));
  const missingInA = b.log.map((x) => x.e).filter((e) => !a.fold(e.hall).has(`${e.origin}:${e.seq}`));
  b.seed(missingInB);
  a.seed(missingInA);
}
