/**
 * The device contract for a page: the Electron preload's bridge when there is one
 * (`window.hallq.devices`), the web-mode device host's WebSocket when the address names one, and
 * otherwise "no devices" (every print fails, so the kiosk hands out e-tickets).
 */
import { DEVICES_OF_ROLE } from '../../shared/devices/condition';
import type { DeviceApi, DeviceEvent, DeviceHealth, PrintResult } from '../../shared/devices/contract';
import { logDeviceHealth } from '../devices/healthLog';
import { WsDeviceClient } from '../devices/wsClient';
import type { TerminalEnv } from './env';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge). */
    hallq?: { devices?: DeviceApi };
  }
}

export function openDevices(p: { devices?: string | undefined; dt?: string | undefined }): DeviceApi {
  if (typeof window !== 'undefined' && window.hallq?.devices) return window.hallq.devices;
  if (p.devices) {
    return new WsDeviceClient({ url: p.devices, ...(p.dt ? { token: p.dt } : {}), WebSocket });
  }
  return new NoDevices();
}

/**
 * The devices this terminal answers for, into the hall's log (device.fault / device.recovered),
 * so the admin sees a fault within seconds and its clearing when fixed (issue 17). Roles without
 * devices (display, admin) write nothing. Returns the stop function.
 */
export function startDeviceHealthLog(env: Pick<TerminalEnv, 'terminal' | 'identity' | 'devices'>): () => void {
  const only = DEVICES_OF_ROLE[env.identity.role];
  if (!only) return () => {};
  const { local } = env.terminal;
  const me = env.identity.terminalId;
  return logDeviceHealth({
    devices: env.devices,
    only,
    author: (type, payload) => local.author(type, payload),
    recorded: (device) => local.state.devices.get(`${me}/${device}`),
    // The technical cause stays in the log (console), never on a citizen's screen.
    onError: (err) => console.warn('hallq device health', err),
  });
}

/** A terminal without devices: nothing prints, nothing is read. */
export class NoDevices implements DeviceApi {
  async health(): Promise<DeviceHealth[]> {
    return [];
  }
  async printTicket(): Promise<PrintResult> {
    return { ok: false, code: 'no-printer', message: { zh: '本机没有连接打印机', en: 'No printer is connected to this terminal' } };
  }
  async showOnLed(): Promise<void> {}
  async evaluatorPrompt(): Promise<void> {}
  subscribe(_listener: (e: DeviceEvent) => void): () => void {
    return () => {};
  }
}
