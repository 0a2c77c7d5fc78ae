/**
 * Device health into the hall's event log, so the leader on duty sees it on the admin view from
 * any terminal within seconds (R17, issue 17): a device that cannot do its job becomes a
 * `device.fault` (severity fault), one that needs a hand soon (paper nearly used up) a
 * `device.fault` with severity warning, and `device.recovered` clears either. Each event carries
 * plain words for the hall manager (shared/devices/condition.ts) and the driver's technical
 * message as detail for support.
 *
 * What is written is the difference between what the devices say now and what the hall's log
 * already says about this terminal's devices (`recorded`), so a restart writes nothing twice and a
 * device fixed while the terminal was off is cleared when it starts. A condition is written once
 * it has held for `holdMs` (a sub-second blip is not news, and would spend the budget below).
 * Health arrives pushed
 * (DeviceEvent 'health') and is also read whole at start and every `pollMs` (a push lost while
 * the device host was away, or a fault the log learned late, is still put right).
 *
 * The hall server stores device events beyond 10 per terminal and minute quietly (never served
 * to other terminals: server/admission/noisy.ts), so a flapping device must not spend that: at
 * most `budget` (10) events per rolling minute are written; beyond it only each device's latest
 * condition is written as soon as the budget allows, so the last word (a fault, or its clearing)
 * always reaches the admin.
 */
import { deviceCondition, LOGGED_DEVICE_OF, type DeviceCondition, type LoggedDevice } from '../../shared/devices/condition';
import type { DeviceApi, DeviceHealth } from '../../shared/devices/contract';
import type { EventType, PayloadInput } from '../../shared/events/payloads';

/** What the hall's log says about one of this terminal's devices (the fold's DeviceFaultState). */
export interface RecordedDevice {
  ok: boolean;
  code?: string | undefined;
  severity?: 'fault' | 'warning' | undefined;
}

export interface HealthLogOptions {
  devices: Pick<DeviceApi, 'subscribe'> & Partial<Pick<DeviceApi, 'health'>>;
  author: <T extends 'device.fault' | 'device.recovered'>(type: T & EventType, payload: PayloadInput<T>) => Promise<unknown>;
  /** What the log already says about this terminal's device (default: nothing, i.e. ok). */
  recorded?: (device: LoggedDevice) => RecordedDevice | undefined;
  /** The devices this terminal answers for (default all): web mode shares one device host. */
  only?: readonly LoggedDevice[];
  now?: () => number;
  /** Read the whole health this often (0: only at start). Default 10 s. */
  pollMs?: number;
  /** Events per rolling minute. Default 10: the server keeps 10 visible per terminal and clock minute, and a rolling minute never holds more. */
  budget?: number;
  /** A new condition is written once it has held this long (a blip is not news). Default 1.5 s. */
  holdMs?: number;
  /** Technical problems (a failed write) go here, never to a screen. */
  onError?: (err: unknown) => void;
}

interface Wanted {
  condition: DeviceCondition;
  health: DeviceHealth;
}

const RANK = { ok: 0, warning: 1, fault: 2 } as const;
const WINDOW_MS = 60_000;

const keyOf = (c: { severity: string; code: string }) => (c.severity === 'ok' ? 'ok' : `${c.severity}:${c.code}`);

function recordedKey(r: RecordedDevice | undefined): string {
  if (!r || r.ok) return 'ok';
  return `${r.severity ?? 'fault'}:${r.code ?? 'fault'}`;
}

