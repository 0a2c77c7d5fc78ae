/**
 * The device contract for a page: the Electron preload's bridge when there is one
 * (`window.hallq.devices`), the web-mode device host's WebSocket when the address names one, and
 * otherwise "no devices" (every print fails, so the kiosk hands out e-tickets).
 */
import type { DeviceApi, DeviceEvent, DeviceHealth, PrintResult } from '../../shared/devices/contract';
import { WsDeviceClient } from '../devices/wsClient';

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
