/**
 * The whole hall on one machine: the hall server on its embedded database serving the built
 * screens, the demo hall configured through the admin API, every demo terminal created with a
 * one-time code, and simulated devices (real pseudo-terminals) behind the device host. Used by
 * `npm run web` and by the end-to-end tests.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { openPglite } from '../../server/db/pglite';
import type { Db } from '../../server/db/db';
import { buildServer, type HallServer } from '../../server/http/app';
import { ensureAdmin, newToken } from '../../server/store/terminals';
import { startDeviceHost, type DeviceHost } from '../../electron/device-host/server';
import { DeviceManager } from '../../electron/devices/manager';
import { startSimulatedDevices, type SimulatedDevices } from '../../electron/devices/sim/simulatedDevices';
import { hashPin } from '../../shared/identity/pin';
import { seedDemoHistory, type DemoHistory, type HistoryOptions } from './demoHistory';
import { newDeviceToken, readDeviceHostState, writeDeviceHostState } from './keptState';
import { DEMO_CATEGORIES, DEMO_NOTICES, DEMO_POLICY, DEMO_PIN, DEMO_SCHEDULE, DEMO_SERVICES, DEMO_STAFF, DEMO_TERMINALS, DEMO_WINDOWS, type DemoTerminal } from './demoHall';

/** The built screens; HALLQ_SCREENS_DIR picks another build (e.g. `vite build --outDir` of a work tree's own). */
export const SCREENS_DIR = process.env.HALLQ_SCREENS_DIR ? resolve(process.env.HALLQ_SCREENS_DIR) : resolve(import.meta.dirname, '../../dist/web');
/** The demo hall's key for ID-number hashes (R21). A real hall's comes from its enrollment. */
export const DEMO_HALL_KEY = 'demo-hall-key-0123456789abcdef';

export interface WebHallOptions {
  port?: number;
  host?: string;
  hall?: string;
  /**
   * PGlite directory; default: in memory (a fresh demo hall each start). A hall kept there is
   * opened as it was (its configuration and terminals stand, enrolled screens keep their
   * tokens), and the device host keeps its port and token (device-host.json, 0600).
   */
  dataDir?: string;
  /** A database to use instead of PGlite (PostgreSQL for benchmarks); the caller closes it. */
  db?: Db;
  /** Start simulated devices and the device host (needs socat). */
  devices?: boolean;
  /** Server clock, for tests. */
  now?: () => number;
  /** Extra demo setup before terminals are created (tests add their own config). */
  logger?: boolean | { level: string };
  /** Terminals to create; default: the demo set. */
  terminals?: DemoTerminal[];
  /** Leave the schedule etc. out (tests configure their own). */
  configure?: boolean;
  /** Past days of the demo hall, seeded into the log before the terminals start (needs configure). */
  history?: HistoryOptions;
}