export function logDeviceHealth(o: HealthLogOptions): () => void {
  const now = o.now ?? Date.now;
  const budget = o.budget ?? 10;
  const hold = o.holdMs ?? 1500;
  /** Since when each device has wanted a condition other than the one written. */
  const changed = new Map<LoggedDevice, { key: string; at: number }>();
  let holdTimer: ReturnType<typeof setTimeout> | undefined;
  let holdDue = Infinity;
  /** Latest health per device id. */
  const rows = new Map<string, DeviceHealth>();
  /** What this logger wrote last per device (ahead of the fold while the write is under way). */
  const written = new Map<LoggedDevice, string>();
  const sent: number[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const wanted = (): Map<LoggedDevice, Wanted> => {
    const out = new Map<LoggedDevice, Wanted>();
    for (const h of rows.values()) {
      const device = LOGGED_DEVICE_OF[h.kind];
      if (o.only && !o.only.includes(device)) continue;
      const c = deviceCondition(h);
      if (!c) continue;
      const cur = out.get(device);
      if (!cur || RANK[c.severity] > RANK[cur.condition.severity]) out.set(device, { condition: c, health: h });
    }
    return out;
  };

  const write = (device: LoggedDevice, w: Wanted) => {
    const key = keyOf(w.condition);
    written.set(device, key);
    sent.push(now());
    const c = w.condition;
    const h = w.health;
    const p =
      c.severity === 'ok'
        ? o.author('device.recovered', { device })
        : o.author('device.fault', {
            device,
            code: c.code.slice(0, 40),
            severity: c.severity,
            ...(c.words ? { words: c.words } : {}),
            message: detail(h),
            ...(h.raw && /^[0-9a-f ]*$/i.test(h.raw) ? { raw: h.raw.slice(0, 600) } : {}),
          });
    p.catch((err: unknown) => {
      // Not written: try again with the next health.
      if (written.get(device) === key) written.delete(device);
      o.onError?.(err);
    });
  };

  const settle = () => {
    if (stopped) return;
    const t = now();
    while (sent.length && t - sent[0]! >= WINDOW_MS) sent.shift();
    for (const [device, w] of wanted()) {
      const key = keyOf(w.condition);
      const last = written.get(device) ?? recordedKey(o.recorded?.(device));
      if (key === last) {
        changed.delete(device);
        continue;
      }
      let c = changed.get(device);
      if (!c || c.key !== key) changed.set(device, (c = { key, at: t }));
      if (t - c.at < hold) {
        // Not yet: look again when it has held long enough.
        const due = c.at + hold;
        if (due < holdDue) {
          clearTimeout(holdTimer);
          holdDue = due;
          holdTimer = setTimeout(() => ((holdTimer = undefined), (holdDue = Infinity), settle()), Math.max(10, due - t));
        }
        continue;
      }
      if (sent.length >= budget) {
        // Out of budget: the latest condition goes out when the oldest write leaves the window.
        if (!timer) timer = setTimeout(() => ((timer = undefined), settle()), Math.max(50, sent[0]! + WINDOW_MS - t));
        return;
      }
      changed.delete(device);
      write(device, w);
    }
  };

  /** Health pushed while a whole read is under way: newer than what the read answers. */
  let pushedDuringRead: Map<string, DeviceHealth> | undefined;
  const readAll = async () => {
    if (!o.devices.health || pushedDuringRead) return;
    const pushed = (pushedDuringRead = new Map());
    try {
      const all = await o.devices.health();
      if (stopped) return;
      rows.clear();
      for (const h of all) rows.set(h.id, h);
      for (const [id, h] of pushed) rows.set(id, h);
      settle();
    } catch (err) {
      o.onError?.(err);
    } finally {
      pushedDuringRead = undefined;
    }
  };

  const off = o.devices.subscribe((e) => {
    if (e.type !== 'health') return;
    rows.set(e.health.id, e.health);
    pushedDuringRead?.set(e.health.id, e.health);
    // The device host's own "not reachable" row stands only until a device speaks again.
    if (e.health.id !== 'device-host') rows.delete('device-host');
    settle();
  });
  void readAll();
  const poll = (o.pollMs ?? 10_000) > 0 ? setInterval(() => void readAll(), o.pollMs ?? 10_000) : undefined;
  return () => {
    stopped = true;
    off();
    clearInterval(poll);
    clearTimeout(timer);
    clearTimeout(holdTimer);
  };
}

/** The driver's own words, for support: whatever it said, in both languages. */
function detail(h: DeviceHealth): string {
  return `${h.message.zh} / ${h.message.en}`.slice(0, 300);
}
