/**
 * The device contract over Electron IPC, main side. Every call's sender is checked (only our
 * own app pages, see `isAllowedSender`) and its payload validated before it reaches a device.
 * Electron objects come in as arguments (`import type` only): tested in Node with fakes.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { DeviceApi } from '../../shared/devices/contract';
import { DeviceRequestSchema } from '../../shared/devices/contract';
import { dispatchDeviceRequest } from '../../shared/devices/dispatch';
import { DEVICE_IPC } from './deviceIpcChannels';

export { DEVICE_IPC };

export type SenderCheck = (event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>) => boolean;

export function registerDeviceIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, api: DeviceApi, isAllowedSender: SenderCheck): () => void {
  const subscribed = new Set<number>();
  ipcMain.handle(DEVICE_IPC.request, async (event, payload: unknown) => {
    if (!isAllowedSender(event)) throw new Error('devices: this page may not use the devices');
    const req = DeviceRequestSchema.safeParse(payload);
    if (!req.success) throw new Error(`devices: bad request: ${req.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return dispatchDeviceRequest(api, req.data);
  });
  ipcMain.handle(DEVICE_IPC.subscribe, (event) => {
    if (!isAllowedSender(event)) throw new Error('devices: this page may not use the devices');
    const wc = event.sender;
    if (subscribed.has(wc.id)) return true;
    subscribed.add(wc.id);
    const unsubscribe = api.subscribe((e) => {
      if (!wc.isDestroyed()) wc.send(DEVICE_IPC.event, e);
    });
    wc.once('destroyed', () => {
      subscribed.delete(wc.id);
      unsubscribe();
    });
    return true;
  });
  return () => {
    ipcMain.removeHandler(DEVICE_IPC.request);
    ipcMain.removeHandler(DEVICE_IPC.subscribe);
  };
}