export interface WebHall {
  url: string;
  hall: string;
  /** The hall was kept in the data dir from an earlier run (not configured again). */
  kept: boolean;
  adminToken: string;
  server: HallServer;
  db: Db;
  sims?: SimulatedDevices;
  /** What the seeded history holds (when asked for). */
  history?: DemoHistory;
  deviceHost?: DeviceHost;
  deviceManager?: DeviceManager;
  /** Page address of each terminal (with its one-time code and the device host). */
  pages: Map<string, string>;
  /** A new page address for a terminal (a new one-time code; re-enrolls the browser). */
  enroll(t: DemoTerminal): Promise<string>;
  /** Admin API call. */
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function startWebHall(o: WebHallOptions = {}): Promise<WebHall> {
  const hall = o.hall ?? 'demo-hall';
  const db = o.db ?? (await openPglite(o.dataDir));
  const server = await buildServer({ db, screensDir: SCREENS_DIR, logger: o.logger ?? false, ...(o.now ? { now: o.now } : {}) });
  const configured = o.configure !== false;
  // A hall kept on disk from an earlier run stands as it was left: its configuration (with the
  // manager's edits) is not written over, its terminals keep their tokens.
  const kept = o.dataDir !== undefined && (await db.query('SELECT 1 FROM events WHERE hall = $1 LIMIT 1', [hall])).rows.length > 0;
  // The past goes in before anything reads the hall, so the server's fold sees it in order.
  const history = configured && o.history?.days ? await seedDemoHistory(db, hall, (o.now ?? Date.now)(), await demoConfigEntries(), o.history) : undefined;
  const adminToken = newToken();
  await ensureAdmin(db, hall, adminToken, (o.now ?? Date.now)());
  await server.app.listen({ port: o.port ?? 0, host: o.host ?? '127.0.0.1' });
  const addr = server.app.server.address() as { port: number };
  const url = `http://${o.host ?? '127.0.0.1'}:${addr.port}`;

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  if (configured && !kept) await configureDemoHall(admin);

  let sims: SimulatedDevices | undefined;
  let deviceHost: DeviceHost | undefined;
  let deviceManager: DeviceManager | undefined;
  // With a data dir the device host keeps its port and token: the open pages' addresses hold them.
  const keptDevices = o.dataDir !== undefined ? readDeviceHostState(o.dataDir) : undefined;
  const deviceToken = keptDevices?.token ?? newDeviceToken();
  if (o.devices) {
    sims = await startSimulatedDevices();
    deviceManager = new DeviceManager({ config: sims.config, hallKey: DEMO_HALL_KEY });
    deviceManager.start();
    const hostOn = (port?: number) => startDeviceHost({ api: deviceManager!, allowedOrigins: [url], token: deviceToken, ...(port ? { port } : {}) });
    // The kept port taken by another program: a new one (open pages then need their new address).
    deviceHost = keptDevices ? await hostOn(keptDevices.port).catch(() => hostOn()) : await hostOn();
    if (o.dataDir !== undefined) writeDeviceHostState(o.dataDir, { port: deviceHost.port, token: deviceToken });
  }

  const enroll = async (t: DemoTerminal) => {
    const { code } = (await admin('POST', '/api/admin/terminals', { id: t.id, role: t.role, ...(t.windowId ? { windowId: t.windowId } : {}) })) as { code: string };
    const q = new URLSearchParams({ terminal: t.id, code });
    if (deviceHost && (t.role === 'kiosk' || t.role === 'counter' || t.role === 'evaluator')) {
      q.set('devices', deviceHost.url);
      q.set('dt', deviceToken);
    }
    return `${url}/${t.role}/?${q}`;
  };
  const pages = new Map<string, string>();
  for (const t of o.terminals ?? DEMO_TERMINALS) {
    if (configured && !kept) await admin('PUT', '/api/admin/config', { kind: 'terminal', id: t.id, value: { id: t.id, role: t.role, ...(t.windowId ? { windowId: t.windowId } : {}), ...(t.offlineSeries ? { offlineSeries: t.offlineSeries } : {}) } });
    pages.set(t.id, await enroll(t));
  }

  return {
    url,
    hall,
    kept,
    adminToken,
    server,
    db,
    ...(sims ? { sims } : {}),
    ...(deviceHost ? { deviceHost } : {}),
    ...(deviceManager ? { deviceManager } : {}),
    ...(history ? { history } : {}),
    pages,
    enroll,
    admin,
    async close() {
      await deviceHost?.close();
      await deviceManager?.stop();
      await sims?.stop();
      await server.close();
      if (!o.db) await db.close();
    },
  };
}

/** The demo hall's configuration as (kind, id, value) entries: what the admin API is given. */
export async function demoConfigEntries(): Promise<Array<{ kind: string; id: string; value: unknown }>> {
  return [
    { kind: 'schedule', id: 'hall', value: DEMO_SCHEDULE },
    { kind: 'policy', id: 'hall', value: DEMO_POLICY },
    ...DEMO_SERVICES.map((s) => ({ kind: 'service', id: s.id, value: { ...s, categoryName: DEMO_CATEGORIES[s.category] } })),
    ...DEMO_WINDOWS.map((w) => ({ kind: 'window', id: w.id, value: w })),
    ...(await Promise.all(DEMO_STAFF.map(async (s) => ({ kind: 'staff', id: s.id, value: { ...s, pinHash: await hashPin(DEMO_PIN, randomBytes(16)) } })))),
  ];
}

export async function configureDemoHall(admin: (method: string, path: string, body?: unknown) => Promise<unknown>): Promise<void> {
  for (const c of await demoConfigEntries()) await admin('PUT', '/api/admin/config', c);
  for (const n of DEMO_NOTICES) await admin('POST', '/api/admin/notices', n);
}
