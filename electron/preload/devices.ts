/**
 * The device contract over Electron IPC, renderer side: what the preload exposes to the page
 * (contextBridge). Events from main are validated again here before the page sees them.
 */
import type { IpcRenderer } from 'electron';
import type { DeviceApi, DeviceEvent, DeviceHealth, PrintResult } from '../../shared/devices/contract';
import { DeviceEventSchema } from '../../shared/devices/contract';
import { DEVICE_IPC } from '../main/deviceIpcChannels';

export function devicesBridge(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): DeviceApi {
  return {
    health: () => ipc.invoke(DEVICE_IPC.request, { op: 'health' }) as Promise<DeviceHealth[]>,
    printTicket: (ticket) => ipc.invoke(DEVICE_IPC.request, { op: 'print-ticket', ticket }) as Promise<PrintResult>,
    showOnLed: async (text) => {
      await ipc.invoke(DEVICE_IPC.request, { op: 'led-show', text });
    },
    evaluatorPrompt: async (active) => {
      await ipc.invoke(DEVICE_IPC.request, { op: 'evaluator-prompt', active });
    },
    subscribe(listener: (e: DeviceEvent) => void) {
      const handler = (_e: unknown, payload: unknown) => {
        const r = DeviceEventSchema.safeParse(payload);
        if (r.success) listener(r.data);
      };
      ipc.on(DEVICE_IPC.event, handler);
      void ipc.invoke(DEVICE_IPC.subscribe);
      return () => ipc.removeListener(DEVICE_IPC.event, handler);
    },
  };
}
