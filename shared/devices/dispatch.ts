/** Run a validated request against a DeviceApi: the one switch every transport's server end uses. */
import type { DeviceApi, DeviceRequest } from './contract';

export async function dispatchDeviceRequest(api: DeviceApi, req: DeviceRequest): Promise<unknown> {
  switch (req.op) {
    case 'health':
      return api.health();
    case 'print-ticket':
      return api.printTicket(req.ticket);
    case 'led-show':
      await api.showOnLed(req.text);
      return null;
    case 'evaluator-prompt':
      await api.evaluatorPrompt(req.active);
      return null;
  }
}
