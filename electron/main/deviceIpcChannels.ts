/** IPC channel names of the device contract, shared by main and preload. */
export const DEVICE_IPC = {
  request: 'hallq:devices:request',
  subscribe: 'hallq:devices:subscribe',
  event: 'hallq:devices:event',
} as const;
