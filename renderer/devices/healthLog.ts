/**
 * Device health into the hall's event log: a device that turns faulty or missing becomes a
 * `device.fault` event (and `device.recovered` when it is back), so the leader on duty sees it
 * on the admin view from any terminal (R17). Only changes are written, and a device that
 * flaps is written at most once per `minIntervalMs` per state.
 */
import type { DeviceApi, DeviceHealth, DeviceKind } from '../../shared/devices/contract';
import type { EventType, PayloadInput } from '../../shared/events/payloads';

const DEVICE_OF: Record<DeviceKind, PayloadInput<'device.fault'>['device']> = {
  'card-reader': 'card-reader',
  printer: 'printer',
  scanner: 'scanner',
  evaluator: 'evaluator',
  led: 'led',
  // The pedal or button is the document camera's: a fault shows under the camera.
  trigger: 'camera',
};

export interface HealthLogOptions {
  devices: DeviceApi;
  author: <T extends 'device.fault' | 'device.recovered'>(type: T & EventType, payload: PayloadInput<T>) => Promise<unknown>;
  now?: () => number;
  minIntervalMs?: number;
}

export function logDeviceHealth(o: HealthLogOptions): () => void {
  const last = new Map<string, { bad: boolean; at: number }>();
  const now = o.now ?? Date.now;
  const onHealth = (h: DeviceHealth) => {
    if (h.state === 'connecting' || h.state === 'disabled') return;
    const bad = h.state === 'missing' || h.state === 'fault';
    const prev = last.get(h.id);
    if (prev && prev.bad === bad) return;
    if (!prev && !bad) {
      last.set(h.id, { bad, at: now() });
      return;
    }
    if (prev && now() - prev.at < (o.minIntervalMs ?? 0)) return;
    last.set(h.id, { bad, at: now() });
    const device = DEVICE_OF[h.kind];
    if (bad) {
      void o.author('device.fault', {
        device,
        code: (h.code ?? h.state).slice(0, 40),
        message: `${h.message.zh} / ${h.message.en}`.slice(0, 300),
        ...(h.raw && /^[0-9a-f ]*$/i.test(h.raw) ? { raw: h.raw.slice(0, 600) } : {}),
      });
    } else {
      void o.author('device.recovered', { device });
    }
  };
  return o.devices.subscribe((e) => {
    if (e.type === 'health') onHealth(e.health);
  });
}
